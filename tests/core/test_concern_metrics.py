"""Leader and board figures, the quarterly return (echoorg.core.concerns.metrics) and the
fictional demo cases that feed them (echoorg.core.concerns.simulate)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.concerns.clocks import (
    CONCLUDED,
    DEFENSIVE_RESPONSES,
    analyse_case,
    analyse_cases,
    parse_cases,
)
from echoorg.core.concerns.metrics import (
    CATEGORY_LABELS,
    DERIVED_FIGURES,
    NGO_CATEGORIES,
    CaseSummary,
    group_stats,
    median_or_hidden,
    protect_across,
    protect_partition,
    quarter_dates,
    quarterly_return,
    share_or_hidden,
)
from echoorg.core.concerns.simulate import simulate_cases

D = date.fromisoformat


def summary(
    unit: str | None = "Ward A",
    *,
    category: str = "patient_safety",
    anonymous: bool = False,
    received: str = "2025-05-01",
    ack: int | None = None,
    fb: int | None = None,
    prot: int | None = None,
    breaches: tuple = (),
    defensive: tuple = (),
    detriment: bool = False,
    speak: str | None = None,
    leader: str | None = "Leader 1",
) -> CaseSummary:
    analysis = {
        "days_to_acknowledge": ack,
        "days_to_feedback": fb,
        "days_to_protection": prot,
        "breaches": list(breaches),
        "defensive_responses": list(defensive),
    }
    return CaseSummary(unit, leader, category, anonymous, D(received), analysis, detriment, speak)


def ward_a() -> list[CaseSummary]:
    acks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None, None]
    feedbacks = [30] * 6 + [60] * 6
    protections = [0, 1, 3] + [None] * 9
    speak = ["yes"] * 6 + ["no"] * 4 + [None] * 2
    cases = []
    for i in range(12):
        defensive = []
        if i < 5:
            defensive.append("reporter_asked_to_apologise")
        if i in (5, 6):
            defensive.append("grievance_against_reporter")
        if i < 9:
            defensive.append("told_to_stop_raising")
        cases.append(
            summary(
                "Ward A",
                ack=acks[i],
                fb=feedbacks[i],
                prot=protections[i],
                breaches=("feedback_late",) if i < 3 else (),
                defensive=tuple(defensive),
                speak=speak[i],
            )
        )
    return cases


def by_unit(c: CaseSummary) -> str | None:
    return c.unit


# --- group_stats ------------------------------------------------------------------------


def test_a_shown_group_has_medians_shares_and_protected_counts():
    [row] = group_stats(ward_a(), by_unit)
    assert row["group"] == "Ward A" and not row["suppressed"] and row["suppression"] is None
    assert row["cases"] == 12
    assert row["median_days_to_acknowledge"] == 5.5
    assert row["median_days_to_feedback"] == 45
    # from 3 cases only, and 3 of 12 cases with a breach: fewer than k, so hidden
    assert row["median_days_to_protection"] is None and row["share_with_breach"] is None
    assert row["hidden"] == {
        "median_days_to_protection": "fewer_than_k",
        "share_with_breach": "fewer_than_k",
    }
    assert row["defensive_responses"] == {
        "reporter_asked_to_apologise": 5,  # 5 shown: 5 >= k and 12 - 5 = 7 >= k
        "told_to_stop_raising": None,  # 9: but 12 - 9 = 3 would be a small count
        "grievance_against_reporter": None,  # 2: fewer than k
        "reporter_moved_or_disciplined": 0,
        "internal_review_instead_of_referral": 0,
        "subject_returned_before_outcome": 0,
        "non_independent_investigator": 0,
    }
    assert list(row["defensive_responses"]) == list(DEFENSIVE_RESPONSES)
    assert row["detriment_reported"] == 0
    # no = 4 is hidden; the smallest other non-zero answer (yes = 6) is hidden with it
    assert row["would_speak_up_again"] == {"yes": None, "no": None, "unsure": 0}


def test_a_group_under_k_shows_only_that_it_exists_and_one_more_group_is_hidden_with_it():
    cases = ward_a() + [summary("Ward B", ack=1)] * 3 + [summary("Ward C", ack=2)] * 7
    rows = {r["group"]: r for r in group_stats(cases, by_unit)}
    assert rows["Ward B"] == {
        "group": "Ward B",
        "suppressed": True,
        "suppression": "fewer_than_k",
        "cases": None,
        "median_days_to_acknowledge": None,
        "median_days_to_protection": None,
        "median_days_to_feedback": None,
        "share_with_breach": None,
        "defensive_responses": None,
        "detriment_reported": None,
        "would_speak_up_again": None,
        "hidden": {
            "median_days_to_acknowledge": "fewer_than_k",
            "median_days_to_protection": "fewer_than_k",
            "median_days_to_feedback": "fewer_than_k",
            "share_with_breach": "fewer_than_k",
        },
    }
    # the total minus the shown groups would give Ward B's size: Ward C (smallest) is hidden
    assert rows["Ward C"]["suppressed"] and rows["Ward C"]["suppression"] == "complementary"
    assert rows["Ward C"]["cases"] is None
    assert not rows["Ward A"]["suppressed"]


def test_two_small_groups_protect_each_other():
    cases = ward_a() + [summary("Ward B")] * 3 + [summary("Ward D")] * 2 + [summary("Ward C")] * 7
    rows = {r["group"]: r for r in group_stats(cases, by_unit)}
    assert [rows[g]["suppression"] for g in ("Ward A", "Ward B", "Ward C", "Ward D")] == [
        None,
        "fewer_than_k",
        None,
        "fewer_than_k",
    ]
    assert rows["Ward C"]["cases"] == 7


def test_a_single_small_group_alone_is_just_suppressed():
    [row] = group_stats([summary("Ward B")] * 4, by_unit)
    assert row["suppression"] == "fewer_than_k"


def test_groups_are_ordered_by_name_with_none_last_and_k_is_respected():
    cases = [summary(None)] * 2 + [summary("b")] * 2 + [summary("a")] * 2
    assert [r["group"] for r in group_stats(cases, by_unit, k=2)] == ["a", "b", None]
    assert all(not r["suppressed"] for r in group_stats(cases, by_unit, k=2))
    rows = group_stats(cases, lambda c: c.leader, k=7)
    assert [(r["group"], r["suppressed"]) for r in rows] == [("Leader 1", True)]
    with pytest.raises(ValueError):
        group_stats(cases, by_unit, k=0)


def test_medians_are_none_when_no_case_has_the_figure():
    [row] = group_stats([summary("X", ack=3)] * 5, by_unit)
    assert row["median_days_to_protection"] is None and row["median_days_to_acknowledge"] == 3
    assert row["share_with_breach"] == 0


def test_detriment_counts_are_hidden_when_small_either_way():
    some = [summary("X", detriment=True)] * 2 + [summary("X")] * 8
    most = [summary("X", detriment=True)] * 8 + [summary("X")] * 2
    enough = [summary("X", detriment=True)] * 5 + [summary("X")] * 5
    assert group_stats(some, by_unit)[0]["detriment_reported"] is None
    assert group_stats(most, by_unit)[0]["detriment_reported"] is None
    assert group_stats(enough, by_unit)[0]["detriment_reported"] == 5


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"yes": 10, "no": 3, "unsure": 20}, {"yes": None, "no": None, "unsure": 20}),
        ({"yes": 0, "no": 3, "unsure": 0}, {"yes": None, "no": None, "unsure": 0}),
        ({"yes": 2, "no": 3, "unsure": 9}, {"yes": None, "no": None, "unsure": 9}),
        ({"yes": 12, "no": 5, "unsure": 0}, {"yes": 12, "no": 5, "unsure": 0}),
        ({"yes": 7, "no": 7, "unsure": 1}, {"yes": None, "no": 7, "unsure": None}),
    ],
)
def test_protect_partition(counts, expected):
    assert protect_partition(counts, 5) == expected


summaries = st.builds(
    summary,
    st.sampled_from(["a", "b", "c", "d", None]),
    ack=st.none() | st.integers(0, 30),
    defensive=st.lists(st.sampled_from(DEFENSIVE_RESPONSES), unique=True).map(tuple),
    detriment=st.booleans(),
    speak=st.sampled_from([None, "yes", "no", "unsure"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(summaries, max_size=60), st.integers(2, 6))
def test_no_small_count_is_ever_shown(cases, k):
    rows = group_stats(cases, by_unit, k)
    suppressed = [r for r in rows if r["suppressed"]]
    assert len(suppressed) != 1 or len(rows) == 1
    for row in rows:
        if row["suppressed"]:
            assert all(
                row[key] is None
                for key in row
                if key not in ("group", "suppressed", "suppression", "hidden")
            )
            continue
        n = row["cases"]
        assert n >= k
        for count in [*row["defensive_responses"].values(), row["detriment_reported"]]:
            assert count is None or (
                (count == 0 or count >= k) and (n - count == 0 or n - count >= k)
            )
        speak = row["would_speak_up_again"]
        assert all(v is None or v == 0 or v >= k for v in speak.values())
        assert sum(v is None for v in speak.values()) != 1


# --- quarterly return -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "quarter", "start", "end"),
    [
        (2025, 1, "2025-04-01", "2025-06-30"),
        (2025, 2, "2025-07-01", "2025-09-30"),
        (2025, 3, "2025-10-01", "2025-12-31"),
        (2025, 4, "2026-01-01", "2026-03-31"),
        (2023, 4, "2024-01-01", "2024-03-31"),
    ],
)
def test_quarters_are_financial_year_quarters(year, quarter, start, end):
    assert quarter_dates(year, quarter) == (D(start), D(end))


def test_bad_quarter():
    with pytest.raises(ValueError, match="quarter"):
        quarter_dates(2025, 5)


def q1_cases() -> list[CaseSummary]:
    categories = (
        ["patient_safety"] * 6
        + ["worker_safety"] * 5
        + ["bullying_harassment"] * 4
        + ["inappropriate_behaviours"] * 3
        + ["detriment", "fraud"]
    )
    speak = ["yes"] * 8 + ["no"] * 2 + ["unsure"] + [None] * 9
    received = [D("2025-04-01") + timedelta(days=4 * i) for i in range(20)]
    assert received[-1] <= D("2025-06-30")
    return [
        summary(category=c, anonymous=i < 3, received=r.isoformat(), detriment=(i == 0), speak=s)
        for i, (c, s, r) in enumerate(zip(categories, speak, received, strict=True))
    ]


def outside() -> list[CaseSummary]:
    return [summary(received="2025-03-31"), summary(received="2025-07-01")]


def test_the_regulator_return_shows_true_counts():
    result = quarterly_return(q1_cases() + outside(), 2025, 1)
    assert (result["period"], result["start"], result["end"]) == (
        "2025/26 Q1",
        D("2025-04-01"),
        D("2025-06-30"),
    )
    assert result["small_counts_hidden"] is False
    assert result["total"] == 20
    assert [(c["key"], c["count"]) for c in result["categories"]] == [
        ("patient_safety", 6),
        ("worker_safety", 5),
        ("bullying_harassment", 4),
        ("inappropriate_behaviours", 3),
        ("detriment", 1),
        ("fraud", 1),
        ("other", 0),
    ]
    assert [c["label"] for c in result["categories"]] == [
        CATEGORY_LABELS[k] for k in NGO_CATEGORIES
    ]
    assert (result["anonymous"], result["anonymous_share"]) == (3, 0.15)
    # detriment: the detriment category (1) plus a reported detriment in another category (1)
    assert (result["detriment"], result["detriment_share"]) == (2, 0.1)
    assert result["would_speak_up_again"] == {"yes": 8, "no": 2, "unsure": 1}


def test_the_board_version_hides_small_counts():
    result = quarterly_return(q1_cases(), 2025, 1, suppress=True)
    assert result["small_counts_hidden"] is True and result["total"] == 20
    assert [c["count"] for c in result["categories"]] == [6, 5, None, None, None, None, 0]
    assert (result["anonymous"], result["anonymous_share"]) == (None, None)
    assert (result["detriment"], result["detriment_share"]) == (None, None)
    assert result["would_speak_up_again"] == {"yes": 8, "no": None, "unsure": None}


def test_the_board_version_adds_complementary_suppression():
    cases = (
        [summary(category="patient_safety")] * 10
        + [summary(category="worker_safety")] * 8
        + [summary(category="bullying_harassment")] * 2
    )
    result = quarterly_return(cases, 2025, 1, suppress=True)
    assert [c["count"] for c in result["categories"]] == [10, None, None, 0, 0, 0, 0]
    many_anonymous = [summary(anonymous=True)] * 17 + [summary()] * 3
    assert quarterly_return(many_anonymous, 2025, 1, suppress=True)["anonymous"] is None
    assert quarterly_return(many_anonymous, 2025, 1)["anonymous"] == 17


def test_a_small_quarter_is_hidden_entirely_on_the_board():
    result = quarterly_return([summary()] * 3, 2025, 1, suppress=True)
    assert result["total"] is None and result["anonymous_share"] is None
    assert all(c["count"] is None for c in result["categories"])
    assert set(result["would_speak_up_again"].values()) == {None}
    assert quarterly_return([summary()] * 3, 2025, 1)["total"] == 3


def test_an_empty_quarter_and_the_year_boundary():
    empty = quarterly_return([], 2099, 4, suppress=True)
    assert empty["total"] == 0 and empty["anonymous_share"] is None
    assert empty["period"] == "2099/00 Q4"
    edge = [summary(received="2026-03-31"), summary(received="2026-04-01")]
    assert quarterly_return(edge, 2025, 4)["total"] == 1
    assert quarterly_return(edge, 2026, 1)["total"] == 1


def test_unknown_categories_are_refused():
    with pytest.raises(ValueError, match="Unknown category 'safeguarding'"):
        quarterly_return([summary(category="safeguarding")], 2025, 1)


# --- the fictional demo cases -----------------------------------------------------------

UNITS = [f"Unit {c}" for c in "ABCDEFGH"]
LEADERS = ["Leader 1", "Leader 2", "Leader 3", "Leader 4"]
TODAY = D("2026-03-15")


def test_simulation_is_deterministic_by_seed():
    first = simulate_cases(UNITS, LEADERS, 7, TODAY)
    assert first == simulate_cases(UNITS, LEADERS, 7, TODAY)
    assert first != simulate_cases(UNITS, LEADERS, 8, TODAY)
    assert len(first) == 200 and len(simulate_cases(UNITS, LEADERS, 7, TODAY, n=15)) == 15


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_cases_are_valid_and_varied(seed):
    cases = simulate_cases(UNITS, LEADERS, seed, TODAY)
    parsed = parse_cases(cases)  # the import format
    assert [c["id"] for c in cases] == [f"SIM-{i:04d}" for i in range(1, 201)]
    firsts = [min(e.date for e in p.events if e.type == "received") for p in parsed]
    assert firsts == sorted(firsts)
    assert all(TODAY - timedelta(days=730) <= d <= TODAY for d in firsts)
    assert all(e.date <= TODAY for p in parsed for e in p.events)
    for c in cases:
        assert c["mode"] in ("named", "confidential", "anonymous")
        assert c["category"] in NGO_CATEGORIES
        assert c["unit"] in UNITS and c["leader"] in LEADERS
        assert isinstance(c["at_risk"], list) and c["at_risk"]
        concluded = any(e["type"] == CONCLUDED for e in c["events"])
        assert c["would_speak_up_again"] in (
            ("yes", "no", "unsure", None) if concluded else (None,)
        )
    results = analyse_cases(cases, TODAY)
    on_time = sum(
        r["days_to_acknowledge"] is not None and r["days_to_acknowledge"] <= 7
        for r in results.values()
    )
    late_ack = sum("acknowledge_late" in r["breaches"] for r in results.values())
    assert on_time >= 140 and late_ack >= 5
    fed_back = [r["days_to_feedback"] for r in results.values() if r["days_to_feedback"]]
    assert sum(d <= 100 for d in fed_back) >= 0.7 * len(fed_back)
    assert 10 <= sum(c["risk_of_harm"] for c in cases) <= 60
    assert (
        3 <= sum(any(e["type"] == "detriment_reported" for e in c["events"]) for c in cases) <= 40
    )
    still_open = [c for c in cases if not any(e["type"] == CONCLUDED for e in c["events"])]
    assert 3 <= len(still_open) <= 60
    assert Counter(c["mode"] for c in cases)["anonymous"] >= 5
    # defensive responses are concentrated: the two units with most hold most of them
    per_unit = Counter(
        c["unit"]
        for c, r in zip(cases, results.values(), strict=True)
        for _ in r["defensive_responses"]
    )
    assert sum(per_unit.values()) >= 8
    assert sum(n for _, n in per_unit.most_common(2)) > sum(per_unit.values()) / 2


def test_simulation_needs_units_and_leaders():
    with pytest.raises(ValueError):
        simulate_cases([], LEADERS, 1, TODAY)


def test_simulated_cases_flow_into_the_board_figures():
    cases = simulate_cases(UNITS, LEADERS, 5, TODAY)
    summaries = []
    for raw, parsed in zip(cases, parse_cases(cases), strict=True):
        summaries.append(
            CaseSummary(
                raw["unit"],
                raw["leader"],
                raw["category"],
                raw["mode"] == "anonymous",
                min(e.date for e in parsed.events if e.type == "received"),
                analyse_case(parsed, TODAY),
                any(e.type == "detriment_reported" for e in parsed.events),
                raw["would_speak_up_again"],
            )
        )
    rows = group_stats(summaries, lambda s: s.unit)
    assert {r["group"] for r in rows} <= set(UNITS)
    assert sum(r["cases"] for r in rows if not r["suppressed"]) <= 200
    year = quarterly_return(summaries, 2025, 3)
    assert year["total"] == sum(c["count"] for c in year["categories"]) > 0


# --- rule 5: figures computed from cases follow the minimum too -------------------------


def test_median_or_hidden_and_share_or_hidden():
    assert median_or_hidden([1, 2, 3, None, 4, 5], 5) == (3, None)
    assert median_or_hidden([7, None, None], 5) == (None, "fewer_than_k")
    assert median_or_hidden([None, None], 5) == (None, None)
    assert median_or_hidden([], 1) == (None, None)
    assert share_or_hidden(0, 6, 5) == (0, None)
    assert share_or_hidden(6, 6, 5) == (1, None)
    assert share_or_hidden(5, 10, 5) == (0.5, None)
    assert share_or_hidden(1, 6, 5) == (None, "fewer_than_k")
    assert share_or_hidden(5, 6, 5) == (None, "fewer_than_k")  # the other 1 would show
    assert share_or_hidden(0, 0, 5) == (None, None)
    with pytest.raises(ValueError):
        median_or_hidden([1], 0)


def test_a_median_from_one_case_is_never_shown():
    cases = [summary("Ward A", ack=2, prot=1)] + [summary("Ward A", ack=3)] * 5
    [row] = group_stats(cases, by_unit)
    assert row["cases"] == 6 and row["median_days_to_acknowledge"] == 3
    assert row["median_days_to_protection"] is None
    assert row["hidden"] == {"median_days_to_protection": "fewer_than_k"}


def test_across_groups_a_hidden_median_cannot_be_recovered_from_the_whole():
    a = [summary("A", prot=2)] * 5
    b = [summary("B", prot=9)] + [summary("B")] * 5
    rows = group_stats(a + b, by_unit)
    [overall] = group_stats(a + b, lambda c: "all")
    assert rows[0]["median_days_to_protection"] == 2 and overall["median_days_to_protection"]
    protect_across(rows, overall, {"A": a, "B": b}, 5)
    # B's one case was hidden; the whole (6 cases) minus A (5) would single it out, so A's
    # median goes too, and the whole organisation's (from 6 cases) stays.
    assert rows[0]["median_days_to_protection"] is None
    assert rows[0]["hidden"]["median_days_to_protection"] == "complementary"
    assert rows[1]["hidden"]["median_days_to_protection"] == "fewer_than_k"
    assert overall["median_days_to_protection"] == 2


def test_across_groups_the_share_with_a_breach_hides_its_complement_too():
    a = [summary("A", breaches=("feedback_late",))] * 5 + [summary("A")] * 5
    b = [summary("B", breaches=("feedback_late",))] * 5 + [summary("B")]
    rows = group_stats(a + b, by_unit)
    [overall] = group_stats(a + b, lambda c: "all")
    assert rows[0]["share_with_breach"] == 0.5 and rows[1]["share_with_breach"] is None
    protect_across(rows, overall, {"A": a, "B": b}, 5)
    # B has one case without a breach: the whole's minus A's would show it.
    assert rows[0]["share_with_breach"] is None
    assert overall["share_with_breach"] == 10 / 16


def _behind(cases: list, name: str) -> int:
    if name == "share_with_breach":
        return sum(bool(c.analysis["breaches"]) for c in cases)
    key = name.removeprefix("median_")
    return sum(c.analysis[key] is not None for c in cases)


handled = st.builds(
    summary,
    st.sampled_from(["a", "b", "c", None]),
    ack=st.none() | st.integers(0, 30),
    fb=st.none() | st.integers(0, 120),
    prot=st.none() | st.integers(0, 5),
    breaches=st.sampled_from([(), ("feedback_late",), ("acknowledge_late", "feedback_late")]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(handled, max_size=40), st.integers(2, 6))
def test_no_median_or_share_comes_from_fewer_than_k_cases(cases, k):
    rows = group_stats(cases, by_unit, k)
    overall = group_stats(cases, lambda c: "all", k)[0] if cases else None
    members: dict = {}
    for case in cases:
        members.setdefault(by_unit(case), []).append(case)
    protect_across(rows, overall, members, k)
    for row in [*rows, *([overall] if overall else [])]:
        group = cases if row is overall else members[row["group"]]
        for name in DERIVED_FIGURES:
            behind = _behind(group, name)
            if row[name] is not None:
                assert behind == 0 or behind >= k
                if name == "share_with_breach":
                    assert len(group) - behind == 0 or len(group) - behind >= k
            elif behind:
                assert row["hidden"][name] in ("fewer_than_k", "complementary")
    if overall is None:
        return
    for name in DERIVED_FIGURES:
        if overall[name] is None:
            continue
        hidden = sum(_behind(members[r["group"]], name) for r in rows if r[name] is None)
        assert hidden == 0 or hidden >= k
