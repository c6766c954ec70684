"""Statistics for leaders and the board, and the quarterly return, from the core metrics.

`core.concerns.metrics.group_stats` protects each group's own figures. Here the groups
are also protected against each other: every count shown per group and for the whole
organisation forms a partition (the groups add up to the whole), so wherever the
groups' hidden counts add up to fewer than k, more are hidden, or finally the whole
organisation's, until no subtraction yields a small count.
"""

from __future__ import annotations

from django.utils import timezone

from echoorg.core.concerns.clocks import DEFENSIVE_RESPONSES, EVENT_LABELS, analyse_case
from echoorg.core.concerns.metrics import (
    CATEGORY_LABELS,
    SPEAK_AGAIN_ANSWERS,
    CaseSummary,
    group_stats,
    quarterly_return,
)

from . import services
from .models import Concern


def summaries(organisation) -> list[CaseSummary]:  # noqa: ANN001
    today = timezone.localdate()
    policy = services.policy_for(organisation).as_core()
    found = []
    for concern in (Concern.objects.filter(organisation=organisation)
                    .select_related("unit", "responsible_leader").prefetch_related("events")):
        found.append(CaseSummary(
            unit=concern.unit.name if concern.unit_id else None,
            leader=concern.responsible_leader.display_name if concern.responsible_leader_id
            else None,
            category=concern.category, anonymous=concern.mode == "anonymous",
            received=concern.received_on,
            analysis=analyse_case(services.core_case(concern), today, policy),
            detriment_reported=any(e.type == "detriment_reported"
                                   for e in concern.events.all()),
            would_speak_up_again=concern.would_speak_up_again or None))
    return found


def _paths() -> list[tuple[str, ...]]:
    return ([("cases",), ("detriment_reported",)]
            + [("defensive_responses", t) for t in DEFENSIVE_RESPONSES]
            + [("would_speak_up_again", a) for a in SPEAK_AGAIN_ANSWERS])


def _true(cases: list[CaseSummary], path: tuple[str, ...]) -> int:
    if path == ("cases",):
        return len(cases)
    if path == ("detriment_reported",):
        return sum(c.detriment_reported for c in cases)
    if path[0] == "defensive_responses":
        return sum(path[1] in c.analysis.get("defensive_responses", ()) for c in cases)
    return sum(c.would_speak_up_again == path[1] for c in cases)


def _get(row: dict, path: tuple[str, ...]):  # noqa: ANN202
    value = row.get(path[0])
    return value.get(path[1]) if len(path) == 2 and isinstance(value, dict) else value


def _hide(row: dict, path: tuple[str, ...]) -> None:
    if len(path) == 2:
        if isinstance(row.get(path[0]), dict):
            row[path[0]][path[1]] = None
    else:
        row[path[0]] = None


def protect_across(groups: list[dict], overall: dict, members: dict, k: int) -> None:
    """Hide more counts until the groups' hidden counts add up to 0 or at least k."""
    for path in _paths():
        if _get(overall, path) is None:
            continue
        true = {g["group"]: _true(members[g["group"]], path) for g in groups}
        while True:
            hidden = sum(true[g["group"]] for g in groups if _get(g, path) is None)
            if hidden == 0 or hidden >= k:
                break
            visible = [g for g in groups if _get(g, path) not in (None, 0)]
            if not visible:
                _hide(overall, path)
                break
            _hide(min(visible, key=lambda g: true[g["group"]]), path)


def insights(organisation, by: str = "unit") -> dict:  # noqa: ANN001
    """Per unit or per responsible leader, and for the whole organisation."""
    k = services.policy_for(organisation).min_group
    cases = summaries(organisation)
    key = (lambda c: c.unit) if by == "unit" else (lambda c: c.leader)
    groups = group_stats(cases, key, k=k)
    overall = group_stats(cases, lambda c: "Whole organisation", k=k)[0] if cases else None
    members: dict = {}
    for case in cases:
        members.setdefault(key(case), []).append(case)
    if overall is not None:
        protect_across(groups, overall, members, k)
    return {"groups": groups, "overall": overall, "k": k, "by": by,
            "defensive": [(t, EVENT_LABELS[t]) for t in DEFENSIVE_RESPONSES],
            "answers": SPEAK_AGAIN_ANSWERS}


def current_quarter(today) -> tuple[int, int]:  # noqa: ANN001
    """The NHS financial year (by its starting year) and quarter that contain `today`."""
    if today.month >= 4:
        return today.year, (today.month - 4) // 3 + 1
    return today.year - 1, 4


def quarterly(organisation, year: int | None, quarter: int | None,  # noqa: ANN001
              suppress: bool = False) -> dict:
    if year is None or quarter not in (1, 2, 3, 4):
        year, quarter = current_quarter(timezone.localdate())
    k = services.policy_for(organisation).min_group
    result = quarterly_return(summaries(organisation), year, quarter, k=k, suppress=suppress)
    result["labels"] = CATEGORY_LABELS
    return result
