"""Statistics for leaders and the board, and the quarterly return, from the core metrics.

`core.concerns.metrics.group_stats` protects each group's own figures (counts, and the
medians and shares computed from cases: rule 5), and `metrics.protect_across` protects the
groups against each other and against the whole organisation's row. Concerns whose dates
are out of range are left out of the statistics rather than stopping the page.
"""

from __future__ import annotations

from django.core.cache import cache

from echoorg.core.concerns.clocks import DEFENSIVE_RESPONSES, EVENT_LABELS, FIRST_YEAR
from echoorg.core.concerns.metrics import (
    CATEGORY_LABELS,
    SPEAK_AGAIN_ANSWERS,
    CaseSummary,
    current_quarter,
    group_stats,
    protect_across,
    quarter_dates,
    quarterly_return,
)

from . import services
from .models import CaseClocks


def summaries(
    organisation, received_between: tuple | None = None, policy=None, fresh: bool = False
) -> list[CaseSummary]:
    """Every concern of the organisation as a `CaseSummary` (only those received between
    the two dates given, inclusive, when `received_between` is given: filtered in the
    database), read from the stored clock figures (`CaseClocks`) in one query, without
    the timelines. A concern whose dates are out of range has an analysis with
    `date_out_of_range` and no figures; a category that is not one of echoorg's (only
    possible from outside echoorg) counts as "other", so that one odd row cannot stop the
    return. `fresh`: the caller has just brought the figures up to date (ensure_fresh)."""
    today = services.today_for(organisation)
    if not fresh:
        services.ensure_fresh(organisation, today, policy=policy)
    chosen = CaseClocks.objects.filter(organisation=organisation)
    if received_between is not None:
        chosen = chosen.filter(concern__received_on__range=received_between)
    found = []
    for row in chosen.order_by("pk").values(
        *services.FIGURE_FIELDS,
        "concern__category",
        "concern__mode",
        "concern__received_on",
        "concern__would_speak_up_again",
        "concern__unit__name",
        "concern__responsible_leader__full_name",
        "concern__responsible_leader__email",
    ):
        leader = (
            row["concern__responsible_leader__full_name"]
            or row["concern__responsible_leader__email"]
        )
        category = row["concern__category"]
        found.append(
            CaseSummary(
                unit=row["concern__unit__name"],
                leader=leader or None,
                category=category if category in CATEGORY_LABELS else "other",
                anonymous=row["concern__mode"] == "anonymous",
                received=row["concern__received_on"],
                analysis=services.figures_of(row).analysis(today),
                detriment_reported=row["detriment_reported"],
                would_speak_up_again=row["concern__would_speak_up_again"] or None,
            )
        )
    return found


CACHE_SECONDS = 300
"""How long computed statistics are kept at most. They are computed again at once when a
case, its steps, its unit or leader, the units' names or the day change
(`services.figures_fingerprint`); only a change of a leader's name waits for this."""


def _computed_once(organisation, what: str, compute):
    """`compute()`, or the result computed earlier for the same stored figures."""
    today = services.today_for(organisation)
    fingerprint = services.figures_fingerprint(organisation, today)
    key = f"concern-figures:{organisation.pk}:{what}:{fingerprint}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def insights(organisation, by: str = "unit") -> dict:
    """Per unit or per responsible leader, and for the whole organisation. Concerns whose
    dates are out of range are left out (their clocks cannot be computed);
    `left_out_for_dates` says whether there were any (not how many). Computed once for
    the same stored figures (`_computed_once`)."""
    policy = services.read_policy(organisation)
    return _computed_once(
        organisation,
        f"insights:{by}:{policy.min_group}",
        lambda: _insights(organisation, by, policy),
    )


def _insights(organisation, by: str, policy) -> dict:
    k = policy.min_group
    every = summaries(organisation, policy=policy, fresh=True)
    cases = [c for c in every if not c.analysis.get("date_out_of_range")]
    key = (lambda c: c.unit) if by == "unit" else (lambda c: c.leader)
    groups = group_stats(cases, key, k=k)
    overall = group_stats(cases, lambda c: "Whole organisation", k=k)[0] if cases else None
    members: dict = {}
    for case in cases:
        members.setdefault(key(case), []).append(case)
    protect_across(groups, overall, members, k)
    return {
        "groups": groups,
        "overall": overall,
        "k": k,
        "by": by,
        "left_out_for_dates": len(cases) < len(every),
        "defensive": [(t, EVENT_LABELS[t]) for t in DEFENSIVE_RESPONSES],
        "answers": SPEAK_AGAIN_ANSWERS,
    }


def return_years(today) -> range:
    """The financial years (by starting year) the quarterly return can be asked for: from
    1978, when the clocks' calendar starts, to the one running today."""
    return range(FIRST_YEAR, current_quarter(today)[0] + 1)


def quarterly(organisation, year: int | None, quarter: int | None, suppress: bool = False) -> dict:
    """The quarterly return; a year outside `return_years` or a quarter other than 1-4
    gives the current quarter (`asked_for_unknown` is then True)."""
    today = services.today_for(organisation)
    unknown = (year is not None and year not in return_years(today)) or (
        quarter is not None and quarter not in (1, 2, 3, 4)
    )
    if year is None or quarter not in (1, 2, 3, 4) or unknown:
        year, quarter = current_quarter(today)
    policy = services.read_policy(organisation)
    k = policy.min_group

    def compute() -> dict:
        # Only the quarter's cases are read: the return counts cases by their date
        # received (filtered in the database).
        cases = summaries(organisation, quarter_dates(year, quarter), policy=policy, fresh=True)
        return quarterly_return(cases, year, quarter, k=k, suppress=suppress)

    result = dict(_computed_once(organisation, f"return:{year}:{quarter}:{suppress}:{k}", compute))
    result["labels"] = CATEGORY_LABELS
    result["asked_for_unknown"] = unknown
    return result
