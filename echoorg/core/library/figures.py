"""Figures derived from a case's timeline: how long warnings waited for action, how
many came before anyone protected people, and how often the response was defensive.

Events are taken in timeline order (`Case.events`, ordered by `Event.when`: a date known
to the month counts as the 15th, to the year as 1 July). "Warnings" are events of kind
`warning` or `concern_raised`; "responses" are `response_defensive` and
`response_protective`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cases import WARNING_KINDS, Case, Event

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class CaseFigures:
    first_warning: Event | None
    decisive_action: Event | None
    years_warning_to_action: float | None
    warnings_before_protective: int
    protective_response_recorded: bool
    defensive_responses: int
    protective_responses: int
    share_defensive: float | None


def first_of(case: Case, kinds: frozenset[str] | set[str]) -> Event | None:
    """The earliest event of one of `kinds`, or None."""
    return next((e for e in case.events if e.kind in kinds), None)


def years_warning_to_action(case: Case) -> float | None:
    """Years from the first recorded warning (or concern raised) to the first decisive
    action after it, to one decimal place: days between the two dates divided by 365.25.

    None when the case records no warning, or no decisive action on or after the first
    warning (the library says "no decisive action recorded" rather than inventing one).
    """
    warning = first_of(case, WARNING_KINDS)
    if warning is None:
        return None
    action = next(
        (e for e in case.events if e.kind == "decisive_action" and e.when >= warning.when), None
    )
    if action is None:
        return None
    return round((action.when - warning.when).days / DAYS_PER_YEAR, 1)


def warnings_before_protective(case: Case) -> int:
    """How many warnings and concerns the timeline records before its first protective
    response. When no protective response is recorded, every warning counts (check
    `first_of(case, {"response_protective"})` to tell the two apart)."""
    count = 0
    for event in case.events:
        if event.kind == "response_protective":
            return count
        if event.kind in WARNING_KINDS:
            count += 1
    return count


def share_defensive(case: Case) -> float | None:
    """The share of recorded responses that were defensive: defensive responses divided
    by defensive plus protective ones (0 to 1). None when no response is recorded, since
    a share of nothing says nothing."""
    defensive = sum(1 for e in case.events if e.kind == "response_defensive")
    protective = sum(1 for e in case.events if e.kind == "response_protective")
    if defensive + protective == 0:
        return None
    return defensive / (defensive + protective)


def case_figures(case: Case) -> CaseFigures:
    """All three figures, with the events they are measured from."""
    warning = first_of(case, WARNING_KINDS)
    years = years_warning_to_action(case)
    action = None
    if warning is not None:
        action = next(
            (e for e in case.events if e.kind == "decisive_action" and e.when >= warning.when),
            None,
        )
    return CaseFigures(
        first_warning=warning,
        decisive_action=action,
        years_warning_to_action=years,
        warnings_before_protective=warnings_before_protective(case),
        protective_response_recorded=first_of(case, {"response_protective"}) is not None,
        defensive_responses=sum(1 for e in case.events if e.kind == "response_defensive"),
        protective_responses=sum(1 for e in case.events if e.kind == "response_protective"),
        share_defensive=share_defensive(case),
    )
