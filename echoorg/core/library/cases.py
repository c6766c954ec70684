"""Case files of public inquiries and reviews: the schema, its validation and loading.

A case is a YAML document (echoorg/library/data/cases/<id>.yaml):

    id, title, sector, as_of (the date the facts were last checked), summary
    status (optional): [{topic, statement, sources}]   where things stand at as_of
    events: [{id, date, precision, actor, kind, description, sources, disagreement,
              speak_up_step (optional)}]
    codes: [{code, events, note}]        ECHO codes, each linked to the events showing it
    three_systems: {note, stages: [{period, dominant, reading}]}   the library's reading
    questions: [text]                    reflective questions for leaders

Every event needs at least one source: {title, publisher, date, locator, url}. `date`
is when the source was published (YYYY, YYYY-MM or YYYY-MM-DD); `locator` (paragraph,
page, volume) and `url` are given where there is one. A source must be checkable: one
without a date (`undated`) is refused, and so is a wiki, blog or forum (by its publisher
or its URL's host, `NOT_A_SOURCE`): cite the report, judgment or official publication,
or failing that a news organisation's dated article. An event whose sources disagree
says so in `disagreement`, and each side's source is in its `sources`.

`speak_up_step` names the step of echoorg's speak-up vocabulary (issue 4,
echoorg.core.concerns.clocks.EVENT_TYPES) the event is an instance of, such as
`reporter_asked_to_apologise`, so a concern's step can lead to the library's events of
the same kind.

`parse_case` refuses a bad document with a `LibraryError` naming the field, for example
``events[2].sources: needs at least one source.`` Codes must exist in the codebook given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..concerns.clocks import EVENT_LABELS as SPEAK_UP_STEPS
from ._fields import (
    PRECISIONS,
    YAML_LOADER,
    LibraryError,
    date_text,
    identifier,
    mapping,
    need,
    only_fields,
    optional_text,
    parse_partial,
    precision_of,
    slug,
)

SECTORS: dict[str, str] = {
    "health": "Health care",
    "social_care": "Adult social care",
    "children": "Children's services",
    "justice": "Criminal justice",
    "housing": "Housing and building safety",
    "public_service": "Other public services",
}

EVENT_KINDS: dict[str, str] = {
    "warning": "Warning",
    "concern_raised": "Concern raised",
    "response_defensive": "Defensive response",
    "response_protective": "Protective response",
    "escalation": "Escalation",
    "decisive_action": "Decisive action",
    "harm": "Harm",
    "finding": "Finding",
    "report": "Report",
}
WARNING_KINDS = frozenset({"warning", "concern_raised"})
RESPONSE_KINDS = frozenset({"response_defensive", "response_protective"})

SYSTEMS = ("threat", "drive", "soothing")
UNDATED = "undated"

# Secondary material that anyone can edit or that no editor stands behind: refused as a
# source. Hosts match themselves and their subdomains; a host whose first label is one of
# NOT_A_SOURCE_LABELS (blog.example.org, forum.example.org) is refused too, and so is a
# publisher whose name contains one of NOT_A_SOURCE_PUBLISHER_WORDS.
NOT_A_SOURCE_HOSTS = frozenset(
    {
        "wikipedia.org",
        "wikimedia.org",
        "wikiwand.com",
        "wikisum.wiki",
        "kiwix.org",
        "fandom.com",
        "blogspot.com",
        "blogger.com",
        "wordpress.com",
        "medium.com",
        "substack.com",
        "tumblr.com",
        "reddit.com",
        "quora.com",
        "websleuths.com",
        "mumsnet.com",
    }
)
NOT_A_SOURCE_LABELS = frozenset({"blog", "blogs", "forum", "forums", "wiki"})
NOT_A_SOURCE_PUBLISHER_WORDS = ("wikipedia", "wiki", "blog", "forum", "reddit", "kiwix")

_CASE_FIELDS = {
    "id",
    "title",
    "sector",
    "as_of",
    "summary",
    "status",
    "events",
    "codes",
    "three_systems",
    "questions",
}
_EVENT_FIELDS = {
    "id",
    "date",
    "precision",
    "actor",
    "kind",
    "description",
    "sources",
    "disagreement",
    "speak_up_step",
}
_SOURCE_FIELDS = {"title", "publisher", "date", "locator", "url"}
_STATUS_FIELDS = {"topic", "statement", "sources"}
_CODE_LINK_FIELDS = {"code", "events", "note"}
_THREE_FIELDS = {"note", "stages"}
_STAGE_FIELDS = {"period", "dominant", "reading"}


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    locator: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return {
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "locator": self.locator or None,
            "url": self.url or None,
        }


@dataclass(frozen=True)
class Event:
    id: str
    date: str
    precision: str
    actor: str
    kind: str
    description: str
    sources: tuple[Source, ...]
    disagreement: str = ""
    speak_up_step: str = ""

    @property
    def speak_up_label(self) -> str:
        return SPEAK_UP_STEPS.get(self.speak_up_step, "")

    @property
    def start(self) -> dt.date:
        """The first day the event's date could mean."""
        return parse_partial(self.date, self.precision)

    @property
    def when(self) -> dt.date:
        """The middle of the period the date names: the day itself, the 15th of a month,
        1 July of a year. Timelines are ordered and delays measured by it, so a date known
        only to the month or year is neither pushed early nor late."""
        start = parse_partial(self.date, self.precision)
        if self.precision == "month":
            return start.replace(day=15)
        if self.precision == "year":
            return start.replace(month=7)
        return start

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS[self.kind]


