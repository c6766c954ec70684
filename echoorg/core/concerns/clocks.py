"""The clocks of a concern and the per-case analysis of how it was handled.

A case is a list of dated events (the vocabulary below). From them this module derives
the deadlines, whether each was met, and the defensive responses on the timeline.

Default clocks (`ClockPolicy`):
- acknowledge receipt within 7 days: EU Directive 2019/1937 art. 9(1)(b);
- give feedback within 3 months of the acknowledgement or, when there was none, of the end
  of the 7-day period: art. 9(1)(f). Months are calendar months (`add_months`);
- when there is a risk of harm, an external referral or a protective action by the end of
  the next working day after receipt: echoorg's safeguarding rule (no statute sets it; the
  UK's Public Interest Disclosure Act 1998 sets no handling deadlines). Working days are
  Monday to Friday except England and Wales bank holidays (`calendar`);
- detriment checks 3 and 12 months after the (first) conclusion: ISO 37002:2021 8.4.2,
  8.4.3 and 8.5 (protection continues after the case is concluded); the detriment list is
  art. 19 of the Directive.
The defensive responses come from echoorg's research brief (speak-up section 6.3), built
on the Countess of Chester timeline and ISO 37002 8.4.

Pure functions; no Django. Dates are `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .calendar import add_working_days

# --- The event vocabulary ---------------------------------------------------------------

RECEIVED = "received"
ACKNOWLEDGED = "acknowledged"
ASSESSED = "assessed"
INVESTIGATION_OPENED = "investigation_opened"
EXTERNAL_REFERRAL = "external_referral"
PROTECTIVE_ACTION = "protective_action"
FEEDBACK_GIVEN = "feedback_given"
CONCLUDED = "concluded"
REOPENED = "reopened"
DETRIMENT_REPORTED = "detriment_reported"
DETRIMENT_CHECK = "detriment_check"

REPORTER_ASKED_TO_APOLOGISE = "reporter_asked_to_apologise"
TOLD_TO_STOP_RAISING = "told_to_stop_raising"
GRIEVANCE_AGAINST_REPORTER = "grievance_against_reporter"
REPORTER_MOVED_OR_DISCIPLINED = "reporter_moved_or_disciplined"
INTERNAL_REVIEW_INSTEAD_OF_REFERRAL = "internal_review_instead_of_referral"
SUBJECT_RETURNED_BEFORE_OUTCOME = "subject_returned_before_outcome"
NON_INDEPENDENT_INVESTIGATOR = "non_independent_investigator"

HANDLING_EVENTS: tuple[str, ...] = (
    RECEIVED,
    ACKNOWLEDGED,
    ASSESSED,
    INVESTIGATION_OPENED,
    EXTERNAL_REFERRAL,
    PROTECTIVE_ACTION,
    FEEDBACK_GIVEN,
    CONCLUDED,
    REOPENED,
    DETRIMENT_REPORTED,
    DETRIMENT_CHECK,
)
DEFENSIVE_RESPONSES: tuple[str, ...] = (
    REPORTER_ASKED_TO_APOLOGISE,
    TOLD_TO_STOP_RAISING,
    GRIEVANCE_AGAINST_REPORTER,
    REPORTER_MOVED_OR_DISCIPLINED,
    INTERNAL_REVIEW_INSTEAD_OF_REFERRAL,
    SUBJECT_RETURNED_BEFORE_OUTCOME,
    NON_INDEPENDENT_INVESTIGATOR,
)
EVENT_TYPES: tuple[str, ...] = HANDLING_EVENTS + DEFENSIVE_RESPONSES
"""Every event type, in vocabulary order (the order used to break ties)."""

EVENT_LABELS: dict[str, str] = {
    RECEIVED: "Concern received",
    ACKNOWLEDGED: "Receipt acknowledged to the person who raised it",
    ASSESSED: "Concern assessed (triage, risk of harm and of detriment)",
    INVESTIGATION_OPENED: "Investigation opened",
    EXTERNAL_REFERRAL: "Referred to an external body",
    PROTECTIVE_ACTION: "Action taken to protect people at risk",
    FEEDBACK_GIVEN: "Feedback given to the person who raised it",
    CONCLUDED: "Concluded",
    REOPENED: "Reopened",
    DETRIMENT_REPORTED: "Detriment reported by the person who raised it",
    DETRIMENT_CHECK: "Detriment check made with the person who raised it",
    REPORTER_ASKED_TO_APOLOGISE: "Person who raised the concern asked to apologise",
    TOLD_TO_STOP_RAISING: "Told to stop raising concerns",
    GRIEVANCE_AGAINST_REPORTER: "Grievance or complaint made against the person who raised it",
    REPORTER_MOVED_OR_DISCIPLINED: "Person who raised the concern moved or disciplined",
    INTERNAL_REVIEW_INSTEAD_OF_REFERRAL: "Internal review used instead of an external referral",
    SUBJECT_RETURNED_BEFORE_OUTCOME: "Subject of the concern returned to the role before "
    "the outcome",
    NON_INDEPENDENT_INVESTIGATOR: "Investigator not independent of the subject or the service",
}

REFERRAL_TARGETS: tuple[str, ...] = ("police", "safeguarding_authority", "regulator", "other")
REFERRAL_LABELS: dict[str, str] = {
    "police": "Police",
    "safeguarding_authority": "Safeguarding authority (children's or adults' services, LADO)",
    "regulator": "Regulator or prescribed person (e.g. CQC, NMC, GMC)",
    "other": "Another external body",
}
OUTCOMES: tuple[str, ...] = (
    "substantiated",
    "partly_substantiated",
    "not_substantiated",
    "closed_without_investigation",
)
OUTCOME_LABELS: dict[str, str] = {
    "substantiated": "Substantiated",
    "partly_substantiated": "Partly substantiated",
    "not_substantiated": "Not substantiated",
    "closed_without_investigation": "Closed without investigation",
}
DETAIL_CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    EXTERNAL_REFERRAL: ("to", REFERRAL_TARGETS),
    CONCLUDED: ("outcome", OUTCOMES),
}
"""Event type -> (detail key, allowed values) checked by `parse_cases` when the key is there."""

RISK_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")
RISK_LABELS: dict[str, str] = {"none": "None", "low": "Low", "medium": "Medium", "high": "High"}
STEP_DETAILS: dict[str, tuple[str, ...]] = {
    EXTERNAL_REFERRAL: ("to",),
    CONCLUDED: ("outcome",),
    ASSESSED: ("harm_risk", "detriment_risk"),
}
"""Event type -> the details a step of that type records (and no other type does)."""


def _risk_label(code: object) -> str:
    if isinstance(code, str) and code in RISK_LABELS:
        return RISK_LABELS[code]
    return str(code or "not said")


def describe_step(event_type: str, detail: dict[str, Any] | None) -> str:
    """A recorded step in words, for the case page's list of steps: the event's label
    and its details by their labels ("Referred to an external body: Police"), never
    the stored codes. Unknown codes (from an old import) are shown as they are."""
    label = EVENT_LABELS.get(event_type, event_type)
    detail = detail if isinstance(detail, dict) else {}
    if event_type == EXTERNAL_REFERRAL and detail.get("to"):
        return f"{label}: {REFERRAL_LABELS.get(detail['to'], str(detail['to']))}"
    if event_type == CONCLUDED and detail.get("outcome"):
        return f"{label}: {OUTCOME_LABELS.get(detail['outcome'], str(detail['outcome']))}"
    if event_type == ASSESSED and (detail.get("harm_risk") or detail.get("detriment_risk")):
        harm = _risk_label(detail.get("harm_risk"))
        hurt = _risk_label(detail.get("detriment_risk"))
        return (
            f"{label}: risk of harm to others {harm.lower()}, "
            f"risk of detriment to the reporter {hurt.lower()}"
        )
    return label


ACKNOWLEDGE_LATE, FEEDBACK_LATE, PROTECTION_LATE = (
    "acknowledge_late",
    "feedback_late",
    "protection_late",
)
BREACHES: tuple[str, ...] = (ACKNOWLEDGE_LATE, FEEDBACK_LATE, PROTECTION_LATE)
BREACH_LABELS: dict[str, str] = {
    ACKNOWLEDGE_LATE: "Acknowledgement late or missing",
    FEEDBACK_LATE: "Feedback late or missing",
    PROTECTION_LATE: "Protection or referral late or missing (risk of harm)",
}

CLOCK_LABELS: dict[str, str] = {
    "acknowledge": "Acknowledge receipt",
    "feedback": "Give feedback",
    "protection": "Protect people at risk or refer",
}
"""Labels of the clocks `next_clock` reports; detriment checks use `detriment_check_label`."""

PROTECTION_EVENTS = frozenset({EXTERNAL_REFERRAL, PROTECTIVE_ACTION})


def detriment_check_label(months: int) -> str:
    """The label of the detriment check due `months` after the conclusion."""
    return f"Detriment check ({months} month{'s' if months != 1 else ''} after conclusion)"


# --- Policy and dates -------------------------------------------------------------------


@dataclass(frozen=True)
class ClockPolicy:
    """The clocks an organisation runs.

    - `acknowledge_days`: days from receipt to acknowledge (EU 2019/1937 art. 9(1)(b): 7);
    - `feedback_months`: calendar months to feedback, from the acknowledgement or, with
      none, from the end of the acknowledgement period (art. 9(1)(f): 3);
    - `protection_working_days`: England and Wales working days after receipt by whose end
      a risk-of-harm case needs an external referral or a protective action (echoorg's
      safeguarding rule: 1, the end of the next working day);
    - `detriment_check_months`: months after the first conclusion at which the person who
      raised the concern is asked about detriment (ISO 37002:2021 8.4.3, 8.5: 3 and 12).
    """

    acknowledge_days: int = 7
    feedback_months: int = 3
    protection_working_days: int = 1
    detriment_check_months: tuple[int, ...] = (3, 12)

    def __post_init__(self) -> None:
        for name in ("acknowledge_days", "feedback_months", "protection_working_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}.")
        months = tuple(self.detriment_check_months)
        if any(isinstance(m, bool) or not isinstance(m, int) or m < 1 for m in months):
            raise ValueError(
                "detriment_check_months must be whole numbers of 1 or more, "
                f"not {self.detriment_check_months!r}."
            )
        object.__setattr__(self, "detriment_check_months", tuple(sorted(set(months))))


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def add_months(day: dt.date, n: int) -> dt.date:
    """The same day of the month `n` calendar months later (or earlier, for negative n),
    or that month's last day when it has no such day.

    Input: a date and a whole number of months. Output: a date. Examples: 31 Jan + 1 ->
    28 Feb (29 Feb in a leap year); 30 Nov + 3 -> 28/29 Feb; 31 Mar + 3 -> 30 Jun.
    Source: the EU Directive's periods are calendar months (Regulation (EEC, Euratom)
    No 1182/71 art. 3(2)(c): a period in months ends on the same date, or on the last day
    of the month when that date does not exist).
    """
    index = day.year * 12 + (day.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateOutOfRange(
            [
                f"{n} months after {day.isoformat()} falls outside the calendar "
                f"(years {dt.MINYEAR} to {dt.MAXYEAR})."
            ]
        )
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def add_days(day: dt.date, n: int) -> dt.date:
    """`day` plus `n` calendar days; DateOutOfRange (not OverflowError) when the result
    falls outside the calendar (1 January 1 to 31 December 9999)."""
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        raise DateOutOfRange(
            [
                f"{n} days after {day.isoformat()} falls outside the calendar "
                f"(it ends on {dt.date.max.isoformat()})."
            ]
        ) from None


# --- Cases ------------------------------------------------------------------------------


@dataclass
class Event:
    """One dated step on a case's timeline. `type` is one of `EVENT_TYPES`; `detail`
    holds the other keys (e.g. `to` for an external referral, `outcome` for a conclusion)."""

    type: str
    date: dt.date
    detail: dict[str, Any] = field(default_factory=dict[str, Any])


@dataclass
class Case:
    """A concern's timeline. `id` names it in messages and output (as str(id));
    `extra` keeps the other keys of an imported case (category, unit, mode, ...)."""

    id: Any
    risk_of_harm: bool = False
    events: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict[str, Any])


class CaseDataError(ValueError):
    """Case data that cannot be analysed. `problems` lists every problem found, each naming
    the case (position from 1, and id) and the event (position from 1) it concerns."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class DateOutOfRange(CaseDataError):
    """A date, or a deadline computed from one, that the clocks cannot handle: before
    1978 (where the bank holiday rules start) or beyond 31 December 9999 (where Python's
    calendar ends)."""


