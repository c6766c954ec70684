"""Small multiples of trends across waves: the geometry each scale's chart is drawn from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic.trends import (
    HEIGHT,
    NEUTRAL_COLOUR,
    TOP,
    ScaleSeries,
    scale_colour,
    short_label,
    signed_change,
    small_chart,
    small_multiples,
    value_ticks,
)

WAVES = ["Spring 2025", "Autumn 2025", "Spring 2026", "Autumn 2026"]


def series(scale_id, values, reason="fewer than 5 people answered"):
    return ScaleSeries(
        scale_id,
        scale_id.replace("_", " ").capitalize(),
        tuple(values),
        tuple("" if v is not None else reason for v in values),
    )


def test_the_three_systems_keep_their_colours_and_other_scales_are_neutral():
    assert scale_colour("threat") == "#b3261e"
    assert scale_colour("drive") == "#1d4f91"
    assert scale_colour("soothing") == "#1e6b3a"
    assert scale_colour("psych_safety") == scale_colour("hubris_self") == NEUTRAL_COLOUR


def test_every_chart_shares_the_response_scale_as_its_y_range():
    low_scale = series("threat", [1.2, 1.4, 1.3, 1.5])
    high_scale = series("drive", [4.6, 4.8, 4.7, 4.9])
    charts = small_multiples([low_scale, high_scale], WAVES, 1, 5)
    assert charts[0].y_ticks == charts[1].y_ticks
    assert [t.label for t in charts[0].y_ticks] == ["1", "2", "3", "4", "5"]
    # The same value sits at the same height in both charts, whatever each scale's range.
    top_tick = charts[0].y_ticks[-1].position
    assert top_tick == TOP == charts[1].y_ticks[-1].position
    both = small_multiples([series("a", [3.0] * 4), series("b", [3.0] * 4)], WAVES, 1, 5)
    assert both[0].points[0].y == both[1].points[0].y


def test_a_hidden_wave_has_no_point_and_no_line_through_it():
    chart = small_chart(series("soothing", [3.1, None, 3.4, 3.6]), WAVES, 1, 5)
    assert [p.wave for p in chart.points] == ["Spring 2025", "Spring 2026", "Autumn 2026"]
    assert [[p.wave for p in run] for run in chart.runs] == [
        ["Spring 2025"],
        ["Spring 2026", "Autumn 2026"],
    ]
    assert [(g.wave, g.reason) for g in chart.gaps] == [
        ("Autumn 2025", "fewer than 5 people answered")
    ]
    # The gap's marker stands where the wave is on the axis.
    assert chart.gaps[0].x == chart.x_ticks[1].position
    assert chart.notes == ("Autumn 2025: not shown (fewer than 5 people answered).",)
    assert "Autumn 2025 not shown (fewer than 5 people answered)" in chart.description


def test_the_description_gives_every_figure_and_the_change():
    chart = small_chart(series("threat", [3.0, 3.25, None, 2.75]), WAVES, 1, 5)
    assert chart.description == (
        "Threat, mean on a scale from 1 to 5: Spring 2025 3.00; Autumn 2025 3.25; "
        "Spring 2026 not shown (fewer than 5 people answered); Autumn 2026 2.75. "
        "Change from the first to the last wave shown: -0.25."
    )
    assert chart.latest == 2.75 and signed_change(chart.change) == "-0.25"


def test_a_scale_hidden_in_every_wave_has_no_latest_value_nor_change():
    chart = small_chart(series("psych_safety", [None, None]), WAVES[:2], 1, 5)
    assert chart.points == () and chart.runs == () and len(chart.gaps) == 2
    assert chart.latest is None and chart.change is None and signed_change(None) == ""
    assert "Change" not in chart.description


def test_one_wave_is_drawn_in_the_middle():
    chart = small_chart(series("drive", [3.5]), WAVES[:1], 1, 5)
    assert chart.points[0].x == pytest.approx((chart.plot_left + chart.plot_right) / 2, abs=0.1)
    assert chart.x_ticks[0].anchor == "middle" and chart.change is None


def test_only_the_first_and_last_waves_are_named_under_a_small_chart():
    chart = small_chart(series("drive", [3.0, 3.1, 3.2, 3.3]), WAVES, 1, 5)
    assert [t.label for t in chart.x_ticks] == ["Spring 2025", "", "", "Autumn 2026"]
    assert [t.anchor for t in (chart.x_ticks[0], chart.x_ticks[-1])] == ["start", "end"]
    long = small_chart(
        series("drive", [3.0, 3.1]), ["Whole-organisation pulse, spring", "Autumn"], 1, 5
    )
    assert long.x_ticks[0].label == "Whole-organisat…"
    assert short_label("Autumn") == "Autumn"


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 7, [1, 3, 5, 7]),
        (0, 10, [0, 2, 4, 6, 8, 10]),
        (0, 20, [0, 5, 10, 15, 20]),
        (1, 2, [1, 2]),
    ],
)
def test_value_ticks_stay_few_and_include_both_ends(low, high, ticks):
    assert value_ticks(low, high) == ticks


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="one value and one reason"):
        small_chart(series("drive", [3.0]), WAVES, 1, 5)
    with pytest.raises(ValueError, match="greater"):
        small_chart(series("drive", [3.0]), WAVES[:1], 5, 5)
    with pytest.raises(ValueError, match="greater"):
        value_ticks(3, 1)


@settings(deadline=None)  # the machine is shared: timing is not what this checks
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(min_value=1, max_value=5, allow_nan=False)),
        min_size=1,
        max_size=12,
    )
)
def test_every_wave_is_either_a_point_or_a_gap_inside_the_box(values):
    waves = [f"Wave {n}" for n in range(len(values))]
    chart = small_chart(series("threat", values), waves, 1, 5)
    assert len(chart.points) + len(chart.gaps) == len(values)
    assert sum(len(run) for run in chart.runs) == len(chart.points)
    for point in chart.points:
        assert chart.plot_left <= point.x <= chart.plot_right
        assert TOP <= point.y <= HEIGHT - 34
    # Runs never bridge a gap: each run's waves are consecutive.
    position = {w: i for i, w in enumerate(waves)}
    for run in chart.runs:
        indices = [position[p.wave] for p in run]
        assert indices == list(range(indices[0], indices[0] + len(indices)))


def test_wave_labels_drop_the_words_every_title_shares():
    from echoorg.core.diagnostic.trends import wave_labels

    titles = ["Culture survey, spring 2026", "Culture survey, autumn 2026"]
    assert wave_labels(titles) == ["spring 2026", "autumn 2026"]
    chart = small_chart(series("drive", [3.0, 3.1]), titles, 1, 5)
    assert [t.label for t in chart.x_ticks] == ["spring 2026", "autumn 2026"]
    # Titles that differ from the first word, one title, and titles that are all shared.
    assert wave_labels(["Spring", "Autumn"]) == ["Spring", "Autumn"]
    assert wave_labels(["Culture survey, spring 2026"]) == ["Culture survey,…"]
    assert wave_labels(["Pulse", "Pulse"]) == ["Pulse", "Pulse"]
    assert wave_labels(["Pulse one", "Pulse"]) == ["Pulse one", "Pulse"]


def test_hidden_labels_at_the_ends_run_inwards():
    chart = small_chart(series("drive", [None, 3.0, None]), WAVES[:3], 1, 5)
    assert [g.anchor for g in chart.gaps] == ["start", "end"]
