"""Survey instruments as data: the schema, its validation and the shipped instruments.

An instrument is a YAML document (see docs/instrument-schema.md):

    id, version, title, description (optional)
    response_scale: {min, max, labels}      labels: one per point, min..max
    scales:  [{id, name, description, source, direction, meaning, worth_looking_at,
               conversation_guide, same_items_as (the last five optional)}]
    items:   [{id, text, scale, reverse, audience (optional: everyone|staff|leaders)}]
    demographics (optional): [{id, question, options}]
    comments (optional): [{id, question, scale}]   free-text questions, each about a scale


`parse_instrument` refuses a bad document with an `InstrumentError` whose message names
the field, for example ``items[3].scale: 'thret' is not one of the scales``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .conversations import GUIDES

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "diagnostic" / "instruments"
AUDIENCES = ("everyone", "staff", "leaders")
# What a higher score means for a scale: how the results pages colour and word it.
HIGHER_IS_BETTER = "higher_is_better"
HIGHER_IS_WORSE = "higher_is_worse"
DIRECTIONS = (HIGHER_IS_BETTER, HIGHER_IS_WORSE)
# Item, scale and question ids: letters in either case, digits and underscores, starting
# with a letter, as survey tools and published data sets name their columns (`A1`,
# `Q12_3`, `CML2`). They are matched exactly against a responses file's header, so two
# ids of one instrument may not differ only in case (a spreadsheet could not tell them
# apart, and neither can a person reading the header).
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_INSTRUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class InstrumentError(ValueError):
    """A document that is not a valid instrument; the message names the field."""


@dataclass(frozen=True)
class ResponseScale:
    min: int
    max: int
    labels: tuple[str, ...]


@dataclass(frozen=True)
class PublishedFigure:
    """A published survey's figure for the same items as one of the instrument's scales:
    shown beside the scale only because the items are the same."""

    survey: str
    year: int
    figure: float
    min: float  # the published figure's own scale, which may differ from the instrument's
    max: float
    source: str


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    description: str
    source: str
    # Optional meaning, for the results pages (an instrument written before these fields
    # existed still loads; its scales are then shown without them).
    direction: str | None = None  # HIGHER_IS_BETTER or HIGHER_IS_WORSE; None: not stated
    meaning: str = ""  # one plain sentence: what the score describes
    worth_looking_at: str = ""  # one plain sentence: what would be worth looking at
    conversation_guide: str = ""  # an id of echoorg.core.diagnostic.conversations.GUIDES
    same_items_as: PublishedFigure | None = None


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    scale: str
    reverse: bool
    audience: str = "everyone"


@dataclass(frozen=True)
class Demographic:
    id: str
    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class CommentQuestion:
    """A free-text question about one scale's theme; its answers are grouped under it."""

    id: str
    question: str
    scale: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    title: str
    description: str
    response_scale: ResponseScale
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    demographics: tuple[Demographic, ...] = ()
    comments: tuple[CommentQuestion, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)

    def items_of(self, scale_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scale == scale_id)

    def items_for(self, audience: str) -> tuple[Item, ...]:
        """The items a respondent of `audience` ('staff' or 'leaders') is asked."""
        return tuple(i for i in self.items if i.audience in ("everyone", audience))

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)