def json_kind(value: object) -> str:
    """What kind of JSON value this is, in words, for messages ('a list', 'null')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_YEAR = 1978  # the first year of today's bank holiday pattern (see calendar.py)
FIRST_DATE = dt.date(FIRST_YEAR, 1, 1)

MAX_ID_LENGTH = 18
"""The longest case id: an imported case's reference is `H-` and its id, in 20 characters."""
_ID_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
ID_RULE = (
    "letters A-Z, digits, '.', '_' and '-' only, starting with a letter or a digit "
    "(so that the case's web address works)"
)
MAX_NESTING = 16
"""The deepest nesting of lists and objects a case may hold (the format needs 4)."""


# --- What a timeline may hold -----------------------------------------------------------
#
# The rules every door applies (imports, the guardian's step form, the API, `echoorg
# concerns analyse`), and that pages apply to what is already stored:
# 1. every date is on or after 1 January 1978 and, when today is known, not after today;
# 2. a case has a `received` event, and no step is dated before the concern was received
#    (the earliest `received`, or the concern's own date when it is given);
# 3. a `reopened` comes on or after a `concluded`.
# A stored case that breaks rule 1 or 2 is marked "date out of range" (`review_case`);
# rule 3 is refused on the way in but does not stop the clocks.

BEFORE_FIRST_YEAR = "before_first_year"
AFTER_TODAY = "after_today"
NO_RECEIVED = "no_received"
BEFORE_RECEIVED = "before_received"
REOPENED_BEFORE_CONCLUDED = "reopened_before_concluded"
OUT_OF_RANGE_KINDS = frozenset({BEFORE_FIRST_YEAR, AFTER_TODAY, NO_RECEIVED, BEFORE_RECEIVED})