@dataclass(frozen=True)
class StatusLine:
    topic: str
    statement: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class CodeLink:
    code: str
    events: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Stage:
    period: str
    dominant: str
    reading: str


@dataclass(frozen=True)
class ThreeSystems:
    note: str
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    sector: str
    as_of: dt.date
    summary: str
    status: tuple[StatusLine, ...]
    events: tuple[Event, ...]  # in date order (ties keep the file's order)
    codes: tuple[CodeLink, ...]
    three_systems: ThreeSystems
    questions: tuple[str, ...]

    @property
    def sector_label(self) -> str:
        return SECTORS[self.sector]

    @property
    def code_ids(self) -> frozenset[str]:
        return frozenset(link.code for link in self.codes)

    def event(self, event_id: str) -> Event:
        return next(e for e in self.events if e.id == event_id)

    def codes_of(self, event_id: str) -> tuple[str, ...]:
        return tuple(link.code for link in self.codes if event_id in link.events)


def _source_date(value: Any, where: str) -> str:
    text = date_text(value)
    if text == UNDATED:
        raise LibraryError(
            f"{where}: '{UNDATED}' is not accepted; give the date the source was published "
            "(YYYY, YYYY-MM or YYYY-MM-DD), or cite a source that carries one."
        )
    if not text or precision_of(text) is None:
        raise LibraryError(
            f"{where}: '{value}' must be a date written YYYY, YYYY-MM or YYYY-MM-DD."
        )
    return text


def url_host(url: str) -> str:
    """The host of an http(s) URL, lower case, without port or a leading www."""
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _refused_host(host: str) -> str:
    """The rule `host` breaks ('' if none)."""
    for banned in NOT_A_SOURCE_HOSTS:
        if host == banned or host.endswith("." + banned):
            return banned
    if host.split(".", 1)[0] in NOT_A_SOURCE_LABELS:
        return host
    return ""


_REFUSED_ADVICE = (
    "cite the primary source (the report, judgment, regulator's or official publication) "
    "or a news organisation's dated article instead."
)


def _check_not_secondary(publisher: str, url: str, where: str) -> None:
    words = publisher.lower()
    for word in NOT_A_SOURCE_PUBLISHER_WORDS:
        if word in words:
            raise LibraryError(
                f"{where}publisher: '{publisher}' is a wiki, blog or forum; {_REFUSED_ADVICE}"
            )
    if url:
        banned = _refused_host(url_host(url))
        if banned:
            raise LibraryError(
                f"{where}url: '{url_host(url)}' is a wiki, blog or forum ({banned}); "
                f"{_REFUSED_ADVICE}"
            )