def _need(data: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise InstrumentError(f"{where}{key}: is required.")
    value = data[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InstrumentError(
            f"{where}{key}: must be {_article(names)}, not {type(value).__name__}."
        )
    if isinstance(value, str) and not value.strip():
        raise InstrumentError(f"{where}{key}: must not be empty.")
    return value


def _article(name: str) -> str:
    words = {
        "str": "text",
        "int": "a whole number",
        "bool": "true or false",
        "list": "a list",
        "dict": "a mapping",
    }
    return " or ".join(words.get(n, n) for n in name.split(" or "))


def _unknown_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise InstrumentError(
            f"{where}{extra[0]}: is not a field of the schema "
            f"(allowed: {', '.join(sorted(allowed))})."
        )


def _identifier(value: str, where: str) -> str:
    if not _ID.match(value):
        raise InstrumentError(
            f"{where}: '{value}' must be letters (either case), digits and "
            "underscores, starting with a letter."
        )
    return value


def _case_note(value: str, taken: list[str]) -> str:
    """', as 'X' (ids may not differ only in case)' when `value` clashes with an id in
    `taken` that is spelt with other capitals; empty when the clash is exact."""
    for other in taken:
        if other.casefold() == value.casefold() and other != value:
            return f", as '{other}' (ids may not differ only in case)"
    return ""


SCALE_FIELDS = (
    "id",
    "name",
    "description",
    "source",
    "direction",
    "meaning",
    "worth_looking_at",
    "conversation_guide",
    "same_items_as",
)
_PUBLISHED_FIELDS = {"survey", "year", "figure", "scale", "source"}


def _optional_text(raw: dict[str, Any], key: str, where: str) -> str:
    if key not in raw:
        return ""
    return str(_need(raw, key, where, str)).strip()


def _scale_meaning(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The optional fields that say what a scale's score means (see `Scale`)."""
    direction = raw.get("direction")
    if direction is not None and direction not in DIRECTIONS:
        raise InstrumentError(
            f"{where}direction: must be one of {', '.join(DIRECTIONS)}, not {direction!r}."
        )
    guide = _optional_text(raw, "conversation_guide", where)
    if guide and guide not in GUIDES:
        raise InstrumentError(
            f"{where}conversation_guide: '{guide}' is not one of echoorg's conversation "
            f"guides ({', '.join(sorted(GUIDES))})."
        )
    published = None
    if "same_items_as" in raw:
        published = _published_figure(
            _need(raw, "same_items_as", where, dict), f"{where}same_items_as."
        )
    return {
        "direction": direction,
        "meaning": _optional_text(raw, "meaning", where),
        "worth_looking_at": _optional_text(raw, "worth_looking_at", where),
        "conversation_guide": guide,
        "same_items_as": published,
    }


def _published_figure(raw: dict[str, Any], where: str) -> PublishedFigure:
    """`same_items_as`: a published survey's figure for the very same items, with its own
    scale and its source (a scale written for echoorg has none: never compare unlike
    scales)."""
    _unknown_keys(raw, _PUBLISHED_FIELDS, where)
    year = _need(raw, "year", where, int)
    if not 1900 <= year <= 2100:
        raise InstrumentError(f"{where}year: must be a year such as 2024, not {year}.")
    figure = _need(raw, "figure", where, (int, float))
    if isinstance(figure, bool):
        raise InstrumentError(f"{where}figure: must be a number, not bool.")
    scale = _need(raw, "scale", where, dict)
    _unknown_keys(scale, {"min", "max"}, f"{where}scale.")
    low = _need(scale, "min", f"{where}scale.", (int, float))
    high = _need(scale, "max", f"{where}scale.", (int, float))
    if isinstance(low, bool) or isinstance(high, bool) or not high > low:
        raise InstrumentError(f"{where}scale.max: must be a number greater than scale.min.")
    if not low <= figure <= high:
        raise InstrumentError(
            f"{where}figure: {figure} is outside the published scale ({low} to {high})."
        )
    return PublishedFigure(
        _need(raw, "survey", where, str).strip(),
        year,
        float(figure),
        float(low),
        float(high),
        _need(raw, "source", where, str).strip(),
    )


def parse_instrument(data: Any) -> Instrument:
    """Validate a parsed YAML/JSON document and build the Instrument."""
    if not isinstance(data, dict):
        raise InstrumentError("instrument: the document must be a mapping of fields.")
    _unknown_keys(
        data,
        {
            "id",
            "version",
            "title",
            "description",
            "response_scale",
            "scales",
            "items",
            "demographics",
            "comments",
        },
        "",
    )
    instrument_id = _need(data, "id", "", str)
    if not _INSTRUMENT_ID.match(instrument_id):
        raise InstrumentError(
            f"id: '{instrument_id}' must be lower-case letters, digits, "
            "dots, hyphens and underscores."
        )
    version = _need(data, "version", "", int)
    if version < 1:
        raise InstrumentError("version: must be 1 or more.")
    title = _need(data, "title", "", str)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise InstrumentError("description: must be text.")

    rs = _need(data, "response_scale", "", dict)
    _unknown_keys(rs, {"min", "max", "labels"}, "response_scale.")
    low = _need(rs, "min", "response_scale.", int)
    high = _need(rs, "max", "response_scale.", int)
    if high <= low:
        raise InstrumentError("response_scale.max: must be greater than response_scale.min.")
    if high - low > 20:
        raise InstrumentError("response_scale.max: at most 21 points are supported.")
    labels = _need(rs, "labels", "response_scale.", list)
    if len(labels) != high - low + 1 or not all(isinstance(x, str) and x for x in labels):
        raise InstrumentError(
            f"response_scale.labels: needs {high - low + 1} text labels, "
            f"one for each point from {low} to {high}."
        )

    scales: list[Scale] = []
    for n, raw in enumerate(_need(data, "scales", "", list)):
        where = f"scales[{n}]."
        if not isinstance(raw, dict):
            raise InstrumentError(f"scales[{n}]: must be a mapping.")
        _unknown_keys(raw, set(SCALE_FIELDS), where)
        sid = _identifier(_need(raw, "id", where, str), f"{where}id")
        if any(s.id.casefold() == sid.casefold() for s in scales):
            raise InstrumentError(
                f"{where}id: '{sid}' is used by another scale"
                f"{_case_note(sid, [s.id for s in scales])}."
            )
        scales.append(
            Scale(
                sid,
                _need(raw, "name", where, str),
                _need(raw, "description", where, str),
                _need(raw, "source", where, str),
                **_scale_meaning(raw, where),
            )
        )
    if not scales:
        raise InstrumentError("scales: needs at least one scale.")

    items: list[Item] = []
    scale_ids = {s.id for s in scales}
    for n, raw in enumerate(_need(data, "items", "", list)):
        where = f"items[{n}]."
        if not isinstance(raw, dict):
            raise InstrumentError(f"items[{n}]: must be a mapping.")
        _unknown_keys(raw, {"id", "text", "scale", "reverse", "audience"}, where)
        iid = _identifier(_need(raw, "id", where, str), f"{where}id")
        if any(i.id.casefold() == iid.casefold() for i in items):
            raise InstrumentError(
                f"{where}id: '{iid}' is used by another item"
                f"{_case_note(iid, [i.id for i in items])}."
            )
        if iid.casefold() in ("respondent", "unit"):
            raise InstrumentError(f"{where}id: '{iid}' is reserved for the response file.")
        scale = _need(raw, "scale", where, str)
        if scale not in scale_ids:
            raise InstrumentError(
                f"{where}scale: '{scale}' is not one of the scales "
                f"({', '.join(sorted(scale_ids))})."
            )
        audience = raw.get("audience", "everyone")
        if audience not in AUDIENCES:
            raise InstrumentError(f"{where}audience: must be one of {', '.join(AUDIENCES)}.")
        items.append(
            Item(
                iid,
                _need(raw, "text", where, str).strip(),
                scale,
                _need(raw, "reverse", where, bool),
                audience,
            )
        )
    for scale in scales:
        if not any(i.scale == scale.id for i in items):
            raise InstrumentError(f"scales: scale '{scale.id}' has no items.")

    demographics: list[Demographic] = []
    raw_demographics = data.get("demographics", [])
    if not isinstance(raw_demographics, list):
        raise InstrumentError("demographics: must be a list.")
    for n, raw in enumerate(raw_demographics):
        where = f"demographics[{n}]."
        if not isinstance(raw, dict):
            raise InstrumentError(f"demographics[{n}]: must be a mapping.")
        _unknown_keys(raw, {"id", "question", "options"}, where)
        did = _identifier(_need(raw, "id", where, str), f"{where}id")
        taken = [d.id for d in demographics] + [i.id for i in items]
        if any(t.casefold() == did.casefold() for t in taken):
            raise InstrumentError(
                f"{where}id: '{did}' is used by another question{_case_note(did, taken)}."
            )
        options = _need(raw, "options", where, list)
        if len(options) < 2 or not all(isinstance(o, str) and o for o in options):
            raise InstrumentError(f"{where}options: needs at least two text options.")
        if len(set(options)) != len(options):
            raise InstrumentError(f"{where}options: options must differ.")
        demographics.append(Demographic(did, _need(raw, "question", where, str), tuple(options)))

    comments = _comment_questions(
        data.get("comments", []), scales, [i.id for i in items] + [d.id for d in demographics]
    )

    return Instrument(
        instrument_id,
        version,
        title,
        description,
        ResponseScale(low, high, tuple(labels)),
        tuple(scales),
        tuple(items),
        tuple(demographics),
        comments,
    )


# The free-text question every survey ends with ("anything else?") is answered in the
# response's own comment field; no comment question may take its name.
GENERAL_COMMENT = "comment"


def _comment_questions(
    raw_comments: Any, scales: list[Scale], taken: list[str]
) -> tuple[CommentQuestion, ...]:
    """The `comments` field: free-text questions, each naming the scale whose theme it
    asks about, so the results pages can group the answers by theme."""
    if not isinstance(raw_comments, list):
        raise InstrumentError("comments: must be a list.")
    scale_ids = [s.id for s in scales]
    questions: list[CommentQuestion] = []
    for n, raw in enumerate(raw_comments):
        where = f"comments[{n}]."
        if not isinstance(raw, dict):
            raise InstrumentError(f"comments[{n}]: must be a mapping.")
        _unknown_keys(raw, {"id", "question", "scale"}, where)
        cid = _identifier(_need(raw, "id", where, str), f"{where}id")
        if cid.casefold() == GENERAL_COMMENT:
            raise InstrumentError(
                f"{where}id: '{cid}' is reserved for the closing 'anything else' question."
            )
        others = taken + [q.id for q in questions]
        if any(t.casefold() == cid.casefold() for t in others):
            raise InstrumentError(
                f"{where}id: '{cid}' is used by another question{_case_note(cid, others)}."
            )
        question = _need(raw, "question", where, str).strip()
        scale = _need(raw, "scale", where, str)
        if scale not in scale_ids:
            raise InstrumentError(
                f"{where}scale: '{scale}' is not one of the scales "
                f"({', '.join(sorted(scale_ids))})."
            )
        questions.append(CommentQuestion(cid, question, scale))
    return tuple(questions)


def load_instrument_text(text: str) -> Instrument:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise InstrumentError(f"instrument: not valid YAML{where}.") from None
    return parse_instrument(data)


_PARSED: dict[tuple[str, int, str], Instrument] = {}
_PARSED_MAX = 64
_PARSED_LOCK = threading.Lock()


def cached_instrument(text: str, instrument_id: str = "", version: int = 0) -> Instrument:
    """`load_instrument_text`, parsed once per process for each (id, version, SHA-256 of
    the text), the last 64 kept: pages that show a wave's instrument on every request
    reuse the parse. Instruments are frozen dataclasses of tuples, so one parse can be
    shared. A text that is not a valid instrument raises InstrumentError every time."""
    key = (instrument_id, version, hashlib.sha256(text.encode("utf-8")).hexdigest())
    found = _PARSED.get(key)
    if found is None:
        found = load_instrument_text(text)
        with _PARSED_LOCK:
            if len(_PARSED) >= _PARSED_MAX:
                del _PARSED[next(iter(_PARSED))]  # the oldest
            _PARSED[key] = found
    return found


def shipped_instruments() -> dict[str, Path]:
    """The instruments that come with echoorg, by id."""
    return {p.stem: p for p in sorted(SHIPPED_DIR.glob("*.yaml"))}


def find_instrument(id_or_path: str) -> Instrument:
    """A shipped instrument by id, or an instrument file by path."""
    shipped = shipped_instruments()
    if id_or_path in shipped:
        return load_instrument_text(shipped[id_or_path].read_text(encoding="utf-8"))
    path = Path(id_or_path)
    if not path.is_file():
        raise InstrumentError(
            f"instrument: '{id_or_path}' is neither a shipped instrument "
            f"({', '.join(shipped) or 'none'}) nor a file."
        )
    return load_instrument_text(path.read_text(encoding="utf-8"))


_MEANING_FIELDS = (
    "direction",
    "meaning",
    "worth_looking_at",
    "conversation_guide",
    "same_items_as",
)


def _shipped_by_id_version() -> dict[tuple[str, int], Instrument]:
    found: dict[tuple[str, int], Instrument] = {}
    for path in shipped_instruments().values():
        try:
            instrument = cached_instrument(path.read_text(encoding="utf-8"))
        except InstrumentError:  # pragma: no cover - the shipped files are tested valid
            continue
        found[(instrument.id, instrument.version)] = instrument
    return found


_SHIPPED_CACHE: dict[tuple[str, int], Instrument] | None = None


def with_shipped_meaning(frozen: Instrument) -> Instrument:
    """`frozen` (a wave's own copy of its instrument) with the results pages' meaning
    fields (direction, meaning, what is worth looking at, conversation guide, published
    figure) taken from the shipped instrument of the same id and version, for scales
    whose frozen copy states none of them.

    Waves set up before those fields existed froze a copy without them. Their scoring
    stays exactly as frozen: the fields are filled only when the shipped instrument asks
    the same items (ids, text, scale, reverse keying, audience) and has the same scales
    and response scale, so the words describe the very scores shown. Otherwise `frozen`
    comes back unchanged."""
    global _SHIPPED_CACHE
    if _SHIPPED_CACHE is None:
        _SHIPPED_CACHE = _shipped_by_id_version()
    shipped = _SHIPPED_CACHE.get((frozen.id, frozen.version))
    if shipped is None or shipped is frozen:
        return frozen
    if (
        shipped.items != frozen.items
        or shipped.response_scale != frozen.response_scale
        or [s.id for s in shipped.scales] != [s.id for s in frozen.scales]
    ):
        return frozen
    by_id = {s.id: s for s in shipped.scales}
    scales = []
    changed = False
    for scale in frozen.scales:
        if scale.direction is None and not scale.meaning:
            donor = by_id[scale.id]
            filled = replace(scale, **{f: getattr(donor, f) for f in _MEANING_FIELDS})
            changed = changed or filled != scale
            scales.append(filled)
        else:
            scales.append(scale)
    return replace(frozen, scales=tuple(scales)) if changed else frozen