@dataclass(frozen=True)
class TimelineProblem:
    """One broken rule. `kind` is one of the constants above; `event` is the position (from
    1) of the step concerned, or None for the case itself; `message` names the date."""

    kind: str
    event: int | None
    message: str


def date_problem(day: dt.date, today: dt.date | None = None) -> tuple[str, str] | None:
    """Rule 1 for one date: (kind, message) when it is before 1978 or after `today`
    (when given), else None."""
    if day < FIRST_DATE:
        return BEFORE_FIRST_YEAR, (
            f"the date {day.isoformat()} is before {FIRST_YEAR}; the "
            "England and Wales bank holiday rules echoorg uses start "
            "in 1978"
        )
    if today is not None and day > today:
        return AFTER_TODAY, (
            f"the date {day.isoformat()} is after today "
            f"({today.isoformat()}); a step is recorded once it has happened"
        )
    return None


def timeline_problems(
    events: Sequence[tuple[str, dt.date]],
    today: dt.date | None = None,
    received_on: dt.date | None = None,
) -> list[TimelineProblem]:
    """Check a case's steps against the rules above.

    Input: the steps as (type, date) in the order given; today's date (None: no upper
    limit); the concern's own date received, when it is stored apart from the steps.
    Output: the problems, case-level ones (event None) first for the concern's own date,
    then in step order, then a missing `received`, then `reopened` ones. Never raises.
    """
    problems: list[TimelineProblem] = []
    if received_on is not None:
        found = date_problem(received_on, today)
        if found:
            problems.append(TimelineProblem(found[0], None, f"the date received: {found[1]}"))
    for position, (_, day) in enumerate(events, start=1):
        found = date_problem(day, today)
        if found:
            problems.append(TimelineProblem(found[0], position, found[1]))
    received = [day for kind, day in events if kind == RECEIVED]
    if not received:
        problems.append(TimelineProblem(NO_RECEIVED, None, f"has no '{RECEIVED}' event"))
    else:
        first = received_on if received_on is not None else min(received)
        problems += [
            TimelineProblem(
                BEFORE_RECEIVED,
                position,
                f"dated {day.isoformat()}, before the concern was received ({first.isoformat()})",
            )
            for position, (_, day) in enumerate(events, start=1)
            if day < first
        ]
    concluded = [day for kind, day in events if kind == CONCLUDED]
    problems += [
        TimelineProblem(
            REOPENED_BEFORE_CONCLUDED,
            position,
            f"reopened on {day.isoformat()}, but not concluded on or before that date",
        )
        for position, (kind, day) in enumerate(events, start=1)
        if kind == REOPENED and not any(c <= day for c in concluded)
    ]
    return problems


