"""What a case's timeline may hold, and clocks that never overflow
(echoorg.core.concerns.clocks: timeline_problems, case_id_problem, shape_problem,
review_case; calendar near the end of the calendar)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.concerns.calendar import add_working_days, next_working_day_after
from echoorg.core.concerns.clocks import (
    AFTER_TODAY,
    BEFORE_FIRST_YEAR,
    BEFORE_RECEIVED,
    EVENT_TYPES,
    NO_RECEIVED,
    REOPENED_BEFORE_CONCLUDED,
    Case,
    CaseDataError,
    ClockPolicy,
    DateOutOfRange,
    Event,
    add_days,
    add_months,
    analyse_case,
    case_id_problem,
    deadlines,
    next_clock,
    parse_cases,
    review_case,
    shape_problem,
    timeline_problems,
)

D = dt.date.fromisoformat
TODAY = D("2026-11-29")


def kinds(events, today=TODAY, received_on=None) -> list[tuple[str, int | None]]:
    return [
        (p.kind, p.event)
        for p in timeline_problems([(t, D(d)) for t, d in events], today, received_on)
    ]


# --- the rules --------------------------------------------------------------------------


def test_a_sound_timeline_has_no_problems():
    assert (
        kinds(
            [
                ("received", "2026-01-05"),
                ("acknowledged", "2026-01-06"),
                ("concluded", "2026-02-01"),
                ("reopened", "2026-02-01"),
                ("concluded", "2026-03-01"),
            ]
        )
        == []
    )


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([("received", "9999-12-31")], [(AFTER_TODAY, 1)]),
        ([("received", "2026-01-05"), ("concluded", "2026-11-30")], [(AFTER_TODAY, 2)]),
        ([("received", "1977-12-31")], [(BEFORE_FIRST_YEAR, 1)]),
        ([("acknowledged", "2026-01-05")], [(NO_RECEIVED, None)]),
        ([("received", "2026-01-05"), ("acknowledged", "2026-01-04")], [(BEFORE_RECEIVED, 2)]),
        ([("received", "2026-01-05"), ("concluded", "2026-01-01")], [(BEFORE_RECEIVED, 2)]),
        ([("received", "2026-01-05"), ("feedback_given", "2025-12-01")], [(BEFORE_RECEIVED, 2)]),
        (
            [("received", "2026-01-05"), ("reopened", "2026-01-06")],
            [(REOPENED_BEFORE_CONCLUDED, 2)],
        ),
        (
            [("received", "2026-01-05"), ("reopened", "2026-01-06"), ("concluded", "2026-01-07")],
            [(REOPENED_BEFORE_CONCLUDED, 2)],
        ),
    ],
)
def test_each_rule(events, expected):
    assert kinds(events) == expected


def test_today_itself_is_allowed_and_no_today_means_no_upper_limit():
    assert kinds([("received", "2026-11-29")]) == []
    assert kinds([("received", "9999-12-31")], today=None) == []


def test_steps_before_the_concerns_own_date_are_refused():
    assert kinds(
        [("received", "2026-01-05"), ("acknowledged", "2026-01-06")], received_on=D("2026-01-07")
    ) == [(BEFORE_RECEIVED, 1), (BEFORE_RECEIVED, 2)]
    problem, before = timeline_problems([("received", D("2026-01-05"))], TODAY, D("9999-01-01"))
    assert problem.kind == AFTER_TODAY and problem.event is None
    assert (before.kind, before.event) == (BEFORE_RECEIVED, 1)
    assert problem.message.startswith("the date received: the date 9999-01-01 is after today")


def test_messages_name_the_date():
    [problem] = timeline_problems([("received", D("9999-12-31"))], TODAY)
    assert problem.message == (
        "the date 9999-12-31 is after today (2026-11-29); a step is recorded once it has happened"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A-1", None),
        ("2023.014_b", None),
        (7, None),
        ("x" * 18, None),
        (10**18 - 1, None),
        (None, "has no id"),
        ("", "the id is empty"),
        ("x" * 19, "the id is longer than 18 characters (19)"),
        (10**18, "the id is longer than 18 characters"),
        (int("9" * 4000), "the id is longer than 18 characters"),
        ("A/1", "the id must be made of letters"),
        ("A 1", "the id must be made of letters"),
        ("-A", "the id must be made of letters"),
        ("..", "the id must be made of letters"),
        ("é", "the id must be made of letters"),
        ("\ud800", "the id must be made of letters"),
        (-3, "the id must be made of letters"),
        (True, "the id must be a string or a whole number, not true/false"),
        (["x"], "the id must be a string or a whole number, not a list"),
    ],
)
def test_case_ids(value, expected):
    found = case_id_problem(value)
    assert (found is None) if expected is None else found.startswith(expected)


def test_case_id_length_can_be_set():
    assert case_id_problem("abc", max_length=2) == "the id is longer than 2 characters (3)"


def test_shape_problems():
    assert shape_problem({"id": "A", "events": [{"type": "received"}]}) is None
    assert "lone surrogate" in shape_problem({"id": "A", "note": "x\ud800"})
    assert "lone surrogate" in shape_problem({"\udfff": 1})
    assert "NUL" in shape_problem({"title": "a\x00b"})
    deep: list = []
    for _ in range(100_000):  # checked without recursion, however deep
        deep = [deep]
    assert shape_problem(deep) == "is nested more than 16 levels deep"
    assert shape_problem({"a": [[[1]]]}, max_nesting=4) is None
    assert shape_problem({"a": [[[[1]]]]}, max_nesting=4) is not None


def test_parse_cases_refuses_future_dates_when_today_is_given():
    data = [
        {
            "id": "A",
            "events": [
                {"type": "received", "date": "2026-01-05"},
                {"type": "concluded", "date": "9999-12-31"},
            ],
        }
    ]
    assert parse_cases(data)  # without today, only the order is checked
    with pytest.raises(CaseDataError) as caught:
        parse_cases(data, today=TODAY)
    assert caught.value.problems == [
        "Case 1 (id 'A'), event 2: the date 9999-12-31 is after today (2026-11-29); a step is "
        "recorded once it has happened."
    ]


def test_parse_cases_names_places_as_told():
    data = [
        {
            "id": "A",
            "events": [
                {"type": "received", "date": "2026-01-05"},
                {"type": "acknowledged", "date": "2026-01-01"},
            ],
        }
    ]
    with pytest.raises(CaseDataError) as caught:
        parse_cases(data, place=lambda case, case_id, event: f"Row {case}.{event}")
    assert caught.value.problems == [
        "Row 1.2: dated 2026-01-01, before the concern was received (2026-01-05)."
    ]


def test_parse_cases_refuses_bad_ids_and_text():
    received = [{"type": "received", "date": "2026-01-05"}]
    data = [
        {"id": "A/1", "events": received},
        {"id": "B", "title": "\ud800", "events": []},
        {"id": "x" * 5000, "events": received},
    ]
    with pytest.raises(CaseDataError) as caught:
        parse_cases(data)
    assert len(caught.value.problems) == 3
    assert caught.value.problems[0].startswith("Case 1: the id must be made of letters")
    assert caught.value.problems[1].startswith("Case 2: holds text that is not valid Unicode")
    assert caught.value.problems[2] == "Case 3: the id is longer than 18 characters (5000)."


# --- the calendar's end -----------------------------------------------------------------


def test_date_arithmetic_near_the_end_of_the_calendar_raises_a_clear_error():
    with pytest.raises(DateOutOfRange, match="falls outside the calendar"):
        add_days(D("9999-12-25"), 7)
    with pytest.raises(DateOutOfRange, match="falls outside the calendar"):
        add_months(D("9999-11-30"), 3)
    with pytest.raises(DateOutOfRange):
        add_months(D("0001-01-31"), -1)
    with pytest.raises(ValueError, match="no working day after 9999-12-31"):
        next_working_day_after(D("9999-12-31"))
    assert add_working_days(D("9999-12-29"), 1) == D("9999-12-30")
    late = Case("Z", True, [Event("received", D("9999-12-30"))])
    with pytest.raises(DateOutOfRange):
        deadlines(late)
    with pytest.raises(CaseDataError):
        analyse_case(late, D("9999-12-31"))


dates = st.dates(min_value=dt.date.min, max_value=dt.date.max)
edge_dates = st.one_of(
    st.dates(min_value=D("9998-01-01"), max_value=dt.date.max),
    st.dates(min_value=dt.date.min, max_value=D("0002-12-31")),
    st.dates(min_value=D("1977-12-01"), max_value=D("1978-01-31")),
    dates,
)
events = st.lists(
    st.builds(Event, st.sampled_from(EVENT_TYPES), edge_dates, st.just({})), max_size=8
)
policies = st.builds(
    ClockPolicy,
    acknowledge_days=st.integers(0, 60),
    feedback_months=st.integers(0, 12),
    protection_working_days=st.integers(0, 10),
)


@settings(max_examples=400, deadline=None)
@given(events, st.booleans(), edge_dates, policies, st.one_of(st.none(), edge_dates))
def test_review_case_never_raises_whatever_the_dates(steps, risk, today, policy, received_on):
    review = review_case(Case("X", risk, steps), today, policy, received_on)
    if review.out_of_range:
        assert review.analysis["date_out_of_range"] is True
        assert review.analysis["days_to_acknowledge"] is None and review.deadlines == {}
        assert review.next_clock is None and review.problems
    else:
        assert all(dt.date(1978, 1, 1) <= e.date <= today for e in steps)
        assert review.analysis["date_out_of_range"] is False


@settings(max_examples=300, deadline=None)
@given(events, st.booleans(), edge_dates, policies)
def test_the_clocks_raise_only_case_data_errors_near_the_calendars_ends(steps, risk, today, policy):
    case = Case("X", risk, steps)
    for compute in (
        lambda: deadlines(case, policy),
        lambda: analyse_case(case, today, policy),
        lambda: next_clock(case, today, policy),
    ):
        try:
            compute()
        except CaseDataError:
            pass


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["received", "9999-12-31", "2026-01-05", "0001-01-01", "concluded", "A/1"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "events", "type", "date", "risk_of_harm", "to", "x"]),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values, edge_dates)
def test_parse_cases_refuses_anything_with_a_case_data_error_and_a_printable_message(data, today):
    try:
        cases = parse_cases(data, today=today)
    except CaseDataError as exc:
        json.dumps(exc.problems, ensure_ascii=False).encode("utf-8")  # printable everywhere
    else:
        for case in cases:
            assert case_id_problem(case.id) is None
            assert all(dt.date(1978, 1, 1) <= e.date <= today for e in case.events)
