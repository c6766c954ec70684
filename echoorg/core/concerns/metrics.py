"""Leader and board views of how concerns were handled, and the quarterly return.

Inputs are `CaseSummary` records: a case's attributes plus its `analyse_case` result.

Small-count suppression (the rule, applied by `group_stats` and by `quarterly_return`
with `suppress=True`), so that nobody who spoke up can be picked out, not even by
subtracting one published figure from another (ECHO principle: "anonymity that survives
subtraction"):
1. A group with fewer than k cases shows only that it exists: `suppressed` is True and
   every figure, the number of cases included, is None.
2. Complementary group suppression: when exactly one group is hidden under rule 1 and
   other groups are shown, the smallest shown group is hidden too (ties: the first in
   output order), because the organisation's total minus the shown groups would reveal
   the hidden group's size.
3. Within a shown group of n cases, a count c of cases (each defensive response type,
   detriment reports) is shown only when c is 0 or at least k, and n - c is 0 or at
   least k (otherwise the complement, recoverable from n, would be a small count);
   otherwise it is None, meaning "fewer than k, or all but fewer than k".
4. The "would you speak up again?" answers (yes, no, unsure) are shown when 0 or at least
   k; when exactly one of them is hidden, the smallest other non-zero answer count is
   hidden too (a zero only when no non-zero count is left), so the hidden count cannot be
   recovered from a total. The same complementary rule protects the category counts of a
   suppressed quarterly return, whose total is published.
5. Figures derived from cases (medians of days, the share of cases with a breach, and
   any mean, rate or percentage) follow the same minimum: a median is shown only when at
   least k cases have the figure (`median_or_hidden`), and the share of cases with a
   breach only when the number of cases with a breach passes rule 3 (`share_or_hidden`).
   A hidden figure is None and its reason is in the row's `hidden`: "fewer_than_k" (shown
   as "fewer than k cases") or "complementary". `protect_across` then hides more, across
   groups and the whole organisation, so that no subtraction of one figure's cases from
   another's yields a small count.
Limit: counts published elsewhere (e.g. an unsuppressed organisation total of detriment
reports) can still combine with these figures; publish totals from the same suppressed run.

Sources: National Guardian's Office recording categories and "would you speak up again?"
feedback (echoorg research brief, speak-up section 3.4); ISO 37002:2021 9.1.2 (indicators).
Pure functions; no Django.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .clocks import DEFENSIVE_RESPONSES

SPEAK_AGAIN_ANSWERS: tuple[str, ...] = ("yes", "no", "unsure")

NGO_CATEGORIES: tuple[str, ...] = (
    "patient_safety",
    "worker_safety",
    "bullying_harassment",
    "inappropriate_behaviours",
    "detriment",
    "fraud",
    "other",
)
CATEGORY_LABELS: dict[str, str] = {
    "patient_safety": "Patient safety or quality",
    "worker_safety": "Worker safety or wellbeing",
    "bullying_harassment": "Bullying or harassment",
    "inappropriate_behaviours": "Inappropriate attitudes or behaviours",
    "detriment": "Detriment for speaking up",
    "fraud": "Fraud",
    "other": "Other",
}
"""The first five are the National Guardian's Office recording categories (research brief,
speak-up section 3.4: worker safety or wellbeing from 2021/22; bullying or harassment and
inappropriate attitudes or behaviours from April 2022); `fraud` and `other` are echoorg's
own, so that every concern has a category."""


@dataclass
class CaseSummary:
    """What the metrics need of one case.

    `analysis` is the `analyse_case` result; `anonymous` is True for a concern raised
    anonymously; `would_speak_up_again` is 'yes', 'no', 'unsure' or None (not answered).
    """

    unit: str | None
    leader: str | None
    category: str
    anonymous: bool
    received: dt.date
    analysis: dict[str, Any]
    detriment_reported: bool = False
    would_speak_up_again: str | None = None


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number of 1 or more, not {k!r}.")


def _small(count: int, k: int) -> bool:
    return 0 < count < k


def _protect_count(count: int, n: int, k: int) -> int | None:
    """Rule 3: a count of cases in a group of n, hidden when it or n - count is small."""
    return None if _small(count, k) or _small(n - count, k) else count


def protect_partition(counts: dict[str, int], k: int) -> dict[str, int | None]:
    """Rule 4: counts in 1..k-1 become None; when exactly one is hidden, the smallest other
    non-zero count (a zero only when none is left; ties by key order) is hidden too.

    Input: {name: count} and k. Output: {name: count or None}, same keys and order.
    """
    shown: dict[str, int | None] = {key: (None if _small(c, k) else c) for key, c in counts.items()}
    hidden = [key for key, value in shown.items() if value is None]
    if len(hidden) == 1:
        others = [key for key in counts if key not in hidden]
        if others:
            pick = min(others, key=lambda key: (counts[key] == 0, counts[key]))
            shown[pick] = None
    return shown


FEWER_THAN_K, COMPLEMENTARY = "fewer_than_k", "complementary"
DERIVED_FIGURES: tuple[str, ...] = (
    "median_days_to_acknowledge",
    "median_days_to_protection",
    "median_days_to_feedback",
    "share_with_breach",
)
"""The figures computed from cases rather than counted (rule 5)."""
_DAYS = {
    "median_days_to_acknowledge": "days_to_acknowledge",
    "median_days_to_protection": "days_to_protection",
    "median_days_to_feedback": "days_to_feedback",
}


def median_or_hidden(
    values: Iterable[float | int | None], k: int
) -> tuple[float | int | None, str | None]:
    """Rule 5 for a median: (median, None) over the values present when at least k are;
    (None, None) when none is (nothing to show: "–"); (None, "fewer_than_k") otherwise.
    Source of the median: statistics.median (the mean of the two middle values for an
    even count)."""
    _check_k(k)
    present = [v for v in values if v is not None]
    if not present:
        return None, None
    if len(present) < k:
        return None, FEWER_THAN_K
    return statistics.median(present), None


def share_or_hidden(count: int, n: int, k: int) -> tuple[float | None, str | None]:
    """Rule 5 for a share count/n: (count/n, None) when the count passes rule 3 (0 or at
    least k, and n - count 0 or at least k), else (None, "fewer_than_k"); (None, None)
    when n is 0."""
    _check_k(k)
    if n == 0:
        return None, None
    if _protect_count(count, n, k) is None:
        return None, FEWER_THAN_K
    return count / n, None


def _group_figures(members: Sequence[CaseSummary], k: int) -> dict[str, Any]:
    n = len(members)
    defensive = {
        kind: sum(kind in c.analysis.get("defensive_responses", ()) for c in members)
        for kind in DEFENSIVE_RESPONSES
    }
    speak = {
        answer: sum(c.would_speak_up_again == answer for c in members)
        for answer in SPEAK_AGAIN_ANSWERS
    }
    figures: dict[str, Any] = {"cases": n}
    hidden: dict[str, str] = {}
    for name, key in _DAYS.items():
        figures[name], reason = median_or_hidden((c.analysis.get(key) for c in members), k)
        if reason:
            hidden[name] = reason
    figures["share_with_breach"], reason = share_or_hidden(
        sum(bool(c.analysis.get("breaches")) for c in members), n, k
    )
    if reason:
        hidden["share_with_breach"] = reason
    return {
        **figures,
        "defensive_responses": {
            kind: _protect_count(count, n, k) for kind, count in defensive.items()
        },
        "detriment_reported": _protect_count(sum(c.detriment_reported for c in members), n, k),
        "would_speak_up_again": protect_partition(speak, k),
        "hidden": hidden,
    }


_FIGURES = (
    "cases",
    "median_days_to_acknowledge",
    "median_days_to_protection",
    "median_days_to_feedback",
    "share_with_breach",
    "defensive_responses",
    "detriment_reported",
    "would_speak_up_again",
)


def group_stats(
    cases: Iterable[CaseSummary], key: Callable[[CaseSummary], str | None], k: int = 5
) -> list[dict[str, Any]]:
    """Handling figures per group (unit, leader, category...), with suppression.

    Input: case summaries, `key` giving each case's group (None is a group of its own), and
    k, the smallest group shown. Output: one dict per group, ordered by group name (None
    last): `group`, `suppressed` (bool), `suppression` (None, "fewer_than_k" or
    "complementary"), `cases`, `median_days_to_acknowledge`, `median_days_to_protection`,
    `median_days_to_feedback` (statistics.median over the cases that have the figure;
    None when none has), `share_with_breach` (0..1), `defensive_responses` ({type: count}),
    `detriment_reported` (count), `would_speak_up_again` ({"yes", "no", "unsure": count}),
    `hidden` ({derived figure: "fewer_than_k" or "complementary"} for each hidden median
    or share). Suppression follows the module docstring's rules 1-5: hidden figures are
    None; a median that is None and not in `hidden` has no case to be computed from.
    """
    _check_k(k)
    groups: dict[str | None, list[CaseSummary]] = {}
    for case in cases:
        groups.setdefault(key(case), []).append(case)
    names = sorted(groups, key=lambda g: (g is None, "" if g is None else str(g)))
    reasons: dict[str | None, str | None] = {
        g: "fewer_than_k" if len(groups[g]) < k else None for g in names
    }
    small = [g for g in names if reasons[g]]
    shown = [g for g in names if not reasons[g]]
    if len(small) == 1 and shown:
        smallest = min(shown, key=lambda g: len(groups[g]))
        reasons[smallest] = "complementary"
    out = []
    for g in names:
        if reasons[g]:
            row = {
                "group": g,
                "suppressed": True,
                "suppression": reasons[g],
                **dict.fromkeys(_FIGURES),
                "hidden": dict.fromkeys(DERIVED_FIGURES, reasons[g]),
            }
        else:
            row = {
                "group": g,
                "suppressed": False,
                "suppression": None,
                **_group_figures(groups[g], k),
            }
        out.append(row)
    return out


Measure = tuple[tuple[str, ...], Callable[[Sequence[CaseSummary]], int]]


def _with_defensive_response(kind: str) -> Callable[[CaseSummary], bool]:
    return lambda c: kind in c.analysis.get("defensive_responses", ())


def _would_speak_up_again(answer: str) -> Callable[[CaseSummary], bool]:
    return lambda c: c.would_speak_up_again == answer


def _has_figure(key: str) -> Callable[[CaseSummary], bool]:
    return lambda c: c.analysis.get(key) is not None


def _measures() -> list[Measure]:
    """Each shown cell with the number of cases behind it; a count of cases also has its
    complement (the group's other cases), because rule 3 protects both."""

    def count(test: Callable[[CaseSummary], object]) -> Callable[[Sequence[CaseSummary]], int]:
        return lambda cases: sum(bool(test(c)) for c in cases)

    def both(cell: tuple[str, ...], test: Callable[[CaseSummary], object]) -> list[Measure]:
        return [(cell, count(test)), (cell, count(lambda c: not test(c)))]

    found: list[Measure] = [(("cases",), len)]
    found += both(("detriment_reported",), lambda c: c.detriment_reported)
    for kind in DEFENSIVE_RESPONSES:
        found += both(
            ("defensive_responses", kind),
            _with_defensive_response(kind),
        )
    found += [
        (("would_speak_up_again", a), count(_would_speak_up_again(a))) for a in SPEAK_AGAIN_ANSWERS
    ]
    found += [((name,), count(_has_figure(key))) for name, key in _DAYS.items()]
    found += both(("share_with_breach",), lambda c: c.analysis.get("breaches"))
    return found


def _cell(row: dict[str, Any], cell: tuple[str, ...]) -> object:
    value = row.get(cell[0])
    if len(cell) == 2:
        return value.get(cell[1]) if isinstance(value, dict) else None
    return value


def _hide(row: dict[str, Any], cell: tuple[str, ...]) -> None:
    if len(cell) == 2:
        if isinstance(row.get(cell[0]), dict):
            row[cell[0]][cell[1]] = None
        return
    row[cell[0]] = None
    if cell[0] in DERIVED_FIGURES and isinstance(row.get("hidden"), dict):
        row["hidden"].setdefault(cell[0], COMPLEMENTARY)


def protect_across(
    groups: list[dict[str, Any]],
    overall: dict[str, Any] | None,
    members: dict[str | None, Sequence[CaseSummary]],
    k: int,
) -> None:
    """Hide more cells, in place, so that no subtraction across groups yields a small count.

    Input: `group_stats` rows of a partition of the cases (each case in one group), the
    whole organisation's row (`group_stats` with one group; None when there are no
    cases), the cases of each group by group name, and k. For each cell of the rows (every
    count, its complement for rule 3, and the cases behind each median and share): while
    the cases behind the groups' hidden cells add up to 1..k-1 (so the organisation's
    figure minus the shown groups' would give a small count), the shown cell with the
    fewest cases behind it is hidden too; with none left, the organisation's cell is.
    Derived figures hidden here get the reason "complementary" in `hidden`.
    """
    _check_k(k)
    if overall is None:
        return
    for cell, true_of in _measures():
        if _cell(overall, cell) is None:
            continue
        true = {g["group"]: true_of(members.get(g["group"], ())) for g in groups}
        while True:
            hidden = sum(true[g["group"]] for g in groups if _cell(g, cell) is None)
            if hidden == 0 or hidden >= k:
                break
            visible = [g for g in groups if _cell(g, cell) is not None and true[g["group"]] > 0]
            if not visible:
                _hide(overall, cell)
                break
            _hide(min(visible, key=lambda g: true[g["group"]]), cell)


def current_quarter(today: dt.date) -> tuple[int, int]:
    """The NHS financial year (by its starting year) and quarter that contain `today`.

    Input: a date. Output: (year, quarter), e.g. 2025-05-14 gives (2025, 1) and 2026-02-01
    gives (2025, 4); the quarters are those of `quarter_dates`.
    """
    if today.month >= 4:
        return today.year, (today.month - 4) // 3 + 1
    return today.year - 1, 4


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter of the NHS financial year starting 1 April `year`.

    Input: the year the financial year starts (2025 for 2025/26) and quarter 1-4. Output:
    (start, end): Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March
    of the next calendar year. Source: the National Guardian's Office publishes its data by
    financial year (2022/23, 2023/24...) from quarterly returns by guardians (research
    brief, speak-up section 3.4); the brief does not spell out the quarter boundaries, so
    they are taken as the financial-year quarters on which NHS returns run.
    """
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1, 2, 3 or 4, not {quarter!r}.")
    start_month = 3 * quarter + 1 if quarter < 4 else 1
    start_year = year if quarter < 4 else year + 1
    start = dt.date(start_year, start_month, 1)
    after = dt.date(start_year + (start_month + 3 > 12), (start_month + 2) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def _share(count: int | None, total: int | None) -> float | None:
    if count is None or not total:
        return None
    return count / total


def quarterly_return(
    cases: Iterable[CaseSummary], year: int, quarter: int, k: int = 5, suppress: bool = False
) -> dict[str, Any]:
    """The quarterly figures in National Guardian's Office categories.

    Input: case summaries; the financial year (its starting calendar year, 2025 for
    2025/26) and quarter 1-4 (see `quarter_dates`); cases count in the quarter of their
    receipt date. Output:
    `{"year", "quarter", "period": "2025/26 Q1", "start", "end", "small_counts_hidden",
    "total", "categories": [{"key", "label", "count"}] (NGO_CATEGORIES order),
    "anonymous", "anonymous_share", "detriment", "detriment_share",
    "would_speak_up_again": {"yes", "no", "unsure": count}}`.
    Detriment counts a case whose category is "detriment" or whose reporter reported
    detriment. Shares are 0..1, None when the total is 0 or the count is hidden.
    The return to the National Guardian's Office is not suppressed (`suppress=False`,
    the default: a regulator return needs the true figures). With `suppress=True` (for a
    board page) the module's rules apply: a total of 1..k-1 hides every figure; otherwise
    the category and speak-again counts follow rule 4 and the anonymous and detriment
    counts rule 3 (against the total). Unknown categories raise ValueError.
    Source: research brief, speak-up section 3.4 (NGO categories, anonymous and detriment
    shares, "would you speak up again?").
    """
    _check_k(k)
    start, end = quarter_dates(year, quarter)
    chosen = [c for c in cases if start <= c.received <= end]
    for case in chosen:
        if case.category not in CATEGORY_LABELS:
            raise ValueError(
                f"Unknown category {case.category!r}; expected one of {', '.join(NGO_CATEGORIES)}."
            )
    total = len(chosen)
    categories = {key: sum(c.category == key for c in chosen) for key in NGO_CATEGORIES}
    anonymous = sum(c.anonymous for c in chosen)
    detriment = sum(c.category == "detriment" or c.detriment_reported for c in chosen)
    speak = {a: sum(c.would_speak_up_again == a for c in chosen) for a in SPEAK_AGAIN_ANSWERS}
    shown_total: int | None = total
    shown_categories: dict[str, int | None] = dict(categories)
    shown_anonymous: int | None = anonymous
    shown_detriment: int | None = detriment
    shown_speak: dict[str, int | None] = dict(speak)
    if suppress:
        if _small(total, k):
            shown_total = shown_anonymous = shown_detriment = None
            shown_categories = dict.fromkeys(categories)
            shown_speak = dict.fromkeys(speak)
        else:
            shown_categories = protect_partition(categories, k)
            shown_anonymous = _protect_count(anonymous, total, k)
            shown_detriment = _protect_count(detriment, total, k)
            shown_speak = protect_partition(speak, k)
    return {
        "year": year,
        "quarter": quarter,
        "period": f"{year}/{(year + 1) % 100:02d} Q{quarter}",
        "start": start,
        "end": end,
        "small_counts_hidden": suppress,
        "total": shown_total,
        "categories": [
            {"key": key, "label": CATEGORY_LABELS[key], "count": shown_categories[key]}
            for key in NGO_CATEGORIES
        ],
        "anonymous": shown_anonymous,
        "anonymous_share": _share(shown_anonymous, shown_total),
        "detriment": shown_detriment,
        "detriment_share": _share(shown_detriment, shown_total),
        "would_speak_up_again": shown_speak,
    }
