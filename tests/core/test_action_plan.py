"""What may be published to staff of a wave's results, and a plan's progress
(echoorg.core.diagnostic.action_plan): plain Python, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from echoorg.core.diagnostic.action_plan import (
    OrganisationFigures,
    organisation_figures,
    plan_progress,
)

SCALES = [("threat", "Threat"), ("drive", "Drive"), ("soothing", "Soothing"), ("voice", "Voice")]
PROFILE = [
    "mixed",
    "Mixed.",
    [["threat", 2.6, 30.0], ["drive", 3.4, 34.0], ["soothing", 3.2, 33.0]],
]


def test_a_shown_row_publishes_its_figures_and_keeps_withheld_ones_withheld():
    figures = organisation_figures(
        True,
        120,
        {"threat": 2.6, "drive": 3.4, "soothing": 3.2, "voice": None},
        {"threat": 118, "drive": 119, "soothing": 120, "voice": 4},
        SCALES,
        PROFILE,
    )
    assert figures.shown and figures.n == 120
    assert [(s.id, s.mean, s.n) for s in figures.scales] == [
        ("threat", 2.6, 118),
        ("drive", 3.4, 119),
        ("soothing", 3.2, 120),
        ("voice", None, None),  # the count of a withheld scale is withheld too
    ]
    assert figures.profile == PROFILE


def test_a_row_that_is_not_shown_publishes_nothing_whatever_it_holds():
    figures = organisation_figures(
        False, 4, {"threat": 2.0, "drive": 3.0}, {"threat": 4, "drive": 4}, SCALES, PROFILE
    )
    assert not figures.shown and figures.n is None and figures.profile is None
    assert all(s.mean is None and s.n is None for s in figures.scales)


def test_no_profile_is_published_when_one_of_the_three_systems_is_withheld():
    figures = organisation_figures(
        True,
        40,
        {"threat": 2.6, "drive": None, "soothing": 3.2},
        {"threat": 40, "drive": None, "soothing": 40},
        SCALES,
        PROFILE,
    )
    assert figures.profile is None


def test_figures_survive_their_json_form():
    figures = organisation_figures(
        True, 50, {"threat": 2.5, "voice": 3.0}, {"threat": 50, "voice": 49}, SCALES, None
    )
    assert OrganisationFigures.from_json(figures.to_json()) == figures


def test_progress_counts_each_status_and_what_is_overdue():
    today = dt.date(2027, 2, 1)
    progress = plan_progress(
        [
            ("done", dt.date(2027, 1, 1)),  # done late: not overdue
            ("planned", dt.date(2027, 1, 31)),  # overdue
            ("in_progress", dt.date(2027, 2, 1)),  # due today: not yet overdue
            ("planned", dt.date(2027, 3, 1)),
        ],
        today,
    )
    assert (progress.planned, progress.in_progress, progress.done, progress.overdue) == (2, 1, 1, 1)
    assert progress.sentence == "1 of 4 actions done, 1 in progress, 1 past their due date."
    assert plan_progress([], today).sentence == "No actions yet."
    assert plan_progress([("done", today)], today).sentence == "1 of 1 action done, 0 in progress."


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown action status 'abandoned'"):
        plan_progress([("abandoned", dt.date(2027, 1, 1))], dt.date(2027, 1, 1))
