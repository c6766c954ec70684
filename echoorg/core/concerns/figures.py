"""A case's clock figures, computed once and stored, so that lists of many cases (the
guardian's queue, the statistics, the quarterly return) read them without the timeline.

`case_figures` derives everything from `clocks.review_case` and the clock rules in
`clocks` (no rule of its own beyond the triage order below). What depends on the day of
reading is kept out of the stored figures where it can be: a clock is stored as its due
date and the date it was met, so "breached" and "overdue" are worked out on the day they
are read (`late_clocks`, the same rule `analyse_case` applies). The exception is a case
whose dates are out of range (a step after today, say): its figures hold for the day they
were computed only, and `recheck_on` says when to compute them again.

Triage of the guardian's queue (issue 10; the order a guardian works in):
0. an open case with a risk of harm not yet acknowledged (nobody has it in hand);
1. an open case with a risk of harm whose protection clock runs;
2. an open case not yet acknowledged;
3. a case whose dates are out of range (to be corrected);
4. every other case in the queue;
then by the nearest handling clock (acknowledge, protect, feedback). Detriment checks
after a conclusion are follow-up work with a list of their own (`followup_due`), never
the reason a concluded case sits in the queue.

Pure functions; no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .clocks import (
    ACKNOWLEDGED,
    CLOCK_LABELS,
    DETRIMENT_CHECK,
    DETRIMENT_REPORTED,
    FEEDBACK_GIVEN,
    PROTECTION_EVENTS,
    Case,
    ClockPolicy,
    detriment_check_label,
    is_closed,
    late_clocks,
    no_figures,
    review_case,
)

RISK_NEW_TIER, RISK_TIER, NEW_TIER, OUT_OF_RANGE_TIER, OTHER_TIER = 0, 1, 2, 3, 4
TIER_LABELS: dict[int, str] = {
    RISK_NEW_TIER: "Risk of harm, not yet acknowledged",
    RISK_TIER: "Risk of harm, protection to arrange",
    NEW_TIER: "Not yet acknowledged",
    OUT_OF_RANGE_TIER: "Dates to correct",
    OTHER_TIER: "In hand",
}


@dataclass
class DetrimentCheck:
    """One detriment check after the first conclusion: `months` after it, due on `due`,
    made on `made_on` (the first check on or after `due`; None while not made)."""

    months: int
    due: dt.date
    made_on: dt.date | None = None


@dataclass
class CaseFigures:
    """What the lists need of one case, as of `computed_on`.

    Dates are None where a clock does not apply (`protection_due` without a risk of harm)
    or was not met. `next_*` is `clocks.next_clock`; `handling_*` the nearest of the
    acknowledge, protection and feedback clocks that run; `followup_*` the nearest
    detriment check not yet made. `in_queue`: the case belongs in the guardian's queue
    (open, or a handling clock still runs, or its dates need correcting).
    """

    computed_on: dt.date
    risk_of_harm: bool
    out_of_range: bool = False
    problems: list[str] = field(default_factory=list)
    closed: bool = False
    acknowledge_due: dt.date | None = None
    acknowledged_on: dt.date | None = None
    feedback_due: dt.date | None = None
    feedback_on: dt.date | None = None
    protection_due: dt.date | None = None
    protected_on: dt.date | None = None
    detriment_checks: list[DetrimentCheck] = field(default_factory=list)
    next_label: str = ""
    next_due: dt.date | None = None
    handling_label: str = ""
    handling_due: dt.date | None = None
    followup_label: str = ""
    followup_due: dt.date | None = None
    days_to_acknowledge: int | None = None
    days_to_feedback: int | None = None
    days_to_protection: int | None = None
    defensive_responses: list[str] = field(default_factory=list)
    detriment_reported: bool = False
    tier: int = OTHER_TIER
    in_queue: bool = True
    recheck_on: dt.date | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_on is not None

    def deadlines(self) -> dict[str, Any]:
        """The deadlines as `clocks.deadlines` gives them ({} when out of range)."""
        if self.out_of_range:
            return {}
        out: dict[str, Any] = {"acknowledge": self.acknowledge_due, "feedback": self.feedback_due}
        if self.risk_of_harm:
            out["protection"] = self.protection_due
        if self.detriment_checks:
            out["detriment_checks"] = [c.due for c in self.detriment_checks]
        return out

    def next_clock(self) -> tuple[str, dt.date] | None:
        return (self.next_label, self.next_due) if self.next_due is not None else None

    def analysis(self, as_of: dt.date) -> dict[str, Any]:
        """`clocks.review_case(...).analysis` as of `as_of` (a day on or after
        `computed_on`; for a case out of range, the day it was computed)."""
        if self.out_of_range:
            return no_figures(list(self.problems))
        return {
            "days_to_acknowledge": self.days_to_acknowledge,
            "days_to_feedback": self.days_to_feedback,
            "days_to_protection": self.days_to_protection,
            "breaches": late_clocks(
                self.deadlines(),
                self.acknowledged_on,
                self.feedback_on,
                self.protected_on,
                self.risk_of_harm,
                as_of,
            ),
            "defensive_responses": list(self.defensive_responses),
            "date_out_of_range": False,
            "date_problems": [],
        }

    def clocks(self, as_of: dt.date) -> list[dict[str, Any]]:
        """Each clock of the case for its status at a glance: `name`, `label`, `due`,
        `met_on`, `state` ("met", "met late", "running", "overdue" or "stopped": the case
        was concluded before it was met, so it no longer runs)."""
        if self.out_of_range:
            return []
        rows = [("acknowledge", self.acknowledge_due, self.acknowledged_on, not self.closed)]
        if self.risk_of_harm:
            rows.append(("protection", self.protection_due, self.protected_on, not self.closed))
        rows.append(("feedback", self.feedback_due, self.feedback_on, True))
        # Every due date is set when the case's dates are in range.
        out = [
            _clock_row(name, CLOCK_LABELS[name], due, met, runs, as_of)
            for name, due, met, runs in rows
            if due is not None
        ]
        out += [
            _clock_row(
                f"detriment_check_{c.months}",
                detriment_check_label(c.months),
                c.due,
                c.made_on,
                True,
                as_of,
                late_when_met_after=False,
            )
            for c in self.detriment_checks
        ]
        return out


def _clock_row(
    name: str,
    label: str,
    due: dt.date,
    met: dt.date | None,
    runs: bool,
    as_of: dt.date,
    late_when_met_after: bool = True,
) -> dict[str, Any]:
    if met is not None:
        state = "met late" if late_when_met_after and met > due else "met"
    elif not runs:
        state = "stopped"
    else:
        state = "overdue" if due < as_of else "running"
    return {"name": name, "label": label, "due": due, "met_on": met, "state": state}


def _first(case: Case, types: str | Iterable[str]) -> dt.date | None:
    wanted = set(types) if not isinstance(types, str) else {types}
    dates = [e.date for e in case.events if e.type in wanted]
    return min(dates) if dates else None


def triage_tier(figures: CaseFigures) -> int:
    """The case's place in the triage order (see the module's docstring)."""
    if figures.out_of_range:
        return OUT_OF_RANGE_TIER
    if not figures.closed and figures.risk_of_harm:
        if figures.acknowledged_on is None:
            return RISK_NEW_TIER
        if figures.protected_on is None:
            return RISK_TIER
    if not figures.closed and figures.acknowledged_on is None:
        return NEW_TIER
    return OTHER_TIER


def case_figures(
    case: Case,
    today: dt.date,
    policy: ClockPolicy | None = None,
    received_on: dt.date | None = None,
) -> CaseFigures:
    """The figures of a stored case as of `today` (`clocks.review_case`'s inputs).

    Output: a `CaseFigures` whose `deadlines()`, `next_clock()` and `analysis(today)`
    equal `review_case(case, today, policy, received_on)`'s. Never raises for any dates.
    """
    policy = policy or ClockPolicy()
    found = review_case(case, today, policy, received_on)
    closed = is_closed(case)
    detriment_reported = any(e.type == DETRIMENT_REPORTED for e in case.events)
    if found.out_of_range:
        figures = CaseFigures(
            computed_on=today,
            risk_of_harm=case.risk_of_harm,
            out_of_range=True,
            problems=list(found.problems),
            closed=closed,
            detriment_reported=detriment_reported,
            # Its problems name today's date and may go away with time: compute again
            # tomorrow.
            recheck_on=today + dt.timedelta(days=1) if today < dt.date.max else None,
        )
        figures.tier = triage_tier(figures)
        return figures
    due = found.deadlines
    checks_made = sorted(e.date for e in case.events if e.type == DETRIMENT_CHECK)
    checks = [
        DetrimentCheck(months, check_due, next((d for d in checks_made if d >= check_due), None))
        for months, check_due in zip(
            policy.detriment_check_months, due.get("detriment_checks", []), strict=False
        )
    ]
    figures = CaseFigures(
        computed_on=today,
        risk_of_harm=case.risk_of_harm,
        closed=closed,
        acknowledge_due=due["acknowledge"],
        acknowledged_on=_first(case, ACKNOWLEDGED),
        feedback_due=due["feedback"],
        feedback_on=_first(case, FEEDBACK_GIVEN),
        protection_due=due.get("protection"),
        protected_on=_first(case, PROTECTION_EVENTS),
        detriment_checks=checks,
        days_to_acknowledge=found.analysis["days_to_acknowledge"],
        days_to_feedback=found.analysis["days_to_feedback"],
        days_to_protection=found.analysis["days_to_protection"],
        defensive_responses=list(found.analysis["defensive_responses"]),
        detriment_reported=detriment_reported,
    )
    if found.next_clock is not None:
        figures.next_label, figures.next_due = found.next_clock
    # The clocks that run, as `clocks.next_clock` lists them (ties keep this order).
    handling: list[tuple[dt.date, int, str]] = []
    if not closed and figures.acknowledged_on is None:
        handling.append((due["acknowledge"], 0, CLOCK_LABELS["acknowledge"]))
    if not closed and case.risk_of_harm and _first(case, PROTECTION_EVENTS) is None:
        handling.append((due["protection"], 1, CLOCK_LABELS["protection"]))
    if figures.feedback_on is None:
        handling.append((due["feedback"], 2, CLOCK_LABELS["feedback"]))
    if handling:
        when, _, label = min(handling)
        figures.handling_label, figures.handling_due = label, when
    waiting = [(c.due, detriment_check_label(c.months)) for c in checks if c.made_on is None]
    if waiting:
        figures.followup_due, figures.followup_label = min(waiting)
    figures.tier = triage_tier(figures)
    figures.in_queue = not closed or figures.handling_due is not None
    return figures
