"""Fictional concern cases for demonstrations, training and tests.

Everything here is invented. `simulate_cases` produces a plausible spread of handled
concerns; `composite_case` produces one fictional composite case of the failing pattern
echoorg's model describes (repeated concerns over many months, the people who raised them
made to apologise, a review instead of a referral, the subject back at work before any
outcome, and the police called about two years after the first concern). No real person,
organisation or event is described.

Both return cases in the import format that `clocks.parse_cases` reads:
`{"id", "risk_of_harm", "category", "mode", "unit", "leader", "at_risk", "events",
"would_speak_up_again", ...}`, with dates as ISO strings and no event after `today`.
Category proportions loosely follow the National Guardian's Office annual figures
(research brief, speak-up section 3.4). Pure functions; no Django.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from .calendar import next_working_day_after
from .clocks import (
    ACKNOWLEDGED,
    ASSESSED,
    CONCLUDED,
    DEFENSIVE_RESPONSES,
    DETRIMENT_CHECK,
    DETRIMENT_REPORTED,
    EXTERNAL_REFERRAL,
    FEEDBACK_GIVEN,
    GRIEVANCE_AGAINST_REPORTER,
    INTERNAL_REVIEW_INSTEAD_OF_REFERRAL,
    INVESTIGATION_OPENED,
    PROTECTIVE_ACTION,
    RECEIVED,
    REOPENED,
    REPORTER_ASKED_TO_APOLOGISE,
    SUBJECT_RETURNED_BEFORE_OUTCOME,
    TOLD_TO_STOP_RAISING,
    add_months,
)

COMPOSITE_TITLE = "Fictional composite case (not a real case)"

_CATEGORIES = (
    ("patient_safety", 19),
    ("worker_safety", 27),
    ("bullying_harassment", 20),
    ("inappropriate_behaviours", 28),
    ("detriment", 3),
    ("fraud", 1),
    ("other", 2),
)
_MODES = (("named", 55), ("confidential", 35), ("anonymous", 10))
_AT_RISK = {
    "patient_safety": (
        ("patients",),
        ("children",),
        ("adults_at_risk",),
        ("patients", "adults_at_risk"),
    ),
    "worker_safety": (("staff",),),
    "bullying_harassment": (("staff",),),
    "inappropriate_behaviours": (("staff",), ("patients",), ("staff", "patients")),
    "detriment": (("staff",),),
    "fraud": (("public",),),
    "other": (("public",), ("staff",)),
}
_OUTCOMES = (
    ("substantiated", 30),
    ("partly_substantiated", 25),
    ("not_substantiated", 35),
    ("closed_without_investigation", 10),
)
_REFERRALS = (("safeguarding_authority", 50), ("regulator", 25), ("police", 15), ("other", 10))


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=round(n))


def _simulate_one(
    rng: random.Random, unit: str, leader: str, strained: bool, received: dt.date
) -> dict[str, Any]:
    category = _pick(rng, _CATEGORIES)
    mode = _pick(rng, _MODES)
    risk = rng.random() < (0.35 if category == "patient_safety" else 0.06)
    events: list[tuple[str, dt.date, dict[str, Any]]] = [(RECEIVED, received, {})]

    roll = rng.random()
    late_share = 0.25 if strained else 0.06
    if roll < 0.02:
        acknowledged = None  # never acknowledged
    elif roll < 0.02 + late_share:
        acknowledged = received + _days(rng.randint(8, 30))
    else:
        acknowledged = received + _days(rng.choice((0, 1, 1, 2, 2, 3, 4, 5, 6)))
    if acknowledged:
        events.append((ACKNOWLEDGED, acknowledged, {}))
    start = acknowledged or received
    assessed = start + _days(rng.randint(0, 6))
    events.append(
        (
            ASSESSED,
            assessed,
            {
                "harm_risk": "high" if risk else rng.choice(("none", "low", "low")),
                "detriment_risk": rng.choice(("low", "low", "medium")),
            },
        )
    )

    if risk:
        if rng.random() < (0.6 if strained else 0.88):
            protected = next_working_day_after(received) if rng.random() < 0.5 else received
        else:
            protected = received + _days(rng.randint(3, 90))
        acted = rng.random() < 0.6
        if acted:
            events.append((PROTECTIVE_ACTION, protected, {}))
        if not acted or rng.random() < 0.6:
            events.append((EXTERNAL_REFERRAL, protected, {"to": _pick(rng, _REFERRALS)}))

    if rng.random() < 0.45:
        events.append((INVESTIGATION_OPENED, assessed + _days(rng.randint(1, 20)), {}))

    clock_start = acknowledged or received + _days(7)
    if rng.random() < (0.3 if strained else 0.1):
        feedback = clock_start + _days(rng.randint(95, 200))  # late
    else:
        feedback = clock_start + _days(rng.randint(7, 75))
    events.append((FEEDBACK_GIVEN, feedback, {}))

    concluded = None
    if rng.random() > 0.03:  # a few stay open whatever their age
        concluded = feedback + _days(rng.randint(0, 30))
        events.append((CONCLUDED, concluded, {"outcome": _pick(rng, _OUTCOMES)}))
        if rng.random() < 0.03:
            reopened = concluded + _days(rng.randint(10, 60))
            events.append((REOPENED, reopened, {}))
            concluded = reopened + _days(rng.randint(20, 90))
            events.append((CONCLUDED, concluded, {"outcome": _pick(rng, _OUTCOMES)}))

    defensive: list[str] = []
    if rng.random() < (0.35 if strained else 0.03):
        defensive = rng.sample(DEFENSIVE_RESPONSES, rng.choice((1, 1, 2)))
        end = concluded or received + _days(180)
        for kind in defensive:
            events.append(
                (kind, received + _days(rng.uniform(10, max(11, (end - received).days))), {})
            )
    detriment = rng.random() < (0.25 if defensive else 0.03)
    if detriment:
        events.append((DETRIMENT_REPORTED, received + _days(rng.randint(30, 240)), {}))

    first_concluded = min((d for t, d, _ in events if t == CONCLUDED), default=None)
    if first_concluded:
        for months, chance in ((3, 0.85), (12, 0.7)):
            if rng.random() < chance:
                events.append(
                    (
                        DETRIMENT_CHECK,
                        add_months(first_concluded, months) + _days(rng.randint(0, 10)),
                        {},
                    )
                )

    answer = None
    if concluded and rng.random() < 0.6:
        if defensive or detriment:
            answer = _pick(rng, (("no", 55), ("unsure", 30), ("yes", 15)))
        else:
            answer = _pick(rng, (("yes", 80), ("unsure", 14), ("no", 6)))
    return {
        "risk_of_harm": risk,
        "category": category,
        "mode": mode,
        "unit": unit,
        "leader": leader,
        "at_risk": list(rng.choice(_AT_RISK[category])),
        "events": events,
        "would_speak_up_again": answer,
    }


def simulate_cases(
    units: list[str], leaders: list[str], seed: int, today: dt.date, n: int = 200
) -> list[dict[str, Any]]:
    """Fictional demo cases received over the two years before `today`.

    Input: unit names and leader names (each unit has a usual leader, leaders[i % len]),
    a seed (same seed, same output), today's date and the number of cases. Output: n case
    dicts in the import format, ids "SIM-0001"... in order of receipt. Most are
    acknowledged within days and get feedback within 3 months; a few are late or never
    acknowledged; about 1 in 7 carries a risk of harm; about a quarter of units are
    "strained" and have most of the defensive responses and late clocks; a few detriment
    reports; the most recent cases, and a handful of older ones, are still open. Events
    that would fall after `today` are left out (the case is still running).
    """
    if not units or not leaders:
        raise ValueError("simulate_cases needs at least one unit and one leader.")
    rng = random.Random(seed)
    strained = set(rng.sample(range(len(units)), max(1, round(len(units) / 4))))
    drafts = []
    for _ in range(n):
        index = rng.randrange(len(units))
        leader = leaders[index % len(leaders)] if rng.random() < 0.85 else rng.choice(leaders)
        received = today - _days(rng.randint(0, 730))
        drafts.append(_simulate_one(rng, units[index], leader, index in strained, received))
    drafts.sort(key=lambda d: d["events"][0][1])
    cases = []
    for number, draft in enumerate(drafts, start=1):
        kept = sorted((e for e in draft["events"] if e[1] <= today), key=lambda e: e[1])
        concluded = any(t == CONCLUDED for t, _, _ in kept)
        cases.append(
            {
                "id": f"SIM-{number:04d}",
                **{k: v for k, v in draft.items() if k != "events"},
                "would_speak_up_again": draft["would_speak_up_again"] if concluded else None,
                "events": [{"type": t, "date": d.isoformat(), **detail} for t, d, detail in kept],
            }
        )
    return cases


def composite_case(today: dt.date) -> dict[str, Any]:
    """One fictional composite case of the failing pattern, dated relative to `today`.

    Input: today's date. Output: one case dict in the import format, id "COMPOSITE-1",
    with `title` and `note` saying it is a fictional composite case (not a real case).
    Its timeline: a concern about a member of staff is received and acknowledged late;
    further concerns are raised at 4 and 8 months; an internal review is commissioned
    instead of a referral (9 months); the member of staff is moved off the ward (9 months,
    a late protective action); feedback comes late (11 months); a grievance is taken out
    against those who raised the concerns, they are told to stop raising them and asked to
    apologise (12-16 months); the member of staff returns to the ward before any outcome
    (20 months); the police are asked to investigate (23 months, about two years after the
    first concern, four months before `today`). Analysed, it breaches the acknowledge,
    feedback and protection clocks and shows five defensive responses. Pattern source:
    ECHO.md's worked example, drawn as a fictional composite as ECHO.md requires.
    """
    first = add_months(today, -27)

    def at(months: int, days: int = 0) -> str:
        return (add_months(first, months) + dt.timedelta(days=days)).isoformat()

    return {
        "id": "COMPOSITE-1",
        "title": COMPOSITE_TITLE,
        "note": (
            f"{COMPOSITE_TITLE}. It combines patterns that public inquiries have "
            "described into one invented timeline for training; no person, "
            "organisation or event in it is real."
        ),
        "risk_of_harm": True,
        "category": "patient_safety",
        "mode": "named",
        "unit": None,
        "leader": None,
        "at_risk": ["patients"],
        "would_speak_up_again": "no",
        "events": [
            {
                "type": RECEIVED,
                "date": at(0),
                "note": "A senior practitioner raises concerns about a colleague after a run of "
                "unexpected deteriorations in patients on the ward.",
            },
            {
                "type": ACKNOWLEDGED,
                "date": at(0, 24),
                "note": "The concern is acknowledged three weeks later.",
            },
            {
                "type": ASSESSED,
                "date": at(1),
                "harm_risk": "medium",
                "detriment_risk": "high",
                "note": "Triage records the concern but no protective step is taken.",
            },
            {
                "type": RECEIVED,
                "date": at(4),
                "note": "Two more colleagues raise the same concern.",
            },
            {
                "type": RECEIVED,
                "date": at(8),
                "note": "The concern is raised again after a further incident.",
            },
            {
                "type": INTERNAL_REVIEW_INSTEAD_OF_REFERRAL,
                "date": at(9),
                "note": "Leaders commission an internal review of the incidents instead of "
                "referring the concern to an external body.",
            },
            {
                "type": PROTECTIVE_ACTION,
                "date": at(9, 5),
                "note": "The colleague is moved to non-clinical duties while the review runs.",
            },
            {
                "type": FEEDBACK_GIVEN,
                "date": at(11),
                "note": "The people who raised the concern are told that a review is under way.",
            },
            {
                "type": GRIEVANCE_AGAINST_REPORTER,
                "date": at(12),
                "note": "The colleague's grievance against those who raised the concern is "
                "taken forward without hearing them.",
            },
            {
                "type": TOLD_TO_STOP_RAISING,
                "date": at(14),
                "note": "The people who raised the concern are told to stop discussing it.",
            },
            {
                "type": REPORTER_ASKED_TO_APOLOGISE,
                "date": at(16),
                "note": "The people who raised the concern are required to apologise to the "
                "colleague.",
            },
            {
                "type": SUBJECT_RETURNED_BEFORE_OUTCOME,
                "date": at(20),
                "note": "The colleague returns to the ward before any outcome.",
            },
            {
                "type": EXTERNAL_REFERRAL,
                "date": at(23),
                "to": "police",
                "note": "The police are asked to investigate, about two years after the first "
                "concern.",
            },
        ],
    }
