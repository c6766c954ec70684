"""The steps of an ECHO case analysis, what each one holds, and the checks on it.

An analysis is a dict of steps, each a dict of plain values (strings, lists of dicts), so
it can be stored as one encrypted JSON document and sent through the API as it is:

    facts:       summary, events [{date, precision, kind, description}]
    risk:        most_at_risk, paramount
    systems:     stages [{period, starts, ends, dominant, reading}], balance
    assumptions: assumptions, power
    unheard:     not_heard, missing_voices
    responses:   defensive [step codes], defensive_note, protective [step codes],
                 protective_note
    actions:     actions [{action, owner, due}]

The questions follow ECHO's model (ECHO.md): professional curiosity (who is most at risk,
what are we not hearing or seeing), critical reflection on assumptions and power (Fook
and Gardner 2007, the deconstruction stage), Gilbert's three affect-regulation systems read
at the level of an organisation, and the speak-up vocabulary of defensive and protective
responses (echoorg.core.concerns.clocks).

`clean_step(step, data)` returns the step as stored or raises `AnalysisError` naming the
field ("events[2].date: ..."); nothing partial is returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..concerns.clocks import (
    ACKNOWLEDGED,
    ASSESSED,
    DEFENSIVE_RESPONSES,
    DETRIMENT_CHECK,
    EVENT_LABELS,
    EXTERNAL_REFERRAL,
    FEEDBACK_GIVEN,
    INVESTIGATION_OPENED,
    PROTECTIVE_ACTION,
)
from ..library.cases import EVENT_KINDS as LIBRARY_KINDS


class AnalysisError(ValueError):
    """A step's data is not acceptable; the message starts with the field's name."""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    question: str


STEPS: tuple[Step, ...] = (
    Step(
        "facts",
        "The facts and their timeline",
        "What happened, when, and who did what? Keep to facts here; the reading comes later.",
    ),
    Step(
        "risk",
        "Who is most at risk",
        "Who was most at risk of harm, and what was the paramount consideration?",
    ),
    Step(
        "systems",
        "Threat, drive and soothing",
        "At each stage, which system drove how leaders responded: threat (self-protection), "
        "drive (targets, achievement) or soothing (care, safeness)?",
    ),
    Step(
        "assumptions",
        "Assumptions and power",
        "What did leaders assume about the people involved and about risk, and whose "
        "power shaped the story?",
    ),
    Step(
        "unheard",
        "What was not heard or seen",
        "What could leaders not hear or see, and whose voice was missing?",
    ),
    Step(
        "responses",
        "Defensive and protective responses",
        "Which responses turned on the people who spoke up, and which protected the people "
        "at risk?",
    ),
    Step(
        "actions",
        "Actions",
        "What will be done, by whom and by when?",
    ),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)

# Kinds of timeline event: the library's kinds, and a neutral handling step (a concern
# acknowledged, assessed) that is neither a defensive nor a protective response.
EVENT_KINDS: dict[str, str] = {**LIBRARY_KINDS, "handling": "Handling step"}
PRECISIONS: dict[str, str] = {"day": "Day", "month": "Month only", "year": "Year only"}
SYSTEMS: dict[str, str] = {
    "threat": "Threat (red): self-protection, fear, anger",
    "drive": "Drive (blue): targets, resources, achievement",
    "soothing": "Soothing (green): care, safeness, attending to suffering",
    "unclear": "Not clear from what is known",
}
PROTECTIVE_RESPONSES: tuple[str, ...] = (
    ACKNOWLEDGED,
    ASSESSED,
    INVESTIGATION_OPENED,
    EXTERNAL_REFERRAL,
    PROTECTIVE_ACTION,
    FEEDBACK_GIVEN,
    DETRIMENT_CHECK,
)
RESPONSE_LABELS: dict[str, str] = {
    code: EVENT_LABELS[code] for code in DEFENSIVE_RESPONSES + PROTECTIVE_RESPONSES
}

MAX_TEXT = 10_000
MAX_SHORT = 300
MAX_EVENTS = 200
MAX_STAGES = 20
MAX_ACTIONS = 50
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "facts": ("summary",),
    "risk": ("most_at_risk", "paramount"),
    "systems": ("balance",),
    "assumptions": ("assumptions", "power"),
    "unheard": ("not_heard", "missing_voices"),
    "responses": ("defensive_note", "protective_note"),
    "actions": (),
}
_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "facts": ("events",),
    "systems": ("stages",),
    "responses": ("defensive", "protective"),
    "actions": ("actions",),
}


def step(key: str) -> Step:
    """The step named `key`; raises AnalysisError for an unknown one."""
    for s in STEPS:
        if s.key == key:
            return s
    raise AnalysisError(f"step: '{key}' is not a step; the steps are {', '.join(STEP_KEYS)}.")


def empty_step(key: str) -> dict[str, Any]:
    """A step with nothing written: every text empty, every list empty."""
    step(key)
    blank: dict[str, Any] = {name: "" for name in _TEXT_FIELDS[key]}
    blank.update({name: [] for name in _LIST_FIELDS.get(key, ())})
    return blank


def _text(data: dict[str, Any], name: str, where: str, limit: int = MAX_TEXT) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise AnalysisError(f"{where}{name}: must be text.")
    value = value.replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise AnalysisError(f"{where}{name}: contains a character that cannot be stored.")
    if len(value) > limit:
        raise AnalysisError(f"{where}{name}: is {len(value)} characters; at most {limit}.")
    return value


def _date(value: Any, where: str, *, required: bool) -> str:
    if value in (None, ""):
        if required:
            raise AnalysisError(f"{where}: give a date (YYYY-MM-DD).")
        return ""
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise AnalysisError(f"{where}: '{value}' is not a date written YYYY-MM-DD.") from None
    else:
        raise AnalysisError(f"{where}: must be a date written YYYY-MM-DD.")
    if not EARLIEST <= day <= LATEST:
        raise AnalysisError(
            f"{where}: {day.isoformat()} is outside {EARLIEST.year} to {LATEST.year}."
        )
    return day.isoformat()


def _choice(value: Any, allowed: dict[str, str] | tuple[str, ...], where: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise AnalysisError(f"{where}: '{value}' is not one of {', '.join(allowed)}.")
    return value


def _rows(data: dict[str, Any], name: str, limit: int) -> list[dict[str, Any]]:
    rows = data.get(name, [])
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise AnalysisError(f"{name}: must be a list.")
    if len(rows) > limit:
        raise AnalysisError(f"{name}: {len(rows)} rows; at most {limit}.")
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise AnalysisError(f"{name}[{n}]: must be an object.")
    return rows


def _only(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise AnalysisError(f"{where}{extra[0]}: is not a field here.")


def _events(data: dict[str, Any]) -> list[dict[str, str]]:
    events = []
    for n, row in enumerate(_rows(data, "events", MAX_EVENTS)):
        w = f"events[{n}]."
        _only(row, {"date", "precision", "kind", "description"}, w)
        events.append(
            {
                "date": _date(row.get("date"), f"{w}date", required=True),
                "precision": _choice(row.get("precision") or "day", PRECISIONS, f"{w}precision"),
                "kind": _choice(row.get("kind"), EVENT_KINDS, f"{w}kind"),
                "description": _need(row, "description", w, MAX_TEXT),
            }
        )
    # Date order; ties keep the order given.
    return sorted(events, key=lambda e: e["date"])


def _need(row: dict[str, Any], name: str, where: str, limit: int) -> str:
    value = _text(row, name, where, limit)
    if not value:
        raise AnalysisError(f"{where}{name}: cannot be empty.")
    return value


def _stages(data: dict[str, Any]) -> list[dict[str, str]]:
    stages = []
    for n, row in enumerate(_rows(data, "stages", MAX_STAGES)):
        w = f"stages[{n}]."
        _only(row, {"period", "starts", "ends", "dominant", "reading"}, w)
        starts = _date(row.get("starts"), f"{w}starts", required=False)
        ends = _date(row.get("ends"), f"{w}ends", required=False)
        if starts and ends and ends < starts:
            raise AnalysisError(f"{w}ends: {ends} is before the stage starts ({starts}).")
        stages.append(
            {
                "period": _need(row, "period", w, MAX_SHORT),
                "starts": starts,
                "ends": ends,
                "dominant": _choice(row.get("dominant"), SYSTEMS, f"{w}dominant"),
                "reading": _text(row, "reading", w),
            }
        )
    return stages


def _codes(data: dict[str, Any], name: str, allowed: tuple[str, ...]) -> list[str]:
    codes = data.get(name, [])
    if codes is None:
        codes = []
    if not isinstance(codes, list):
        raise AnalysisError(f"{name}: must be a list of response codes.")
    for n, code in enumerate(codes):
        _choice(code, allowed, f"{name}[{n}]")
    return [c for c in allowed if c in codes]  # vocabulary order, no repeats


def _actions(data: dict[str, Any]) -> list[dict[str, str]]:
    actions = []
    for n, row in enumerate(_rows(data, "actions", MAX_ACTIONS)):
        w = f"actions[{n}]."
        _only(row, {"action", "owner", "due"}, w)
        actions.append(
            {
                "action": _need(row, "action", w, MAX_TEXT),
                "owner": _need(row, "owner", w, MAX_SHORT),
                "due": _date(row.get("due"), f"{w}due", required=True),
            }
        )
    return sorted(actions, key=lambda a: a["due"])


def clean_step(key: str, data: Any) -> dict[str, Any]:
    """Check one step's data and return it as stored.

    Input: the step's key and a dict (from a form or the API). Output: a new dict with
    exactly the step's fields: texts stripped, events and actions in date order, response
    codes in vocabulary order. Raises AnalysisError naming the first bad field.
    """
    step(key)
    if not isinstance(data, dict):
        raise AnalysisError(f"{key}: must be an object with the step's fields.")
    _only(data, set(_TEXT_FIELDS[key]) | set(_LIST_FIELDS.get(key, ())), "")
    cleaned: dict[str, Any] = {name: _text(data, name, "") for name in _TEXT_FIELDS[key]}
    if key == "facts":
        cleaned["events"] = _events(data)
    elif key == "systems":
        cleaned["stages"] = _stages(data)
    elif key == "responses":
        cleaned["defensive"] = _codes(data, "defensive", DEFENSIVE_RESPONSES)
        cleaned["protective"] = _codes(data, "protective", PROTECTIVE_RESPONSES)
    elif key == "actions":
        cleaned["actions"] = _actions(data)
    return cleaned


def is_written(key: str, data: dict[str, Any]) -> bool:
    """True when the step holds anything beyond its blank state."""
    return any(bool(v) for v in data.values()) if key in _TEXT_FIELDS else False


def next_step(done: list[str]) -> str:
    """The first step not yet saved (the last step when all are), to resume at."""
    return next((k for k in STEP_KEYS if k not in done), STEP_KEYS[-1])
