"""The three-systems chart's geometry and the reflection's starting text."""

from __future__ import annotations

import pytest

from echoorg.core.scenarios.reflection import ChoiceLine, prefill
from echoorg.core.scenarios.trajectory import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    marker_path,
    trajectory_chart,
)


def _step(t: int, d: int, s: int) -> dict[str, int]:
    return {"threat": t, "drive": d, "soothing": s, "safety": 0}


def test_points_spread_across_the_plot_and_rise_with_the_value():
    chart = trajectory_chart([_step(0, 5, 10), _step(10, 5, 0), _step(5, 5, 5)])
    threat = next(s for s in chart.series if s.system == "threat")
    assert [p.x for p in threat.points] == [LEFT, (LEFT + WIDTH - RIGHT) / 2, WIDTH - RIGHT]
    assert threat.points[0].y == HEIGHT - BOTTOM  # 0 at the bottom
    assert threat.points[1].y == TOP  # 10 at the top
    assert threat.points[2].y == pytest.approx((HEIGHT - BOTTOM + TOP) / 2)
    assert [t.label for t in chart.x_ticks] == ["Start", "1", "2"]
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]


def test_out_of_range_values_are_drawn_at_the_edge():
    chart = trajectory_chart([_step(-3, 14, 5)])
    threat, drive, _ = chart.series
    assert threat.points[0].y == HEIGHT - BOTTOM and threat.points[0].value == 0
    assert drive.points[0].y == TOP and drive.points[0].value == 10


def test_each_system_differs_by_more_than_colour():
    chart = trajectory_chart([_step(1, 2, 3)])
    assert len({(s.dash, s.marker) for s in chart.series}) == 3
    assert all(marker_path(s.marker, 10, 10).startswith("M") for s in chart.series)


def test_a_trajectory_needs_a_start():
    with pytest.raises(ValueError):
        trajectory_chart([])
    with pytest.raises(ValueError):
        marker_path("hexagon", 0, 0)


def test_the_reflection_text_lists_each_choice_in_order_with_its_patterns():
    text = prefill(
        "A ward",
        [ChoiceLine(1, "Walk the ward", ("Professional curiosity",)), ChoiceLine(2, "Wait", ())],
        "Care improved, but late",
        True,
    )
    lines = text.splitlines()
    assert lines[0] == "Scenario: A ward (a fictional composite)"
    assert "1. Walk the ward [Professional curiosity]" in lines
    assert "2. Wait" in lines
    assert "Where it ended: Care improved, but late" in lines
    unfinished = prefill("A ward", [], "", False)
    assert "(none yet)" in unfinished and "I have not finished" in unfinished