def parse_sources(data: Any, where: str) -> tuple[Source, ...]:
    if not isinstance(data, list):
        raise LibraryError(f"{where}: must be a list of sources.")
    if not data:
        raise LibraryError(f"{where}: needs at least one source.")
    sources = []
    for n, item in enumerate(data):
        w = f"{where}[{n}]."
        raw = mapping(item, f"{where}[{n}]")
        only_fields(raw, _SOURCE_FIELDS, w)
        title = need(raw, "title", w, str)
        publisher = need(raw, "publisher", w, str)
        if "date" not in raw or raw["date"] is None:
            raise LibraryError(
                f"{w}date: is required (the date the source was published: YYYY, YYYY-MM "
                "or YYYY-MM-DD)."
            )
        url = optional_text(raw, "url", w)
        if url and not url.startswith("https://") and not url.startswith("http://"):
            raise LibraryError(f"{w}url: must start with https:// or http://.")
        _check_not_secondary(publisher, url, w)
        locator = raw.get("locator")
        sources.append(
            Source(
                title=title,
                publisher=publisher,
                date=_source_date(raw["date"], f"{w}date"),
                locator=str(locator).strip() if locator is not None else "",
                url=url,
            )
        )
    return tuple(sources)


def _event(data: Any, n: int) -> Event:
    where = f"events[{n}]."
    raw = mapping(data, f"events[{n}]")
    only_fields(raw, _EVENT_FIELDS, where)
    event_id = identifier(need(raw, "id", where, str), f"{where}id")
    precision = need(raw, "precision", where, str)
    if precision not in PRECISIONS:
        raise LibraryError(
            f"{where}precision: '{precision}' is not one of {', '.join(PRECISIONS)}."
        )
    if "date" not in raw or raw["date"] is None:
        raise LibraryError(f"{where}date: is required.")
    date = date_text(raw["date"])
    if precision_of(date) != precision:
        raise LibraryError(
            f"{where}date: '{raw['date']}' is not a date of precision {precision} "
            "(day: YYYY-MM-DD, month: YYYY-MM, year: YYYY)."
        )
    kind = need(raw, "kind", where, str)
    if kind not in EVENT_KINDS:
        raise LibraryError(f"{where}kind: '{kind}' is not one of {', '.join(EVENT_KINDS)}.")
    if "sources" not in raw:
        raise LibraryError(f"{where}sources: every event needs at least one source.")
    step = optional_text(raw, "speak_up_step", where)
    if step and step not in SPEAK_UP_STEPS:
        raise LibraryError(
            f"{where}speak_up_step: '{step}' is not a step of the speak-up vocabulary "
            f"({', '.join(SPEAK_UP_STEPS)})."
        )
    return Event(
        id=event_id,
        date=date,
        precision=precision,
        actor=need(raw, "actor", where, str),
        kind=kind,
        description=need(raw, "description", where, str),
        sources=parse_sources(raw["sources"], f"{where}sources"),
        disagreement=optional_text(raw, "disagreement", where),
        speak_up_step=step,
    )