def case_id_problem(value: object, max_length: int = MAX_ID_LENGTH) -> str | None:
    """Why `value` cannot be a case id, or None when it can: a string or a whole number
    (not true/false), not empty, at most `max_length` characters, of `ID_RULE`'s
    characters. The length is checked before the id is turned into text, so a number of
    thousands of digits is refused, not converted."""
    if value is None:
        return "has no id"
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"the id must be a string or a whole number, not {json_kind(value)}"
    if isinstance(value, int):
        if value < 0:
            return f"the id must be made of {ID_RULE}"
        if value >= 10**max_length:
            return f"the id is longer than {max_length} characters"
        return None
    if not value.strip():
        return "the id is empty"
    if len(value) > max_length:
        return f"the id is longer than {max_length} characters ({len(value)})"
    if not _ID_SHAPE.fullmatch(value):
        return f"the id must be made of {ID_RULE}"
    return None


def shape_problem(value: object, max_nesting: int = MAX_NESTING) -> str | None:
    """Why decoded JSON cannot be stored or printed safely, or None: lists and objects
    nested more than `max_nesting` deep, or text (a key or a value) holding a lone
    surrogate (such as "\\ud800", which is not Unicode text) or a NUL character (which
    PostgreSQL cannot store). Iterative, so any depth is checked without recursion."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            texts = [item]
        elif isinstance(item, dict):
            if depth > max_nesting:
                return f"is nested more than {max_nesting} levels deep"
            texts = [k for k in item if isinstance(k, str)]
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            if depth > max_nesting:
                return f"is nested more than {max_nesting} levels deep"
            texts = []
            stack.extend((v, depth + 1) for v in item)
        else:
            continue
        for text in texts:
            if "\x00" in text:
                return "holds a NUL character"
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return "holds text that is not valid Unicode (a lone surrogate such as \\ud800)"
    return None


def parse_date(value: object, today: dt.date | None = None) -> dt.date:
    """A date from an ISO `YYYY-MM-DD` string; ValueError with a readable reason otherwise,
    including a date before 1978 or, when `today` is given, after it (rule 1)."""
    if not isinstance(value, str):
        raise ValueError(
            f"the date must be a string in the form YYYY-MM-DD, not {json_kind(value)}"
        )
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"the date {value!r} is not in the form YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"the date '{value}' is not a real date") from None
    found = date_problem(day, today)
    if found:
        raise ValueError(found[1])
    return day


Place = Callable[[int, object, "int | None"], str]
"""Names a place in the data for messages: (case position from 1, its id or None when the
id is unusable, event position from 1 or None) -> e.g. "Case 2 (id 'A'), event 3"."""


def default_place(case: int, case_id: object, event: int | None) -> str:
    """ "Case 2 (id 'A'), event 3", or "Case 2" when the id is unusable."""
    name = f"Case {case}" if case_id is None else f"Case {case} (id {case_id!r})"
    return name if event is None else f"{name}, event {event}"


def parse_cases(
    data: object,
    *,
    today: dt.date | None = None,
    max_id_length: int = MAX_ID_LENGTH,
    place: Place = default_place,
) -> list[Case]:
    """Validate imported case data and build `Case` objects.

    Input: decoded JSON, a list of
    `{"id": str|int, "risk_of_harm": true|false (absent = false), "events":
    [{"type": <EVENT_TYPES>, "date": "YYYY-MM-DD", ...other keys kept as detail}], ...}`;
    other case keys are kept in `Case.extra`. `today`, when given, refuses steps dated
    after it; `max_id_length` bounds the ids; `place` names places in messages.
    Output: the cases in input order.
    Raises `CaseDataError` listing every problem: not a list; a case that is not an object,
    nested too deeply or holding text that cannot be stored (`shape_problem`); a missing,
    empty, over-long, non-string/number, badly formed or duplicate id (`case_id_problem`;
    ids compare as strings); a risk_of_harm that is not true/false; events missing or not
    a list; an event that is not an object; a missing or unknown type; a missing,
    malformed, impossible, pre-1978 or future date; no `received` event; an event dated
    before the earliest `received`; a `reopened` before any `concluded`; `to` on an
    external referral or `outcome` on a conclusion that is not one of the allowed values.
    """
    if not isinstance(data, list):
        raise CaseDataError([f"The cases must be a list of case objects, not {json_kind(data)}."])
    problems: list[str] = []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            problems.append(
                f"{place(position, None, None)}: is not an object (found {json_kind(raw)})."
            )
            continue
        shape = shape_problem(raw)
        if shape:
            problems.append(f"{place(position, None, None)}: {shape}.")
            continue
        case_id = raw.get("id")
        id_problem = case_id_problem(case_id, max_id_length)
        if id_problem:
            problems.append(f"{place(position, None, None)}: {id_problem}.")
            case_id = None
        else:
            key = str(case_id)
            if key in seen:
                problems.append(
                    f"{place(position, case_id, None)}: the id is the same as case {seen[key]}'s."
                )
            else:
                seen[key] = position

        def where(event: int | None, position: int = position, case_id: object = case_id) -> str:
            return place(position, case_id, event)

        risk = raw.get("risk_of_harm", False)
        if not isinstance(risk, bool):
            problems.append(
                f"{where(None)}: risk_of_harm must be true or false, not "
                f"{json_kind(risk)} ({risk!r})."
            )
        if "events" not in raw:
            problems.append(f"{where(None)}: has no events list.")
            continue
        if not isinstance(raw["events"], list):
            problems.append(
                f"{where(None)}: events must be a list, not {json_kind(raw['events'])}."
            )
            continue
        events, event_problems = _parse_events(where, raw["events"], today)
        problems.extend(event_problems)
        if not event_problems:
            problems.extend(
                f"{where(p.event)}: {p.message}."
                for p in timeline_problems([(e.type, e.date) for e in events])
            )
        extra = {k: v for k, v in raw.items() if k not in ("id", "risk_of_harm", "events")}
        cases.append(Case(case_id, risk is True, events, extra))
    if problems:
        raise CaseDataError(problems)
    return cases


def _parse_events(
    where: Callable[[int | None], str], raw_events: list[Any], today: dt.date | None
) -> tuple[list[Event], list[str]]:
    events: list[Event] = []
    problems: list[str] = []
    for position, raw in enumerate(raw_events, start=1):
        here = where(position)
        if not isinstance(raw, dict):
            problems.append(f"{here}: is not an object (found {json_kind(raw)}).")
            continue
        kind = raw.get("type")
        ok = True
        if kind is None:
            problems.append(f"{here}: has no type.")
            ok = False
        elif kind not in EVENT_TYPES:
            shown = repr(kind) if isinstance(kind, str) else json_kind(kind)
            problems.append(
                f"{here}: unknown event type {shown}; expected one of {', '.join(EVENT_TYPES)}."
            )
            ok = False
        if "date" not in raw or raw["date"] is None:
            problems.append(f"{here}: has no date.")
            ok = False
        else:
            try:
                when = parse_date(raw["date"], today)
            except ValueError as exc:
                problems.append(f"{here}: {exc}.")
                ok = False
        detail = {k: v for k, v in raw.items() if k not in ("type", "date")}
        if ok and kind in DETAIL_CHOICES:
            key, allowed = DETAIL_CHOICES[kind]
            if key in detail and detail[key] not in allowed:
                shown = (
                    repr(detail[key]) if isinstance(detail[key], str) else json_kind(detail[key])
                )
                problems.append(
                    f"{here}: '{key}' must be one of {', '.join(allowed)}, not {shown}."
                )
                ok = False
        if ok and kind is not None:  # `ok` is False when there is no type
            events.append(Event(kind, when, detail))
    return events, problems


# --- Clocks -----------------------------------------------------------------------------


def _first(case: Case, types: Iterable[str]) -> dt.date | None:
    wanted = set(types)
    dates = [e.date for e in case.events if e.type in wanted]
    return min(dates) if dates else None


def received_on(case: Case) -> dt.date:
    """The earliest `received` date of a case; CaseDataError when there is none."""
    first = _first(case, (RECEIVED,))
    if first is None:
        raise CaseDataError([f"Case {case.id!r}: has no '{RECEIVED}' event."])
    return first


def deadlines(case: Case, policy: ClockPolicy | None = None) -> dict[str, Any]:
    """The deadlines of a case under `policy` (default `ClockPolicy()`).

    Input: a case with a `received` event. Output:
    `{"acknowledge": date, "feedback": date, "protection": date (only when risk_of_harm),
    "detriment_checks": [date, ...] (only when concluded)}` where
    - acknowledge = received + acknowledge_days (art. 9(1)(b));
    - feedback = add_months(first acknowledged, feedback_months), or, with no
      acknowledgement, add_months(received + acknowledge_days, feedback_months) (art. 9(1)(f));
    - protection = the protection_working_days-th England and Wales working day after
      received (echoorg's safeguarding rule; by default the next working day);
    - detriment_checks = add_months(first concluded, m) for each m of
      detriment_check_months (ISO 37002:2021 8.4.3, 8.5).
    "received" is the earliest `received` event; "first" is the earliest by date.
    Raises DateOutOfRange (a CaseDataError) when a deadline would fall outside the
    calendar (e.g. a case received in December 9999) or a working day before 1978 is
    needed; never OverflowError.
    """
    policy = policy or ClockPolicy()
    received = received_on(case)
    acknowledge = add_days(received, policy.acknowledge_days)
    acknowledged = _first(case, (ACKNOWLEDGED,))
    out: dict[str, Any] = {
        "acknowledge": acknowledge,
        "feedback": add_months(acknowledged or acknowledge, policy.feedback_months),
    }
    if case.risk_of_harm:
        try:
            out["protection"] = add_working_days(received, policy.protection_working_days)
        except ValueError as exc:  # before 1978, or no working day left before year 10000
            raise DateOutOfRange([f"Case {case.id!r}: {exc}"]) from None
    concluded = _first(case, (CONCLUDED,))
    if concluded is not None:
        out["detriment_checks"] = [add_months(concluded, m) for m in policy.detriment_check_months]
    return out


def late_clocks(
    due: dict[str, dt.date],
    acknowledged_on: dt.date | None,
    feedback_on: dt.date | None,
    protected_on: dt.date | None,
    risk_of_harm: bool,
    as_of: dt.date,
) -> list[str]:
    """The clocks missed as of a date: met after the deadline, or unmet while the deadline
    is before `as_of` (a deadline equal to `as_of` is not yet a breach).

    Input: the deadlines (`clocks.deadlines`), the date each clock was first met (None:
    not met), whether there is a risk of harm, and the date of the analysis. Output: the
    breaches in the order `acknowledge_late`, `feedback_late`, `protection_late` (the last
    only with a risk of harm). `analyse_case` applies it; the stored figures
    (`figures.CaseFigures.analysis`) apply it on the day they are read.
    """

    def late(first: dt.date | None, deadline: dt.date) -> bool:
        return first > deadline if first is not None else deadline < as_of

    found = []
    if late(acknowledged_on, due["acknowledge"]):
        found.append(ACKNOWLEDGE_LATE)
    if late(feedback_on, due["feedback"]):
        found.append(FEEDBACK_LATE)
    if risk_of_harm and late(protected_on, due["protection"]):
        found.append(PROTECTION_LATE)
    return found


def analyse_case(case: Case, as_of: dt.date, policy: ClockPolicy | None = None) -> dict[str, Any]:
    """How a case was handled against its clocks, as of a date.

    Input: a case (events in any order), the date of the analysis, and a policy (default
    `ClockPolicy()`: EU 2019/1937 art. 9(1)(b) and (f), echoorg's next-working-day
    safeguarding rule). Output (JSON-ready):
    `{"days_to_acknowledge": n|None, "days_to_feedback": n|None,
    "days_to_protection": n|None, "breaches": [...], "defensive_responses": [...]}`
    - days: calendar days from the earliest `received` to the first `acknowledged`,
      `feedback_given`, or `external_referral`/`protective_action`; None when there is none;
    - breaches: `acknowledge_late`, `feedback_late`, `protection_late` (the last only when
      risk_of_harm), in that order, for each clock met after its deadline, or unmet while
      its deadline is before `as_of` (a deadline equal to `as_of` is not yet a breach);
    - defensive_responses: the distinct defensive event types, ordered by the date of their
      first occurrence, ties broken by vocabulary order (`DEFENSIVE_RESPONSES`).
    """
    policy = policy or ClockPolicy()
    received = received_on(case)
    due = deadlines(case, policy)
    acknowledged = _first(case, (ACKNOWLEDGED,))
    feedback = _first(case, (FEEDBACK_GIVEN,))
    protection = _first(case, PROTECTION_EVENTS)

    def days(first: dt.date | None) -> int | None:
        return None if first is None else (first - received).days

    breaches = late_clocks(due, acknowledged, feedback, protection, case.risk_of_harm, as_of)

    first_defensive: dict[str, dt.date] = {}
    for event in case.events:
        if event.type in DEFENSIVE_RESPONSES:
            known = first_defensive.get(event.type)
            if known is None or event.date < known:
                first_defensive[event.type] = event.date
    order = sorted(
        first_defensive, key=lambda t: (first_defensive[t], DEFENSIVE_RESPONSES.index(t))
    )
    return {
        "days_to_acknowledge": days(acknowledged),
        "days_to_feedback": days(feedback),
        "days_to_protection": days(protection),
        "breaches": breaches,
        "defensive_responses": order,
    }


def analyse_cases(
    data: object, as_of: dt.date, policy: ClockPolicy | None = None, *, today: dt.date | None = None
) -> dict[str, dict[str, Any]]:
    """Validate imported case data (`parse_cases`, refusing steps after `today` when it is
    given) and analyse every case (`analyse_case`).

    Input: decoded JSON and the analysis date. Output: {str(case id): analysis}, in input
    order. Raises CaseDataError for bad data (nothing is analysed), DateOutOfRange (one)
    when a deadline falls outside the calendar.
    """
    return {
        str(case.id): analyse_case(case, as_of, policy) for case in parse_cases(data, today=today)
    }


def is_closed(case: Case) -> bool:
    """Whether the latest `concluded`/`reopened` event is a conclusion (events on the same
    date keep their list order, so the later one in the list counts)."""
    latest = None
    for index, event in enumerate(case.events):
        if event.type in (CONCLUDED, REOPENED):
            if latest is None or (event.date, index) >= latest[:2]:
                latest = (event.date, index, event.type)
    return latest is not None and latest[2] == CONCLUDED


def next_clock(
    case: Case, today: dt.date, policy: ClockPolicy | None = None
) -> tuple[str, dt.date] | None:
    """The nearest unmet deadline of a case, for ordering the guardian's queue.

    Input: a case, today's date and a policy (default `ClockPolicy()`). Only events dated
    on or before `today` count. Output: (label, due date) of the unmet clock with the
    earliest due date (overdue clocks come first because they are earliest), or None when
    none is running (or the case has not been received by `today`). Clocks:
    - acknowledge and protection (risk of harm only), while the case is open and no such
      event exists (`CLOCK_LABELS`);
    - feedback, while no feedback was given (feedback is owed even after a conclusion,
      EU 2019/1937 art. 9(1)(f));
    - each detriment check after the first conclusion, unmet while there is no
      `detriment_check` event on or after its date (ISO 37002:2021 8.4.3, 8.5).
    Ties on the due date keep the order above.
    """
    policy = policy or ClockPolicy()
    seen = Case(case.id, case.risk_of_harm, [e for e in case.events if e.date <= today])
    if _first(seen, (RECEIVED,)) is None:
        return None
    due = deadlines(seen, policy)
    closed = is_closed(seen)
    candidates: list[tuple[dt.date, int, str]] = []
    if not closed and _first(seen, (ACKNOWLEDGED,)) is None:
        candidates.append((due["acknowledge"], 0, CLOCK_LABELS["acknowledge"]))
    if not closed and seen.risk_of_harm and _first(seen, PROTECTION_EVENTS) is None:
        candidates.append((due["protection"], 1, CLOCK_LABELS["protection"]))
    if _first(seen, (FEEDBACK_GIVEN,)) is None:
        candidates.append((due["feedback"], 2, CLOCK_LABELS["feedback"]))
    checks = [e.date for e in seen.events if e.type == DETRIMENT_CHECK]
    for months, check_due in zip(
        policy.detriment_check_months, due.get("detriment_checks", []), strict=False
    ):
        if not any(made >= check_due for made in checks):
            candidates.append((check_due, 3, detriment_check_label(months)))
    if not candidates:
        return None
    when, _, label = min(candidates)
    return label, when


# --- Stored cases: whatever the database holds ----------------------------------------


@dataclass
class CaseReview:
    """A stored case's clocks, or why they cannot be computed.

    `problems` is empty when the dates are usable; otherwise it lists them ("date out of
    range") and `analysis` holds no figures, `deadlines` is empty and `next_clock` None.
    `analysis` is `analyse_case`'s result plus `date_out_of_range` (bool) and
    `date_problems` (the problems, as text).
    """

    problems: list[str]
    analysis: dict[str, Any]
    deadlines: dict[str, Any]
    next_clock: tuple[str, dt.date] | None

    @property
    def out_of_range(self) -> bool:
        return bool(self.problems)


def no_figures(problems: list[str]) -> dict[str, Any]:
    """The analysis of a case whose dates are out of range: no figures, the problems."""
    return {
        "days_to_acknowledge": None,
        "days_to_feedback": None,
        "days_to_protection": None,
        "breaches": [],
        "defensive_responses": [],
        "date_out_of_range": True,
        "date_problems": problems,
    }


def review_case(
    case: Case,
    today: dt.date,
    policy: ClockPolicy | None = None,
    received_on: dt.date | None = None,
) -> CaseReview:
    """Analyse a stored case without ever failing, for pages that list many cases.

    Input: a case as stored (any dates, even 1 January 1 or 31 December 9999), today's
    date, the policy, and the concern's own date received. A case that breaks rule 1 or 2
    of "What a timeline may hold" (a date before 1978 or after today, no `received`, a step
    before the concern) or whose deadlines fall outside the calendar is reported with its
    problems instead of figures. Output: a `CaseReview`. Raises nothing for any dates.
    """
    found = [
        p
        for p in timeline_problems([(e.type, e.date) for e in case.events], today, received_on)
        if p.kind in OUT_OF_RANGE_KINDS
    ]
    problems = [
        p.message
        if p.event is None
        else f"step {p.event} ({EVENT_LABELS.get(case.events[p.event - 1].type, 'unknown')}"
        f"): {p.message}"
        for p in found
    ]
    if not problems:
        try:
            analysis = analyse_case(case, today, policy)
            due = deadlines(case, policy)
            upcoming = next_clock(case, today, policy)
        except CaseDataError as exc:
            problems = list(exc.problems)
    if problems:
        return CaseReview(problems, no_figures(problems), {}, None)
    return CaseReview(
        [], {**analysis, "date_out_of_range": False, "date_problems": []}, due, upcoming
    )
