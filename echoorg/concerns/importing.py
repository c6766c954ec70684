"""Importing historical cases (CSV or JSON, in the event vocabulary): all or nothing.

JSON: the analysis format, `[{"id", "risk_of_harm", "events": [{"type", "date", ...}]}]`,
with optional case fields `category`, `mode`, `unit`, `leader` (email), `at_risk`,
`summary`, `title`, `would_speak_up_again`, and an optional `note` per event.
CSV: one row per event, header
`case,type,date,risk_of_harm,category,mode,unit,leader,to,outcome,note`; case fields
are read from a case's first row that has them.

Every value is checked for its type as well as its content, so that a list where a
string belongs gives a message naming the case (or row) and the field, never an error
page. The dates and their order follow `echoorg.core.concerns.clocks`' rules of what a
timeline may hold: nothing after today (in the organisation's time zone) or before
1978, nothing before the concern was received, no reopening before a conclusion. Ids
are at most 18 characters of letters, digits, '.', '_' and '-', so that the reference
`H-<id>` fits its 20 characters unchanged and its web address works.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.db import transaction

from echoorg.audit.log import record
from echoorg.core.concerns.clocks import (
    EVENT_TYPES,
    OUTCOMES,
    REFERRAL_TARGETS,
    CaseDataError,
    Place,
    case_id_problem,
    date_problem,
    default_place,
    json_kind,
    parse_cases,
    shape_problem,
)
from echoorg.orgs.permissions import members_who_may

from . import services
from .crypto import vault
from .models import AT_RISK, CATEGORIES, MODES, SPEAK_AGAIN, CaseEvent, Concern

CSV_HEADER = [
    "case",
    "type",
    "date",
    "risk_of_harm",
    "category",
    "mode",
    "unit",
    "leader",
    "to",
    "outcome",
    "note",
]
KEPT_DETAIL = ("to", "outcome", "harm_risk", "detriment_risk")
RISK_LEVELS = ("none", "low", "medium", "high")
MAX_PROBLEMS = 50
MAX_TITLE = 200
_ISO_SHAPE = "YYYY-MM-DD"


@dataclass
class CaseImportError(Exception):
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(self.problems)


def _shown(value: object) -> str:
    """A value as a message shows it: short text quoted, anything else by its kind."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return json_kind(value)