def parse_case(data: Any, code_ids: frozenset[str] | set[str]) -> Case:
    """Validate a parsed case document against the schema and the codebook's code ids."""
    raw = mapping(data, "case")
    only_fields(raw, _CASE_FIELDS, "")
    case_id = slug(need(raw, "id", "", str), "id")
    title = need(raw, "title", "", str)
    sector = need(raw, "sector", "", str)
    if sector not in SECTORS:
        raise LibraryError(f"sector: '{sector}' is not one of {', '.join(SECTORS)}.")
    if "as_of" not in raw:
        raise LibraryError("as_of: is required (the date the facts were last checked).")
    as_of_text = date_text(raw["as_of"])
    if precision_of(as_of_text) != "day":
        raise LibraryError(f"as_of: '{raw['as_of']}' must be a date written YYYY-MM-DD.")
    summary = need(raw, "summary", "", str)

    status = []
    raw_status = raw.get("status") or []
    if not isinstance(raw_status, list):
        raise LibraryError("status: must be a list.")
    for n, item in enumerate(raw_status):
        where = f"status[{n}]."
        line = mapping(item, f"status[{n}]")
        only_fields(line, _STATUS_FIELDS, where)
        if "sources" not in line:
            raise LibraryError(f"{where}sources: every statement needs at least one source.")
        status.append(
            StatusLine(
                need(line, "topic", where, str),
                need(line, "statement", where, str),
                parse_sources(line["sources"], f"{where}sources"),
            )
        )

    events: list[Event] = []
    raw_events = need(raw, "events", "", list)
    if not raw_events:
        raise LibraryError("events: needs at least one event.")
    for n, item in enumerate(raw_events):
        event = _event(item, n)
        if any(e.id == event.id for e in events):
            raise LibraryError(f"events[{n}].id: '{event.id}' is used by another event.")
        events.append(event)
    event_ids = {e.id for e in events}
    events.sort(key=lambda e: e.when)

    links: list[CodeLink] = []
    for n, item in enumerate(need(raw, "codes", "", list)):
        where = f"codes[{n}]."
        link = mapping(item, f"codes[{n}]")
        only_fields(link, _CODE_LINK_FIELDS, where)
        code = need(link, "code", where, str)
        if code not in code_ids:
            raise LibraryError(f"{where}code: '{code}' is not a code of the codebook.")
        if any(x.code == code for x in links):
            raise LibraryError(f"{where}code: '{code}' is listed twice.")
        linked = need(link, "events", where, list)
        if not linked:
            raise LibraryError(f"{where}events: link the code to at least one event.")
        for m, event_id in enumerate(linked):
            if event_id not in event_ids:
                raise LibraryError(
                    f"{where}events[{m}]: '{event_id}' is not an event of this case."
                )
        links.append(CodeLink(code, tuple(linked), optional_text(link, "note", where)))

    three = mapping(raw.get("three_systems"), "three_systems") if "three_systems" in raw else None
    if three is None:
        raise LibraryError("three_systems: is required.")
    only_fields(three, _THREE_FIELDS, "three_systems.")
    stages = []
    for n, item in enumerate(need(three, "stages", "three_systems.", list)):
        where = f"three_systems.stages[{n}]."
        stage = mapping(item, f"three_systems.stages[{n}]")
        only_fields(stage, _STAGE_FIELDS, where)
        dominant = need(stage, "dominant", where, str)
        if dominant not in SYSTEMS:
            raise LibraryError(f"{where}dominant: '{dominant}' is not one of {', '.join(SYSTEMS)}.")
        stages.append(
            Stage(need(stage, "period", where, str), dominant, need(stage, "reading", where, str))
        )
    if not stages:
        raise LibraryError("three_systems.stages: needs at least one stage.")

    questions = need(raw, "questions", "", list)
    if not questions:
        raise LibraryError("questions: needs at least one question.")
    for n, q in enumerate(questions):
        if not isinstance(q, str) or not q.strip():
            raise LibraryError(f"questions[{n}]: must be text.")

    return Case(
        id=case_id,
        title=title,
        sector=sector,
        as_of=dt.date.fromisoformat(as_of_text),
        summary=summary,
        status=tuple(status),
        events=tuple(events),
        codes=tuple(links),
        three_systems=ThreeSystems(need(three, "note", "three_systems.", str), tuple(stages)),
        questions=tuple(q.strip() for q in questions),
    )


def load_case_text(text: str, code_ids: frozenset[str] | set[str]) -> Case:
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise LibraryError(f"case: not valid YAML{where}.") from None
    return parse_case(data, code_ids)


def load_case(path: Path, code_ids: frozenset[str] | set[str]) -> Case:
    """A case file; the id inside must match the file's name."""
    case = load_case_text(path.read_text(encoding="utf-8"), code_ids)
    if case.id != path.stem:
        raise LibraryError(f"id: '{case.id}' differs from the file's name '{path.stem}'.")
    return case


def validate_files(paths: list[Path], code_ids: frozenset[str] | set[str]) -> list[str]:
    """One line per problem, naming the file, the case (when it could be read) and the
    field: ``mid-staffordshire.yaml (case mid-staffordshire): events[2].date: ...``.
    An empty list means every file is valid."""
    problems = []
    for path in paths:
        try:
            load_case(path, code_ids)
        except LibraryError as exc:
            problems.append(f"{path.name} (case {_case_id_of(path)}): {exc}")
        except OSError as exc:
            problems.append(f"{path.name}: cannot be read ({exc.strerror}).")
    return problems


def _case_id_of(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError):
        return "unreadable"
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else "without an id"
