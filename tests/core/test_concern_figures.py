"""Stored clock figures (echoorg.core.concerns.figures): for any case they say what a fresh
`review_case` says, on the day they were computed and, for a case in range, on any later
day; and the triage order puts risk of harm and unacknowledged cases first."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.concerns.clocks import (
    CLOCK_LABELS,
    EVENT_TYPES,
    Case,
    ClockPolicy,
    Event,
    next_clock,
    review_case,
)
from echoorg.core.concerns.figures import (
    NEW_TIER,
    OTHER_TIER,
    OUT_OF_RANGE_TIER,
    RISK_NEW_TIER,
    RISK_TIER,
    case_figures,
)

TODAY = date(2026, 11, 29)


@st.composite
def stored_cases(draw) -> tuple[Case, date]:
    """A case as the database might hold it: a received step (usually), then any steps of
    the vocabulary at dates around it; now and then a date after today or before 1978."""
    received = draw(st.dates(min_value=date(2023, 1, 1), max_value=TODAY))
    steps = []
    if draw(st.integers(0, 9)):
        steps.append(Event("received", received))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(EVENT_TYPES))
        offset = draw(st.integers(-3, 500))
        day = received + timedelta(days=offset)
        if draw(st.integers(0, 30)) == 0:
            day = draw(st.sampled_from([date(1970, 1, 1), TODAY + timedelta(days=3)]))
        steps.append(Event(kind, day))
    steps.sort(key=lambda e: e.date)  # the database's timeline order (date, then pk)
    return Case("X-1", draw(st.booleans()), steps), received


policies = st.builds(
    ClockPolicy,
    acknowledge_days=st.integers(1, 60),
    feedback_months=st.integers(1, 12),
    protection_working_days=st.integers(1, 5),
)


@settings(max_examples=400, deadline=None)
@given(stored_cases(), policies, st.integers(0, 400))
def test_the_figures_say_what_a_fresh_review_says(found, policy, days_later):
    case, received = found
    figures = case_figures(case, TODAY, policy, received_on=received)
    review = review_case(case, TODAY, policy, received_on=received)
    assert figures.out_of_range == review.out_of_range
    assert figures.deadlines() == review.deadlines
    assert figures.next_clock() == review.next_clock
    assert figures.analysis(TODAY) == review.analysis
    if not review.out_of_range:
        # Breaches and overdue clocks are worked out on the day of reading.
        later = TODAY + timedelta(days=days_later)
        assert figures.analysis(later) == review_case(case, later, policy, received).analysis
        assert figures.recheck_on is None
    else:
        assert figures.recheck_on == TODAY + timedelta(days=1)
        assert figures.tier == OUT_OF_RANGE_TIER and figures.in_queue


@settings(max_examples=200, deadline=None)
@given(stored_cases(), policies)
def test_the_handling_and_follow_up_clocks_split_the_next_clock(found, policy):
    case, received = found
    figures = case_figures(case, TODAY, policy, received_on=received)
    if figures.out_of_range:
        return
    dues = [d for d in (figures.handling_due, figures.followup_due) if d is not None]
    assert figures.next_due == (min(dues) if dues else None)
    assert next_clock(case, TODAY, policy) == figures.next_clock()
    # A concluded case stays in the queue only while a handling clock runs.
    assert figures.in_queue == (not figures.closed or figures.handling_due is not None)


def _case(*steps, risk=False):
    return Case("A", risk, [Event(kind, date.fromisoformat(day)) for kind, day in steps])


def test_triage_puts_risk_of_harm_then_unacknowledged_first():
    risk = case_figures(_case(("received", "2026-11-27"), risk=True), TODAY)
    new = case_figures(_case(("received", "2026-11-27")), TODAY)
    in_hand = case_figures(_case(("received", "2026-11-01"), ("acknowledged", "2026-11-02")), TODAY)
    protected = case_figures(
        _case(
            ("received", "2026-11-01"),
            ("acknowledged", "2026-11-02"),
            ("protective_action", "2026-11-02"),
            risk=True,
        ),
        TODAY,
    )
    to_protect = case_figures(
        _case(("received", "2026-11-01"), ("acknowledged", "2026-11-02"), risk=True), TODAY
    )
    wrong = case_figures(_case(("received", "2026-12-20")), TODAY)
    assert (
        risk.tier,
        to_protect.tier,
        new.tier,
        wrong.tier,
        in_hand.tier,
        protected.tier,
    ) == (
        RISK_NEW_TIER,
        RISK_TIER,
        NEW_TIER,
        OUT_OF_RANGE_TIER,
        OTHER_TIER,
        OTHER_TIER,
    )
    assert in_hand.handling_label == CLOCK_LABELS["feedback"]


def test_a_concluded_case_with_a_check_to_make_is_follow_up_work_not_the_queue():
    figures = case_figures(
        _case(
            ("received", "2024-01-02"),
            ("acknowledged", "2024-01-03"),
            ("feedback_given", "2024-02-01"),
            ("concluded", "2024-03-01"),
        ),
        TODAY,
    )
    assert figures.closed and not figures.in_queue
    assert figures.handling_due is None
    assert figures.followup_due == date(2024, 6, 1)
    assert figures.followup_label == "Detriment check (3 months after conclusion)"
    states = {c["name"]: c["state"] for c in figures.clocks(TODAY)}
    assert states == {
        "acknowledge": "met",
        "feedback": "met",
        "detriment_check_3": "overdue",
        "detriment_check_12": "overdue",
    }


def test_the_status_of_each_clock():
    figures = case_figures(
        _case(
            ("received", "2026-11-02"),
            ("acknowledged", "2026-11-20"),
            risk=True,
        ),
        TODAY,
    )
    rows = {c["name"]: c for c in figures.clocks(TODAY)}
    assert rows["acknowledge"]["state"] == "met late"
    assert rows["acknowledge"]["met_on"] == date(2026, 11, 20)
    assert rows["protection"]["state"] == "overdue"
    assert rows["feedback"]["state"] == "running"
    assert rows["feedback"]["due"] == date(2027, 2, 20)