def _from_csv(text: str, problems: list[str]) -> tuple[list[dict], dict[str, int]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CaseImportError(["The file is empty."]) from None
    except csv.Error as exc:
        raise CaseImportError([f"Row 1: {exc}."]) from None
    if header != CSV_HEADER:
        raise CaseImportError([f"Row 1: the header must be '{','.join(CSV_HEADER)}'."])
    cases: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field larger than the csv module's limit
            raise CaseImportError([f"Row {reader.line_num}: {exc}."]) from None
        number += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            problems.append(f"Row {number}: expected {len(CSV_HEADER)} columns, found {len(row)}.")
            continue
        cell = dict(zip(CSV_HEADER, (c.strip() for c in row), strict=True))
        if not cell["case"]:
            problems.append(f"Row {number}: the case id is empty.")
            continue
        case = cases.setdefault(cell["case"], {"id": cell["case"], "events": []})
        first_row.setdefault(cell["case"], number)
        for key in ("category", "mode", "unit", "leader"):
            if cell[key] and key not in case:
                case[key] = cell[key]
        if cell["risk_of_harm"]:
            if cell["risk_of_harm"].lower() not in ("true", "false", "yes", "no"):
                problems.append(f"Row {number}: risk_of_harm must be true, false, yes or no.")
            case.setdefault("risk_of_harm", cell["risk_of_harm"].lower() in ("true", "yes"))
        event = {"type": cell["type"], "date": cell["date"], "row": number}
        for key in ("to", "outcome", "note"):
            if cell[key]:
                event[key] = cell[key]
        case["events"].append(event)
    return list(cases.values()), first_row


def _event_problems(where: str, event: dict, today: dt.date) -> list[str]:
    found = []
    kind = event.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        found.append(f"{where}: {_shown(kind)} is not an event type.")
    date = event.get("date")
    day = None
    if isinstance(date, str) and len(date) == len(_ISO_SHAPE):
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            pass
    if day is None:
        found.append(f"{where}: the date {_shown(date)} is not {_ISO_SHAPE}.")
    else:
        problem = date_problem(day, today)
        if problem:
            found.append(f"{where}: {problem[1]}.")
    for key, allowed in (
        ("to", REFERRAL_TARGETS),
        ("outcome", OUTCOMES),
        ("harm_risk", RISK_LEVELS),
        ("detriment_risk", RISK_LEVELS),
    ):
        if key in event and (not isinstance(event[key], str) or event[key] not in allowed):
            found.append(
                f"{where}: '{key}' must be one of {', '.join(allowed)}, not {_shown(event[key])}."
            )
    if event.get("note") is not None and not isinstance(event["note"], str):
        found.append(f"{where}: 'note' must be text, not {_shown(event['note'])}.")
    return found


def _choice_problem(where: str, key: str, value: object, allowed: list[str]) -> str | None:
    if isinstance(value, str) and value in allowed:
        return None
    return f"{where}: {key} must be one of {', '.join(allowed)}, not {_shown(value)}."


def _case_problems(where: str, case: dict, units: dict, leaders: dict, org_name: str) -> list[str]:
    """The import format's own case fields, each checked for its type and its value."""
    found = []
    for key, default, allowed in (
        ("category", "other", [k for k, _ in CATEGORIES]),
        ("mode", "confidential", [k for k, _ in MODES]),
    ):
        problem = _choice_problem(where, key, case.get(key, default), allowed)
        if problem:
            found.append(problem)
    for key, known, what in (("unit", units, "a unit"), ("leader", leaders, "a leader")):
        value = case.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            found.append(f"{where}: {key} must be the name of {what} (text), not {_shown(value)}.")
        elif value not in known:
            found.append(f"{where}: {key} {_shown(value)} is not {what} of {org_name}.")
    at_risk = [] if case.get("at_risk") is None else case["at_risk"]
    allowed_risk = [k for k, _ in AT_RISK]
    if not isinstance(at_risk, list) or any(
        not isinstance(a, str) or a not in allowed_risk for a in at_risk
    ):
        found.append(
            f"{where}: at_risk must be a list of values among "
            f"{', '.join(allowed_risk)}, not {_shown(at_risk)}."
        )
    answer = case.get("would_speak_up_again")
    if answer not in (None, "") and (
        not isinstance(answer, str) or answer not in dict(SPEAK_AGAIN)
    ):
        found.append(
            f"{where}: would_speak_up_again must be yes, unsure or no, not {_shown(answer)}."
        )
    for key in ("title", "summary", "note"):
        value = case.get(key)
        if value is not None and not isinstance(value, str):
            found.append(f"{where}: {key} must be text, not {_shown(value)}.")
    title = case.get("title")
    if isinstance(title, str) and len(title) > MAX_TITLE:
        found.append(f"{where}: title is longer than {MAX_TITLE} characters.")
    return found


def import_cases(
    actor, organisation, name: str, data: bytes, source: str = Concern.IMPORT, prefix: str = "H-"
) -> int:
    """Read a CSV or JSON file of cases and import them (`import_case_list`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseImportError(["The file is not UTF-8 text."]) from None
    problems: list[str] = []
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            cases = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseImportError([f"The file is not valid JSON (line {exc.lineno})."]) from None
        except RecursionError:
            raise CaseImportError(
                ["The JSON is nested too deeply to be a file of cases."]
            ) from None
        except ValueError:  # a number of thousands of digits
            raise CaseImportError(["The JSON holds a number too long to read."]) from None
        return import_case_list(actor, organisation, cases, source=source, prefix=prefix)
    cases, first_row = _from_csv(text, problems)

    def place(position: int, case_id: object, event: int | None) -> str:
        case = cases[position - 1]
        if event is not None:
            return f"Row {case['events'][event - 1]['row']}"
        return f"Row {first_row[case['id']]}"

    return _import(actor, organisation, cases, problems, place, source, prefix)


def import_case_list(
    actor, organisation, cases: object, *, source: str = Concern.IMPORT, prefix: str = "H-"
) -> int:
    """Import decoded JSON cases (the API's door; files come through `import_cases`)."""
    if not isinstance(cases, list):
        raise CaseImportError(["The JSON must be a list of cases."])
    return _import(actor, organisation, cases, [], default_place, source, prefix)


def _import(
    actor, organisation, cases: list, problems: list[str], place: Place, source: str, prefix: str
) -> int:
    """Validate every case, then write them all in one transaction. Returns the count.

    Imported cases get the reference `prefix` + their id (H-... for history)."""
    today = services.today_for(organisation)
    max_id = Concern._meta.get_field("reference").max_length - len(prefix)
    units = dict(organisation.units.values_list("name", "id"))
    leaders = {
        m.user.email: m.user_id for m in members_who_may(organisation, "concerns.be_responsible")
    }
    taken = set(
        Concern.objects.filter(organisation=organisation).values_list("reference", flat=True)
    )
    for position, case in enumerate(cases, start=1):
        if not isinstance(case, dict):
            continue  # parse_cases names it
        shape = shape_problem(case)
        if shape:
            problems.append(f"{place(position, None, None)}: {shape}.")
            continue
        case_id = case.get("id")
        usable_id = case_id if case_id_problem(case_id, max_id) is None else None
        where = place(position, usable_id, None)
        events = case.get("events")
        for number, event in enumerate(events if isinstance(events, list) else [], start=1):
            if isinstance(event, dict):
                problems += _event_problems(place(position, usable_id, number), event, today)
        problems += _case_problems(where, case, units, leaders, organisation.name)
        if usable_id is not None and f"{prefix}{usable_id}" in taken:
            problems.append(f"{where}: case '{usable_id}' was imported already.")
    if not problems:
        try:
            parsed = parse_cases(cases, today=today, max_id_length=max_id, place=place)
        except CaseDataError as exc:
            problems += exc.problems
    if problems:
        raise CaseImportError(problems[:MAX_PROBLEMS])

    with transaction.atomic():
        created = []
        for case, core in zip(cases, parsed, strict=True):
            assessed_risk = any(
                e.type == "assessed" and e.detail.get("harm_risk") in ("medium", "high")
                for e in core.events
            )
            concern = Concern(
                organisation=organisation,
                reference=f"{prefix}{core.id}",
                mode=case.get("mode", "confidential"),
                category=case.get("category", "other"),
                at_risk=[] if case.get("at_risk") is None else case["at_risk"],
                risk_of_harm=core.risk_of_harm or assessed_risk,
                unit_id=units.get(case.get("unit") or None),
                source=source,
                responsible_leader_id=leaders.get(case.get("leader") or None),
                received_on=min(e.date for e in core.events if e.type == "received"),
                would_speak_up_again=case.get("would_speak_up_again") or "",
                title=case.get("title") or "",
            )
            concern.text = (
                case.get("summary") or case.get("note") or "Imported from an earlier record."
            )
            concern.save()
            created.append(concern.pk)
            # parse_cases keeps the events in the order given, so notes pair by position.
            notes = [e.get("note") or "" for e in case["events"]]
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        concern=concern,
                        type=e.type,
                        date=e.date,
                        detail={k: v for k, v in e.detail.items() if k in KEPT_DETAIL},
                        note_encrypted=vault().encrypt_text(note) if note else None,
                    )
                    for e, note in zip(core.events, notes, strict=True)
                ]
            )
        services.recompute_many(created, today=today)
        record(
            "concerns.imported",
            actor=actor,
            organisation=organisation,
            object_type="concerns.concern",
            count=len(cases),
        )
    return len(cases)
