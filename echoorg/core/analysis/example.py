"""The worked example: an ECHO case analysis of the demo's fictional composite case
(echoorg.core.concerns.simulate.composite_case), written in full so leaders can see what a
finished analysis looks like before writing their own.

Everything in it is fictional: the case is an invented timeline that combines patterns
public inquiries have described (ECHO.md's worked example, drawn as a fictional composite
as ECHO.md requires); no person, organisation or event in it is real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..concerns.clocks import (
    DEFENSIVE_RESPONSES,
    EXTERNAL_REFERRAL,
    PROTECTIVE_ACTION,
    RECEIVED,
    add_months,
)
from ..concerns.simulate import COMPOSITE_TITLE, composite_case

EXAMPLE_TITLE = "Worked example: the fictional composite case (not a real case)"
FICTIONAL_NOTE = (
    "This worked example is fictional. It analyses an invented timeline that combines "
    "patterns public inquiries have described; no person, organisation or event in it is real."
)


def _kind(event_type: str) -> str:
    if event_type == RECEIVED:
        return "concern_raised"
    if event_type in DEFENSIVE_RESPONSES:
        return "response_defensive"
    if event_type == EXTERNAL_REFERRAL:
        return "decisive_action"
    if event_type == PROTECTIVE_ACTION:
        return "response_protective"
    return "handling"


def worked_example(today: dt.date) -> dict[str, Any]:
    """Every step of the worked example, dated like the demo's composite case (relative to
    `today`). Output: {"title", "note", "steps": {step key: step data}} with step data in
    the form `steps.clean_step` accepts."""
    case = composite_case(today)
    first = add_months(today, -27)

    def at(months: int, days: int = 0) -> str:
        return (add_months(first, months) + dt.timedelta(days=days)).isoformat()

    events = [
        {
            "date": e["date"],
            "precision": "day",
            "kind": _kind(e["type"]),
            "description": e["note"],
        }
        for e in case["events"]
    ]
    steps: dict[str, Any] = {
        "facts": {
            "summary": (
                f"{COMPOSITE_TITLE}. A senior practitioner on a ward raises concerns about a "
                "colleague after a run of unexpected deteriorations in patients. More "
                "colleagues raise the same concern over the following months. Leaders "
                "commission an internal review, move the colleague for a while, then take a "
                "grievance forward against those who spoke up, tell them to stop and ask "
                "them to apologise. The colleague returns to the ward before any outcome; "
                "the police are asked to investigate about two years after the first concern."
            ),
            "events": events,
        },
        "risk": {
            "most_at_risk": (
                "The patients on the ward, who were in no position to know of the concern or "
                "protect themselves. Next, the practitioners who spoke up, who faced a "
                "grievance and were told to apologise."
            ),
            "paramount": (
                "The patients' safety. From the first concern, the question was not whether "
                "the colleague was to blame but whether patients were safe while that was "
                "found out: keep the colleague away from patients and ask an independent "
                "body (here, the police) to look, while treating the colleague fairly."
            ),
        },
        "systems": {
            "stages": [
                {
                    "period": "The first concern",
                    "starts": at(0),
                    "ends": at(4),
                    "dominant": "drive",
                    "reading": (
                        "The ward keeps running as usual: the concern is acknowledged three "
                        "weeks late and triage takes no protective step. Keeping the service "
                        "going and the numbers steady comes first."
                    ),
                },
                {
                    "period": "Concerns repeated",
                    "starts": at(4),
                    "ends": at(12),
                    "dominant": "threat",
                    "reading": (
                        "As more colleagues speak up, leaders protect the unit's name: an "
                        "internal review rather than a referral keeps the matter inside. "
                        "The move to other duties is a late protective step."
                    ),
                },
                {
                    "period": "Turning on those who spoke up",
                    "starts": at(12),
                    "ends": at(20),
                    "dominant": "threat",
                    "reading": (
                        "The people who raised the concern become the problem: a grievance, "
                        "an order to stop discussing it, an apology. Soothing is offered to "
                        "the colleague under suspicion, not to the patients or the staff "
                        "who spoke up."
                    ),
                },
                {
                    "period": "Return and referral",
                    "starts": at(20),
                    "ends": at(23),
                    "dominant": "soothing",
                    "reading": (
                        "Only when the colleague is back on the ward and the risk is plain "
                        "does care for patients win out, and the police are called."
                    ),
                },
            ],
            "balance": (
                "Threat and a narrow drive dominated for almost two years; soothing, which "
                "would have put patients first, barely operated until the end."
            ),
        },
        "assumptions": {
            "assumptions": (
                "That a well-liked colleague could not be a risk; that the deteriorations "
                "had an ordinary explanation; that a referral would harm the ward's "
                "reputation more than it would protect patients; that the people raising "
                "concerns were motivated by a personal dispute."
            ),
            "power": (
                "Senior leaders held the power to decide what counted as evidence and who "
                "was believed. The grievance process gave the colleague's account formal "
                "weight, while the practitioners' clinical judgement had no route to "
                "anyone outside the organisation."
            ),
        },
        "unheard": {
            "not_heard": (
                "The pattern across the three concerns, which no one put side by side; "
                "the practitioners' repeated warnings, heard as conflict rather than as "
                "information about risk."
            ),
            "missing_voices": (
                "The patients and their families, who were never told; an independent view "
                "from outside the ward; the practitioners, whose side was not heard before "
                "the grievance went forward."
            ),
        },
        "responses": {
            "defensive": [e["type"] for e in case["events"] if e["type"] in DEFENSIVE_RESPONSES],
            "defensive_note": (
                "Five defensive responses: an internal review instead of a referral, a "
                "grievance against those who spoke up, an order to stop, an apology, and "
                "the colleague back on the ward before any outcome."
            ),
            "protective": ["acknowledged", "assessed", "protective_action", "external_referral"],
            "protective_note": (
                "The protective responses came, but late: acknowledgement after three weeks, "
                "the move to other duties after nine months, the police after about two "
                "years. Detriment checks with the people who spoke up never happened."
            ),
        },
        "actions": {
            "actions": [
                {
                    "action": (
                        "Agree with the safeguarding lead that any concern about a colleague "
                        "and patient harm goes to the external body on the next working day."
                    ),
                    "owner": "Director of nursing (fictional)",
                    "due": (today + dt.timedelta(days=30)).isoformat(),
                },
                {
                    "action": (
                        "Put repeated concerns about the same service side by side at the "
                        "monthly safety meeting."
                    ),
                    "owner": "Speak-up guardian (fictional)",
                    "due": (today + dt.timedelta(days=60)).isoformat(),
                },
                {
                    "action": (
                        "Check with each person who spoke up at 3 and 12 months whether "
                        "they have suffered for it, and report the answers to the board."
                    ),
                    "owner": "Chief executive (fictional)",
                    "due": (today + dt.timedelta(days=90)).isoformat(),
                },
            ]
        },
    }
    return {"title": EXAMPLE_TITLE, "note": FICTIONAL_NOTE, "steps": steps}
