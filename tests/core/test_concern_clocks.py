"""The case clocks and the analysis contract (echoorg.core.concerns.clocks)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.concerns.clocks import (
    BREACHES,
    CLOCK_LABELS,
    DEFENSIVE_RESPONSES,
    EVENT_LABELS,
    EVENT_TYPES,
    OUTCOMES,
    REFERRAL_TARGETS,
    Case,
    CaseDataError,
    ClockPolicy,
    Event,
    add_months,
    analyse_case,
    analyse_cases,
    deadlines,
    detriment_check_label,
    is_closed,
    next_clock,
    parse_cases,
)
from echoorg.core.concerns.simulate import COMPOSITE_TITLE, composite_case

D = date.fromisoformat


def case(*events: tuple, risk: bool = False, id: str = "A") -> Case:
    """events: (type, "YYYY-MM-DD") or (type, "YYYY-MM-DD", detail)."""
    return Case(id, risk, [Event(e[0], D(e[1]), dict(e[2]) if len(e) > 2 else {}) for e in events])


def analyse(
    *events: tuple, as_of: str = "2030-01-01", risk: bool = False, policy: ClockPolicy | None = None
) -> dict:
    return analyse_case(case(*events, risk=risk), D(as_of), policy)


# --- vocabulary and policy --------------------------------------------------------------


def test_vocabulary_and_labels():
    assert EVENT_TYPES[:11] == (
        "received",
        "acknowledged",
        "assessed",
        "investigation_opened",
        "external_referral",
        "protective_action",
        "feedback_given",
        "concluded",
        "reopened",
        "detriment_reported",
        "detriment_check",
    )
    assert DEFENSIVE_RESPONSES == (
        "reporter_asked_to_apologise",
        "told_to_stop_raising",
        "grievance_against_reporter",
        "reporter_moved_or_disciplined",
        "internal_review_instead_of_referral",
        "subject_returned_before_outcome",
        "non_independent_investigator",
    )
    assert EVENT_TYPES[11:] == DEFENSIVE_RESPONSES
    assert set(EVENT_LABELS) == set(EVENT_TYPES) and all(EVENT_LABELS.values())
    assert REFERRAL_TARGETS == ("police", "safeguarding_authority", "regulator", "other")
    assert OUTCOMES == (
        "substantiated",
        "partly_substantiated",
        "not_substantiated",
        "closed_without_investigation",
    )
    assert BREACHES == ("acknowledge_late", "feedback_late", "protection_late")


def test_policy_defaults_and_checks():
    policy = ClockPolicy()
    assert (
        policy.acknowledge_days,
        policy.feedback_months,
        policy.protection_working_days,
        policy.detriment_check_months,
    ) == (7, 3, 1, (3, 12))
    assert ClockPolicy(detriment_check_months=[12, 3, 3]).detriment_check_months == (3, 12)
    with pytest.raises(ValueError, match="acknowledge_days"):
        ClockPolicy(acknowledge_days=-1)
    with pytest.raises(ValueError, match="feedback_months"):
        ClockPolicy(feedback_months=1.5)
    with pytest.raises(ValueError, match="detriment_check_months"):
        ClockPolicy(detriment_check_months=(0,))
    with pytest.raises(AttributeError):
        policy.acknowledge_days = 3  # frozen


# --- add_months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-01-15", 3, "2026-04-15"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2025-11-30", 3, "2026-02-28"),
        ("2023-11-30", 3, "2024-02-29"),  # leap year
        ("2026-03-31", 3, "2026-06-30"),
        ("2025-12-31", 2, "2026-02-28"),  # over the year end
        ("2026-10-31", 4, "2027-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-31", -2, "2025-11-30"),
        ("2026-05-17", 0, "2026-05-17"),
    ],
)
def test_add_months(start, n, expected):
    assert add_months(D(start), n) == D(expected)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 1, 1)),
    st.integers(min_value=-240, max_value=240),
)
def test_add_months_properties(day, n):
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    last = (result.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert result.day == day.day or (result.day == last.day and day.day > last.day)


# --- days and breaches ------------------------------------------------------------------


def test_a_case_handled_on_time():
    result = analyse(
        ("received", "2026-01-05"),
        ("acknowledged", "2026-01-09"),
        ("feedback_given", "2026-03-20"),
        as_of="2026-06-01",
    )
    assert result == {
        "days_to_acknowledge": 4,
        "days_to_feedback": 74,
        "days_to_protection": None,
        "breaches": [],
        "defensive_responses": [],
    }


def test_the_result_is_json_ready_and_has_exactly_the_contract_keys():
    result = analyse(("received", "2026-01-05"))
    assert list(result) == [
        "days_to_acknowledge",
        "days_to_feedback",
        "days_to_protection",
        "breaches",
        "defensive_responses",
    ]
    json.dumps(result)


def test_acknowledgement_on_day_seven_is_in_time_and_day_eight_is_late():
    assert (
        analyse(
            ("received", "2026-01-05"),
            ("acknowledged", "2026-01-12"),
            ("feedback_given", "2026-02-01"),
        )["breaches"]
        == []
    )
    late = analyse(
        ("received", "2026-01-05"), ("acknowledged", "2026-01-13"), ("feedback_given", "2026-02-01")
    )
    assert late["breaches"] == ["acknowledge_late"] and late["days_to_acknowledge"] == 8


def test_feedback_is_due_three_months_after_the_acknowledgement():
    base = (("received", "2026-01-05"), ("acknowledged", "2026-01-12"))
    assert analyse(*base, ("feedback_given", "2026-04-12"))["breaches"] == []
    assert analyse(*base, ("feedback_given", "2026-04-13"))["breaches"] == ["feedback_late"]


def test_a_late_acknowledgement_moves_the_feedback_deadline():
    result = analyse(
        ("received", "2026-01-05"), ("acknowledged", "2026-02-20"), ("feedback_given", "2026-05-15")
    )
    assert result["breaches"] == ["acknowledge_late"]
    assert deadlines(case(("received", "2026-01-05"), ("acknowledged", "2026-02-20"))) == {
        "acknowledge": D("2026-01-12"),
        "feedback": D("2026-05-20"),
    }


def test_without_acknowledgement_feedback_runs_from_the_end_of_the_seven_days():
    # received 30 Nov 2025 -> 7 days end 7 Dec 2025 -> feedback due 7 Mar 2026
    base = (("received", "2025-11-30"),)
    assert analyse(*base, ("feedback_given", "2026-03-07"))["breaches"] == ["acknowledge_late"]
    assert analyse(*base, ("feedback_given", "2026-03-08"))["breaches"] == [
        "acknowledge_late",
        "feedback_late",
    ]


def test_month_end_feedback_deadline_and_the_as_of_boundary():
    # received 23 Nov 2025 -> day 7 is 30 Nov -> due 28 Feb 2026 (no 30 Feb)
    base = (("received", "2025-11-23"), ("acknowledged", "2025-11-30"))
    assert analyse(*base, as_of="2026-02-28")["breaches"] == []
    assert analyse(*base, as_of="2026-03-01")["breaches"] == ["feedback_late"]


def test_leap_year_feedback_deadline():
    base = (("received", "2023-11-23"), ("acknowledged", "2023-11-30"))
    assert deadlines(case(*base))["feedback"] == D("2024-02-29")
    assert analyse(*base, as_of="2024-02-29")["breaches"] == []
    assert analyse(*base, as_of="2024-03-01")["breaches"] == ["feedback_late"]
    assert deadlines(case(("received", "2024-01-30"), ("acknowledged", "2024-01-31")))[
        "feedback"
    ] == D("2024-04-30")


def test_an_unmet_clock_is_a_breach_only_once_its_deadline_is_before_as_of():
    assert analyse(("received", "2026-01-05"), as_of="2026-01-12")["breaches"] == []
    assert analyse(("received", "2026-01-05"), as_of="2026-01-13")["breaches"] == [
        "acknowledge_late"
    ]
    assert analyse(("received", "2026-01-05"), as_of="2026-01-01")["breaches"] == []


def test_all_three_breaches_come_in_order():
    result = analyse(("received", "2026-01-05"), risk=True, as_of="2026-12-31")
    assert result["breaches"] == ["acknowledge_late", "feedback_late", "protection_late"]
    assert result["days_to_acknowledge"] is result["days_to_feedback"] is None


def test_days_count_from_the_earliest_received_to_the_first_of_each_kind():
    result = analyse(
        ("feedback_given", "2026-02-20"),
        ("received", "2026-01-10"),
        ("acknowledged", "2026-01-14"),
        ("received", "2026-01-05"),
        ("acknowledged", "2026-01-08"),
        ("feedback_given", "2026-02-01"),
    )
    assert (result["days_to_acknowledge"], result["days_to_feedback"]) == (3, 27)


# --- protection -------------------------------------------------------------------------


def test_protection_over_the_2026_easter_weekend():
    # received Thursday 2 April 2026: Good Friday, the weekend and Easter Monday are not
    # working days, so the next working day after is Tuesday 7 April.
    received = ("received", "2026-04-02")
    assert deadlines(case(received, risk=True))["protection"] == D("2026-04-07")
    on_time = analyse(received, ("protective_action", "2026-04-07"), risk=True, as_of="2026-04-08")
    assert on_time["days_to_protection"] == 5 and on_time["breaches"] == []
    late = analyse(received, ("protective_action", "2026-04-08"), risk=True, as_of="2026-04-08")
    assert late["breaches"] == ["protection_late"]
    assert analyse(received, risk=True, as_of="2026-04-07")["breaches"] == []
    assert analyse(received, risk=True, as_of="2026-04-08")["breaches"] == ["protection_late"]


def test_protection_over_christmas_2026():
    # Thursday 24 Dec 2026: 25 Dec (Fri) and 28 Dec (Mon, Boxing Day substitute) are bank
    # holidays -> Tuesday 29 Dec.
    received = ("received", "2026-12-24")
    assert deadlines(case(received, risk=True))["protection"] == D("2026-12-29")
    referral = ("external_referral", "2026-12-29", {"to": "police"})
    assert analyse(received, referral, risk=True, as_of="2026-12-30")["breaches"] == []
    later = ("external_referral", "2026-12-30", {"to": "police"})
    assert analyse(received, later, risk=True, as_of="2026-12-30")["breaches"] == [
        "protection_late"
    ]


def test_protection_is_the_first_referral_or_protective_action():
    result = analyse(
        ("received", "2026-03-02"),
        ("acknowledged", "2026-03-02"),
        ("external_referral", "2026-03-10", {"to": "regulator"}),
        ("protective_action", "2026-03-03"),
        risk=True,
        as_of="2026-03-20",
    )
    assert result["days_to_protection"] == 1 and result["breaches"] == []
    same_day = analyse(
        ("received", "2026-03-02"),
        ("protective_action", "2026-03-02"),
        risk=True,
        as_of="2026-03-03",
    )
    assert same_day["days_to_protection"] == 0


def test_a_case_without_risk_of_harm_never_has_protection_late():
    result = analyse(("received", "2026-01-05"), as_of="2030-01-01")
    assert "protection_late" not in result["breaches"]
    late_action = analyse(("received", "2026-01-05"), ("protective_action", "2026-09-01"))
    assert late_action["days_to_protection"] == 239
    assert "protection_late" not in late_action["breaches"]
    assert "protection" not in deadlines(case(("received", "2026-01-05")))


def test_custom_policy():
    policy = ClockPolicy(acknowledge_days=2, feedback_months=1, protection_working_days=2)
    got = deadlines(case(("received", "2026-04-02"), risk=True), policy)
    assert got == {
        "acknowledge": D("2026-04-04"),
        "feedback": D("2026-05-04"),
        "protection": D("2026-04-08"),
    }
    result = analyse(
        ("received", "2026-04-02"),
        ("acknowledged", "2026-04-05"),
        risk=True,
        as_of="2026-04-08",
        policy=policy,
    )
    assert result["breaches"] == ["acknowledge_late"]


def test_detriment_check_dates_run_from_the_first_conclusion():
    got = deadlines(
        case(
            ("received", "2025-08-01"),
            ("acknowledged", "2025-08-02"),
            ("concluded", "2025-12-01", {"outcome": "substantiated"}),
            ("concluded", "2025-11-30", {"outcome": "substantiated"}),
        )
    )
    assert got["detriment_checks"] == [D("2026-02-28"), D("2026-11-30")]


# --- defensive responses ----------------------------------------------------------------


def test_defensive_responses_are_distinct_and_ordered_by_first_date_then_vocabulary():
    result = analyse(
        ("received", "2026-01-05"),
        ("non_independent_investigator", "2026-02-01"),
        ("told_to_stop_raising", "2026-02-01"),
        ("reporter_asked_to_apologise", "2026-02-01"),
        ("grievance_against_reporter", "2026-01-20"),
        ("told_to_stop_raising", "2026-01-10"),
    )
    assert result["defensive_responses"] == [
        "told_to_stop_raising",
        "grievance_against_reporter",
        "reporter_asked_to_apologise",
        "non_independent_investigator",
    ]


RICH = [
    ("received", "2026-01-05"),
    ("received", "2026-02-11"),
    ("acknowledged", "2026-01-20"),
    ("assessed", "2026-01-21"),
    ("investigation_opened", "2026-02-01"),
    ("internal_review_instead_of_referral", "2026-02-01"),
    ("reporter_asked_to_apologise", "2026-03-01"),
    ("told_to_stop_raising", "2026-03-01"),
    ("grievance_against_reporter", "2026-02-15"),
    ("protective_action", "2026-04-01"),
    ("external_referral", "2026-03-20", {"to": "police"}),
    ("feedback_given", "2026-06-01"),
    ("feedback_given", "2026-05-01"),
    ("concluded", "2026-07-01", {"outcome": "substantiated"}),
    ("detriment_check", "2026-10-02"),
    ("subject_returned_before_outcome", "2026-02-15"),
]


@settings(max_examples=60, deadline=None)
@given(st.permutations(RICH))
def test_shuffled_events_give_identical_output(events):
    base = case(*RICH, risk=True)
    shuffled = case(*events, risk=True)
    for as_of in (D("2026-01-06"), D("2026-04-30"), D("2027-12-31")):
        assert analyse_case(shuffled, as_of) == analyse_case(base, as_of)
        assert next_clock(shuffled, as_of) == next_clock(base, as_of)
    assert deadlines(shuffled) == deadlines(base)
    assert analyse_case(base, D("2027-01-01")) == {
        "days_to_acknowledge": 15,
        "days_to_feedback": 116,
        "days_to_protection": 74,
        "breaches": ["acknowledge_late", "feedback_late", "protection_late"],
        "defensive_responses": [
            "internal_review_instead_of_referral",
            "grievance_against_reporter",
            "subject_returned_before_outcome",
            "reporter_asked_to_apologise",
            "told_to_stop_raising",
        ],
    }


event_types = st.sampled_from(EVENT_TYPES)


@st.composite
def random_cases(draw):
    received = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)))
    offsets = draw(st.lists(st.tuples(event_types, st.integers(0, 800)), max_size=15))
    events = [Event("received", received)] + [
        Event(t, received + timedelta(days=o)) for t, o in offsets
    ]
    return Case("X", draw(st.booleans()), events), draw(st.randoms(use_true_random=False))


@settings(max_examples=150, deadline=None)
@given(random_cases(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_invariants_on_random_cases(drawn, as_of):
    base, rng = drawn
    result = analyse_case(base, as_of)
    shuffled = list(base.events)
    rng.shuffle(shuffled)
    assert analyse_case(Case("X", base.risk_of_harm, shuffled), as_of) == result
    assert result["breaches"] == [b for b in BREACHES if b in result["breaches"]]
    if not base.risk_of_harm:
        assert "protection_late" not in result["breaches"]
    for key in ("days_to_acknowledge", "days_to_feedback", "days_to_protection"):
        assert result[key] is None or result[key] >= 0
    assert len(set(result["defensive_responses"])) == len(result["defensive_responses"])
    assert set(result["defensive_responses"]) <= set(DEFENSIVE_RESPONSES)


# --- parse_cases and analyse_cases ------------------------------------------------------


def good(id="A", **extra) -> dict:
    return {"id": id, "events": [{"type": "received", "date": "2026-01-05"}], **extra}


def problems(data) -> list[str]:
    with pytest.raises(CaseDataError) as caught:
        parse_cases(data)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def with_event(event: dict, id="A") -> list[dict]:
    return [{"id": id, "events": [{"type": "received", "date": "2026-01-05"}, event]}]


def test_parse_keeps_details_and_extra_keys_and_defaults_risk_to_false():
    [parsed] = parse_cases(
        [
            {
                "id": 7,
                "category": "patient_safety",
                "events": [
                    {"type": "received", "date": "2026-01-05", "note": "n"},
                    {"type": "external_referral", "date": "2026-01-06", "to": "police"},
                    {"type": "external_referral", "date": "2026-01-07"},
                ],
            }
        ]
    )
    assert parsed.id == 7 and parsed.risk_of_harm is False
    assert parsed.extra == {"category": "patient_safety"}
    assert parsed.events[0] == Event("received", D("2026-01-05"), {"note": "n"})
    assert parsed.events[1].detail == {"to": "police"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"id": 1}, "The cases must be a list of case objects, not an object."),
        ("cases", "The cases must be a list of case objects, not a string."),
        ([["x"]], "Case 1: is not an object (found a list)."),
        ([good(), 5], "Case 2: is not an object (found a number)."),
        ([{"events": [{"type": "received", "date": "2026-01-05"}]}], "Case 1: has no id."),
        ([good(id=[1])], "Case 1: the id must be a string or a whole number, not a list."),
        ([good(id=True)], "Case 1: the id must be a string or a whole number, not true/false."),
        ([good(id="  ")], "Case 1: the id is empty."),
        ([good(), good()], "Case 2 (id 'A'): the id is the same as case 1's."),
        (
            [good(id=1), good(id="B"), good(id="1")],
            "Case 3 (id '1'): the id is the same as case 1's.",
        ),
        (
            [good(risk_of_harm="yes")],
            "Case 1 (id 'A'): risk_of_harm must be true or false, not a string ('yes').",
        ),
        (
            [good(risk_of_harm=1)],
            "Case 1 (id 'A'): risk_of_harm must be true or false, not a number (1).",
        ),
        ([{"id": "A"}], "Case 1 (id 'A'): has no events list."),
        ([{"id": 9, "events": {}}], "Case 1 (id 9): events must be a list, not an object."),
        (
            with_event("acknowledged"),
            "Case 1 (id 'A'), event 2: is not an object (found a string).",
        ),
        (with_event({"date": "2026-01-06"}), "Case 1 (id 'A'), event 2: has no type."),
        (with_event({"type": "received"}), "Case 1 (id 'A'), event 2: has no date."),
        (with_event({"type": "received", "date": None}), "Case 1 (id 'A'), event 2: has no date."),
        (
            with_event({"type": "acknowledged", "date": "2026/01/06"}),
            "Case 1 (id 'A'), event 2: the date '2026/01/06' is not in the form YYYY-MM-DD.",
        ),
        (
            with_event({"type": "acknowledged", "date": "20260106"}),
            "Case 1 (id 'A'), event 2: the date '20260106' is not in the form YYYY-MM-DD.",
        ),
        (
            with_event({"type": "acknowledged", "date": "2026-01-06T10:00"}),
            "Case 1 (id 'A'), event 2: the date '2026-01-06T10:00' is not in the form YYYY-MM-DD.",
        ),
        (
            with_event({"type": "acknowledged", "date": 20260106}),
            "Case 1 (id 'A'), event 2: the date must be a string in the form YYYY-MM-DD, not a number.",
        ),
        (
            with_event({"type": "acknowledged", "date": "2026-02-30"}),
            "Case 1 (id 'A'), event 2: the date '2026-02-30' is not a real date.",
        ),
        (
            with_event({"type": "acknowledged", "date": "2025-02-29"}),
            "Case 1 (id 'A'), event 2: the date '2025-02-29' is not a real date.",
        ),
        (
            [{"id": "A", "events": [{"type": "acknowledged", "date": "2026-01-06"}]}],
            "Case 1 (id 'A'): has no 'received' event.",
        ),
        ([{"id": "A", "events": []}], "Case 1 (id 'A'): has no 'received' event."),
        (
            with_event({"type": "acknowledged", "date": "2026-01-04"}),
            "Case 1 (id 'A'), event 2: dated 2026-01-04, before the concern was received (2026-01-05).",
        ),
        (
            with_event({"type": "external_referral", "date": "2026-01-06", "to": "council"}),
            "Case 1 (id 'A'), event 2: 'to' must be one of police, safeguarding_authority, regulator, "
            "other, not 'council'.",
        ),
        (
            with_event({"type": "concluded", "date": "2026-01-06", "outcome": "upheld"}),
            "Case 1 (id 'A'), event 2: 'outcome' must be one of substantiated, partly_substantiated, "
            "not_substantiated, closed_without_investigation, not 'upheld'.",
        ),
    ],
)
def test_every_case_data_error_message(data, expected):
    assert problems(data) == [expected]


def test_unknown_event_type_message_lists_the_vocabulary():
    [message] = problems(with_event({"type": "phoned", "date": "2026-01-06"}))
    assert message.startswith(
        "Case 1 (id 'A'), event 2: unknown event type 'phoned'; "
        "expected one of received, acknowledged,"
    )
    assert message.endswith("non_independent_investigator.")
    [message] = problems(with_event({"type": 3, "date": "2026-01-06"}))
    assert "unknown event type a number;" in message


def test_every_problem_is_reported_at_once():
    found = problems(
        [
            good(risk_of_harm="no"),
            "x",
            {
                "id": "C",
                "events": [
                    {"type": "received", "date": "2026-13-01"},
                    {"type": "odd", "date": "2026-01-01"},
                ],
            },
            {
                "id": "D",
                "events": [
                    {"type": "received", "date": "2026-01-05"},
                    {"type": "detriment_check", "date": "2025-12-31"},
                    {"type": "acknowledged", "date": "2025-01-01"},
                ],
            },
        ]
    )
    assert found == [
        "Case 1 (id 'A'): risk_of_harm must be true or false, not a string ('no').",
        "Case 2: is not an object (found a string).",
        "Case 3 (id 'C'), event 1: the date '2026-13-01' is not a real date.",
        "Case 3 (id 'C'), event 2: unknown event type 'odd'; expected one of "
        + ", ".join(EVENT_TYPES)
        + ".",
        "Case 4 (id 'D'), event 2: dated 2025-12-31, before the concern was received (2026-01-05).",
        "Case 4 (id 'D'), event 3: dated 2025-01-01, before the concern was received (2026-01-05).",
    ]


def test_an_event_before_the_earliest_received_is_refused_even_when_another_received_is_earlier():
    data = [
        {
            "id": "A",
            "events": [
                {"type": "received", "date": "2026-01-10"},
                {"type": "acknowledged", "date": "2026-01-07"},
                {"type": "received", "date": "2026-01-05"},
            ],
        }
    ]
    assert parse_cases(data)[0].events[1].date == D("2026-01-07")  # after 5 Jan: fine


def test_analyse_cases_keys_by_string_id_in_input_order():
    data = [good(id="b"), good(id="a", risk_of_harm=True), good(id=3)]
    result = analyse_cases(data, D("2026-01-06"))
    assert list(result) == ["b", "a", "3"]
    assert result["a"] == analyse_case(parse_cases(data)[1], D("2026-01-06"))
    with pytest.raises(CaseDataError):
        analyse_cases([good(id="b"), good(id="b")], D("2026-01-06"))


def test_analysing_a_case_with_no_received_event_raises():
    with pytest.raises(CaseDataError, match="has no 'received' event"):
        analyse_case(Case("Z", False, [Event("acknowledged", D("2026-01-01"))]), D("2026-02-01"))


# --- next_clock -------------------------------------------------------------------------


def test_next_clock_on_a_fresh_case_is_the_acknowledgement():
    fresh = case(("received", "2026-01-05"))
    assert next_clock(fresh, D("2026-01-06")) == (CLOCK_LABELS["acknowledge"], D("2026-01-12"))


def test_next_clock_prefers_the_nearest_deadline():
    risky = case(("received", "2026-04-02"), risk=True)
    assert next_clock(risky, D("2026-04-02")) == (CLOCK_LABELS["protection"], D("2026-04-07"))
    acked = case(
        ("received", "2026-04-02"),
        ("acknowledged", "2026-04-03"),
        ("protective_action", "2026-04-03"),
        risk=True,
    )
    assert next_clock(acked, D("2026-04-10")) == (CLOCK_LABELS["feedback"], D("2026-07-03"))


def test_next_clock_puts_overdue_clocks_first():
    stale = case(("received", "2025-01-06"))
    assert next_clock(stale, D("2026-01-01")) == (CLOCK_LABELS["acknowledge"], D("2025-01-13"))


def test_next_clock_ignores_events_after_today_and_cases_not_yet_received():
    future_ack = case(("received", "2026-01-05"), ("acknowledged", "2026-01-08"))
    assert next_clock(future_ack, D("2026-01-06")) == (CLOCK_LABELS["acknowledge"], D("2026-01-12"))
    assert next_clock(case(("received", "2026-01-05")), D("2026-01-04")) is None


def test_next_clock_runs_the_detriment_checks_after_conclusion():
    done = (
        ("received", "2025-08-01"),
        ("acknowledged", "2025-08-02"),
        ("feedback_given", "2025-10-01"),
        ("concluded", "2025-11-30", {"outcome": "not_substantiated"}),
    )
    three = detriment_check_label(3)
    twelve = detriment_check_label(12)
    assert three == "Detriment check (3 months after conclusion)"
    assert next_clock(case(*done), D("2025-12-10")) == (three, D("2026-02-28"))
    early = case(*done, ("detriment_check", "2026-02-20"))
    assert next_clock(early, D("2026-03-05")) == (three, D("2026-02-28"))  # too early to count
    checked = case(*done, ("detriment_check", "2026-03-02"))
    assert next_clock(checked, D("2026-03-05")) == (twelve, D("2026-11-30"))
    both = case(*done, ("detriment_check", "2026-03-02"), ("detriment_check", "2026-12-01"))
    assert next_clock(both, D("2027-01-01")) is None
    one_late_check = case(*done, ("detriment_check", "2026-12-01"))
    assert next_clock(one_late_check, D("2027-01-01")) is None  # one check after both dates
    custom = ClockPolicy(detriment_check_months=(6,))
    assert next_clock(case(*done), D("2025-12-10"), custom) == (
        detriment_check_label(6),
        D("2026-05-30"),
    )


def test_next_clock_after_conclusion_keeps_only_feedback_and_detriment_checks():
    closed = case(("received", "2026-01-05"), risk=True)
    closed.events.append(
        Event("concluded", D("2026-01-06"), {"outcome": "closed_without_investigation"})
    )
    assert is_closed(closed)
    # no acknowledgement or protection clock once closed; the 3-month check (6 Apr) comes
    # before feedback (12 Apr: 3 months after the end of the 7 days)
    assert next_clock(closed, D("2026-01-07")) == (detriment_check_label(3), D("2026-04-06"))
    closed.events.append(Event("detriment_check", D("2026-04-07")))
    assert next_clock(closed, D("2026-04-08")) == (CLOCK_LABELS["feedback"], D("2026-04-12"))
    closed.events.append(Event("reopened", D("2026-04-08")))
    assert not is_closed(closed)
    assert next_clock(closed, D("2026-04-09")) == (CLOCK_LABELS["protection"], D("2026-01-06"))


# --- the fictional composite case -------------------------------------------------------


@pytest.mark.parametrize("today", [D("2026-03-15"), D("2028-02-29"), D("2025-12-31")])
def test_composite_case(today):
    data = composite_case(today)
    assert data["title"] == COMPOSITE_TITLE == "Fictional composite case (not a real case)"
    assert data["note"].startswith(COMPOSITE_TITLE)
    [parsed] = parse_cases([data])
    assert all(e.date <= today for e in parsed.events)
    received = sorted(e.date for e in parsed.events if e.type == "received")
    assert len(received) >= 3  # concerns raised repeatedly
    [police] = [e for e in parsed.events if e.type == "external_referral"]
    assert police.detail["to"] == "police"
    assert 660 <= (police.date - received[0]).days <= 760  # about two years
    result = analyse_case(parsed, today)
    assert result["breaches"] == ["acknowledge_late", "feedback_late", "protection_late"]
    assert result["defensive_responses"] == [
        "internal_review_instead_of_referral",
        "grievance_against_reporter",
        "told_to_stop_raising",
        "reporter_asked_to_apologise",
        "subject_returned_before_outcome",
    ]
    returned = next(e.date for e in parsed.events if e.type == "subject_returned_before_outcome")
    assert returned < police.date and not any(e.type == "concluded" for e in parsed.events)


def test_composite_case_text_is_generic():
    text = json.dumps(composite_case(D("2026-03-15"))).lower()
    for word in ("chester", "letby", "neonatal", "baby", "babies", "nhs", "hospital"):
        assert word not in text
