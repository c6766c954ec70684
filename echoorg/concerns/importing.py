"""Importing historical cases (CSV or JSON, in the event vocabulary): all or nothing.

JSON: the analysis format, `[{"id", "risk_of_harm", "events": [{"type", "date", ...}]}]`,
with optional case fields `category`, `mode`, `unit`, `leader` (email), `at_risk`,
`summary`, `title`, `would_speak_up_again`, and an optional `note` per event.
CSV: one row per event, header
`case,type,date,risk_of_harm,category,mode,unit,leader,to,outcome,note`; case fields
are read from a case's first row that has them.
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
    parse_cases,
)

from .crypto import vault
from .models import AT_RISK, CATEGORIES, MODES, SPEAK_AGAIN, CaseEvent, Concern

CSV_HEADER = ["case", "type", "date", "risk_of_harm", "category", "mode", "unit", "leader",
              "to", "outcome", "note"]
KEPT_DETAIL = ("to", "outcome", "harm_risk", "detriment_risk")
RISK_LEVELS = ("none", "low", "medium", "high")
MAX_PROBLEMS = 50


@dataclass
class CaseImportError(Exception):
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(self.problems)


def _from_csv(text: str, problems: list[str]) -> tuple[list[dict], dict[str, int]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CaseImportError(["The file is empty."]) from None
    if header != CSV_HEADER:
        raise CaseImportError([f"Row 1: the header must be '{','.join(CSV_HEADER)}'."])
    cases: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            problems.append(f"Row {number}: expected {len(CSV_HEADER)} columns, "
                            f"found {len(row)}.")
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


def _event_problems(where: str, event: dict) -> list[str]:
    found = []
    if event.get("type") not in EVENT_TYPES:
        found.append(f"{where}: '{event.get('type')}' is not an event type.")
    try:
        dt.date.fromisoformat(str(event.get("date", "")))
    except ValueError:
        found.append(f"{where}: the date '{event.get('date')}' is not YYYY-MM-DD.")
    if "to" in event and event["to"] not in REFERRAL_TARGETS:
        found.append(f"{where}: 'to' must be one of {', '.join(REFERRAL_TARGETS)}.")
    if "outcome" in event and event["outcome"] not in OUTCOMES:
        found.append(f"{where}: 'outcome' must be one of {', '.join(OUTCOMES)}.")
    for key in ("harm_risk", "detriment_risk"):
        if key in event and event[key] not in RISK_LEVELS:
            found.append(f"{where}: '{key}' must be one of {', '.join(RISK_LEVELS)}.")
    return found


def import_cases(actor, organisation, name: str, data: bytes,  # noqa: ANN001, C901
                 source: str = Concern.IMPORT, prefix: str = "H-") -> int:
    """Validate every case, then write them all in one transaction. Returns the count.

    Imported cases get the reference `prefix` + their id (H-... for history)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseImportError(["The file is not UTF-8 text."]) from None
    problems: list[str] = []
    first_row: dict[str, int] = {}
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            cases = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseImportError([f"The file is not valid JSON (line {exc.lineno})."]) \
                from None
        if not isinstance(cases, list):
            raise CaseImportError(["The JSON must be a list of cases."])
        for index, case in enumerate(cases, start=1):
            if isinstance(case, dict):
                first_row[str(case.get("id"))] = index
        row_word = "Case"
    else:
        cases, first_row = _from_csv(text, problems)
        row_word = "Row"

    units = dict(organisation.units.values_list("name", "id"))
    leaders = {m.user.email: m.user_id for m in organisation.memberships.select_related("user")
               if "leader" in m.roles}
    taken = set(Concern.objects.filter(organisation=organisation).values_list("reference",
                                                                              flat=True))
    for case in cases:
        if not isinstance(case, dict):
            continue
        where = f"{row_word} {first_row.get(str(case.get('id')), '?')}"
        for event in case.get("events", []) if isinstance(case.get("events"), list) else []:
            if isinstance(event, dict):
                place = f"Row {event['row']}" if "row" in event else where
                problems += _event_problems(place, event)
        if case.get("category", "other") not in dict(CATEGORIES):
            problems.append(f"{where}: category '{case.get('category')}' is not one of "
                            f"{', '.join(dict(CATEGORIES))}.")
        if case.get("mode", "confidential") not in dict(MODES):
            problems.append(f"{where}: mode must be named, confidential or anonymous.")
        if case.get("unit") and case["unit"] not in units:
            problems.append(f"{where}: unit '{case['unit']}' is not a unit of "
                            f"{organisation.name}.")
        if case.get("leader") and case["leader"] not in leaders:
            problems.append(f"{where}: '{case['leader']}' is not a leader of "
                            f"{organisation.name}.")
        if any(a not in dict(AT_RISK) for a in case.get("at_risk", [])):
            problems.append(f"{where}: at_risk values must be among "
                            f"{', '.join(dict(AT_RISK))}.")
        if (case.get("would_speak_up_again") or "") not in ("", *dict(SPEAK_AGAIN)):
            problems.append(f"{where}: would_speak_up_again must be yes, unsure or no.")
        if f"{prefix}{case.get('id')}" in taken:
            problems.append(f"{where}: case '{case.get('id')}' was imported already.")
    if not problems:
        try:
            parsed = parse_cases([{k: v for k, v in c.items()} for c in cases])
        except CaseDataError as exc:
            problems.append(str(exc))
    if problems:
        raise CaseImportError(problems[:MAX_PROBLEMS])

    with transaction.atomic():
        for case, core in zip(cases, parsed, strict=True):
            assessed_risk = any(e.type == "assessed" and e.detail.get("harm_risk") in
                                ("medium", "high") for e in core.events)
            concern = Concern(
                organisation=organisation, reference=f"{prefix}{case['id']}"[:20],
                mode=case.get("mode", "confidential"), category=case.get("category", "other"),
                at_risk=case.get("at_risk", []),
                risk_of_harm=core.risk_of_harm or assessed_risk,
                unit_id=units.get(case.get("unit")), source=source,
                responsible_leader_id=leaders.get(case.get("leader")),
                received_on=min(e.date for e in core.events if e.type == "received"),
                would_speak_up_again=case.get("would_speak_up_again") or "",
                title=str(case.get("title", ""))[:200])
            concern.text = str(case.get("summary") or case.get("note")
                               or "Imported from an earlier record.")
            concern.save()
            # parse_cases keeps the events in the order given, so notes pair by position.
            notes = [str(e.get("note", "")) for e in case["events"]]
            CaseEvent.objects.bulk_create([
                CaseEvent(concern=concern, type=e.type, date=e.date,
                          detail={k: v for k, v in e.detail.items() if k in KEPT_DETAIL},
                          note_encrypted=vault().encrypt_text(note) if note else None)
                for e, note in zip(core.events, notes, strict=True)])
        record("concerns.imported", actor=actor, organisation=organisation,
               object_type="concerns.concern", count=len(cases))
    return len(cases)
