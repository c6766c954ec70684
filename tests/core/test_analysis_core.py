"""The case analysis's pure core: each step's checks, the pre-fill from a library inquiry,
the worked example, and the timeline's geometry."""

from __future__ import annotations

import datetime as dt

import pytest

from echoorg.core.analysis.example import worked_example
from echoorg.core.analysis.prefill import facts_from_inquiry, stages_from_inquiry
from echoorg.core.analysis.steps import (
    MAX_EVENTS,
    STEP_KEYS,
    AnalysisError,
    clean_step,
    empty_step,
    next_step,
)
from echoorg.core.analysis.timeline import AXIS_Y, LEFT, RIGHT, layout
from echoorg.core.library.shipped import library


def test_every_step_starts_blank_and_a_blank_step_is_accepted():
    for key in STEP_KEYS:
        assert clean_step(key, empty_step(key)) == empty_step(key)


def test_events_are_kept_in_date_order_with_their_precision():
    data = {
        "summary": " A case. ",
        "events": [
            {"date": "2020-05-01", "kind": "harm", "description": "Later"},
            {"date": "2019-01-01", "precision": "year", "kind": "warning", "description": "Early"},
        ],
    }
    cleaned = clean_step("facts", data)
    assert cleaned["summary"] == "A case."
    assert [e["description"] for e in cleaned["events"]] == ["Early", "Later"]
    assert cleaned["events"][0]["precision"] == "year"
    assert cleaned["events"][1]["precision"] == "day"


@pytest.mark.parametrize(
    ("key", "data", "names"),
    [
        (
            "facts",
            {"events": [{"date": "2020-13-01", "kind": "harm", "description": "x"}]},
            "events[0].date",
        ),
        (
            "facts",
            {"events": [{"date": "1800-01-01", "kind": "harm", "description": "x"}]},
            "events[0].date",
        ),
        (
            "facts",
            {"events": [{"date": "2020-01-01", "kind": "gossip", "description": "x"}]},
            "events[0].kind",
        ),
        (
            "facts",
            {"events": [{"date": "2020-01-01", "kind": "harm", "description": " "}]},
            "events[0].description",
        ),
        ("facts", {"events": "not a list"}, "events"),
        ("facts", {"summary": "x" * 10_001}, "summary"),
        ("facts", {"summary": "nul\x00"}, "summary"),
        ("risk", {"most_at_risk": 5}, "most_at_risk"),
        ("risk", {"who": "extra field"}, "who"),
        ("systems", {"stages": [{"period": "A", "dominant": "anger"}]}, "stages[0].dominant"),
        (
            "systems",
            {
                "stages": [
                    {
                        "period": "A",
                        "dominant": "threat",
                        "starts": "2021-01-02",
                        "ends": "2021-01-01",
                    }
                ]
            },
            "stages[0].ends",
        ),
        ("responses", {"defensive": ["acknowledged"]}, "defensive[0]"),
        ("responses", {"protective": ["reporter_asked_to_apologise"]}, "protective[0]"),
        (
            "actions",
            {"actions": [{"action": "Do it", "owner": "", "due": "2027-01-01"}]},
            "actions[0].owner",
        ),
        (
            "actions",
            {"actions": [{"action": "Do it", "owner": "Me", "due": "01/02/2027"}]},
            "actions[0].due",
        ),
        ("nonsense", {}, "step"),
    ],
)
def test_bad_input_is_refused_naming_the_field(key, data, names):
    with pytest.raises(AnalysisError) as refused:
        clean_step(key, data)
    assert str(refused.value).startswith(names + ":"), str(refused.value)


def test_too_many_events_are_refused():
    events = [{"date": "2020-01-01", "kind": "harm", "description": "x"}] * (MAX_EVENTS + 1)
    with pytest.raises(AnalysisError, match="at most 200"):
        clean_step("facts", {"events": events})


def test_responses_use_the_concerns_vocabulary_in_its_order():
    cleaned = clean_step(
        "responses",
        {
            "defensive": [
                "told_to_stop_raising",
                "reporter_asked_to_apologise",
                "told_to_stop_raising",
            ]
        },
    )
    assert cleaned["defensive"] == ["reporter_asked_to_apologise", "told_to_stop_raising"]


def test_resuming_goes_to_the_first_step_not_saved():
    assert next_step([]) == "facts"
    assert next_step(["facts", "risk"]) == "systems"
    assert next_step(list(STEP_KEYS)) == "actions"


def test_an_inquiry_prefills_every_event_with_its_source_and_date():
    case = library().case("countess-of-chester")
    facts = clean_step("facts", facts_from_inquiry(case))
    assert len(facts["events"]) == len(case.events)
    first = case.events[0]
    assert facts["events"][0]["date"] == first.start.isoformat()
    assert facts["events"][0]["precision"] == first.precision
    assert first.sources[0].title in facts["events"][0]["description"]
    stages = clean_step("systems", stages_from_inquiry(case))
    assert [s["period"] for s in stages["stages"]] == [s.period for s in case.three_systems.stages]
    # The library's reading is not copied: the leader writes their own.
    assert all(s["reading"] == "" and s["dominant"] == "unclear" for s in stages["stages"])


def test_the_worked_example_is_complete_valid_and_says_it_is_fictional():
    example = worked_example(dt.date(2026, 11, 29))
    assert "fictional" in example["title"].lower() and "fictional" in example["note"].lower()
    for key in STEP_KEYS:
        cleaned = clean_step(key, example["steps"][key])
        assert any(cleaned.values()), key
    responses = example["steps"]["responses"]
    assert "reporter_asked_to_apologise" in responses["defensive"]
    assert len(responses["defensive"]) == 5
    # Its timeline is the demo composite's: concern first, police referral last.
    events = example["steps"]["facts"]["events"]
    assert events[0]["kind"] == "concern_raised" and events[-1]["kind"] == "decisive_action"


def test_the_timeline_places_concerns_above_responses_below_and_stacks_close_marks():
    events = [
        {"date": "2015-06-01", "kind": "concern_raised"},
        {"date": "2015-06-02", "kind": "concern_raised"},
        {"date": "2016-01-01", "kind": "response_defensive"},
        {"date": "2017-05-01", "kind": "decisive_action"},
        {"date": "2023-08-01", "kind": "finding"},
        {"date": "not a date", "kind": "harm"},
    ]
    stages = [{"starts": "2015-06-01", "ends": "2016-06-01", "dominant": "threat"}]
    drawn = layout(events, stages)
    by_index = {m.index: m for m in drawn.marks}
    assert 5 not in by_index  # undated: in the table only
    assert by_index[0].y < AXIS_Y and by_index[2].y > AXIS_Y and by_index[4].y == AXIS_Y
    assert by_index[1].y < by_index[0].y  # stacked above its neighbour
    assert all(LEFT <= m.x <= RIGHT for m in drawn.marks)
    assert xs_increase([by_index[i].x for i in (0, 2, 3, 4)])
    (band,) = drawn.bands
    assert band.dominant == "threat" and band.x == by_index[0].x
    assert [t.label for t in drawn.ticks][:2] == ["2015", "2016"]


def test_a_short_case_gets_month_ticks_and_nothing_dated_gives_an_empty_layout():
    drawn = layout(
        [{"date": "2026-01-10", "kind": "warning"}, {"date": "2026-06-10", "kind": "harm"}]
    )
    assert drawn.ticks[0].label == "Jan 2026"
    empty = layout([{"date": "", "kind": "harm"}])
    assert empty.first is None and not empty.marks


def xs_increase(xs: list[float]) -> bool:
    return all(a < b for a, b in zip(xs, xs[1:], strict=False))
