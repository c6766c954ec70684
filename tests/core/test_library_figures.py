"""Figures derived from a timeline, checked against hand-computed cases."""

from __future__ import annotations

import pytest

from echoorg.core.library.cases import parse_case
from echoorg.core.library.figures import (
    case_figures,
    share_defensive,
    warnings_before_protective,
    years_warning_to_action,
)
from echoorg.core.library.shipped import library

SOURCE = [{"title": "T", "publisher": "P", "date": "2026"}]


def _case(*events: tuple[str, str, str]):
    """A minimal valid case from (date, precision, kind) triples."""
    return parse_case(
        {
            "id": "hand",
            "title": "Hand-made",
            "sector": "health",
            "as_of": "2026-01-01",
            "summary": "A case made by hand for the tests.",
            "events": [
                {
                    "id": f"e{n}",
                    "date": date,
                    "precision": precision,
                    "actor": "Board",
                    "kind": kind,
                    "description": "Something happened.",
                    "sources": SOURCE,
                }
                for n, (date, precision, kind) in enumerate(events)
            ],
            "codes": [{"code": "hubris", "events": ["e0"]}],
            "three_systems": {
                "note": "interpretation",
                "stages": [{"period": "all", "dominant": "threat", "reading": "r"}],
            },
            "questions": ["Why?"],
        },
        {"hubris"},
    )


def test_years_from_first_warning_to_decisive_action_by_hand():
    # 2010-01-01 to 2012-07-01 is 912 days; 912 / 365.25 = 2.4969 -> 2.5.
    case = _case(
        ("2012-07-01", "day", "decisive_action"),
        ("2010-01-01", "day", "warning"),
        ("2011-03-01", "day", "concern_raised"),
    )
    assert years_warning_to_action(case) == 2.5


def test_month_and_year_dates_count_from_their_middle():
    # A warning in "2000" counts as 2000-07-01; action in "2003-01" as 2003-01-15:
    # 928 days / 365.25 = 2.54 -> 2.5.
    case = _case(("2000", "year", "warning"), ("2003-01", "month", "decisive_action"))
    assert years_warning_to_action(case) == 2.5


def test_decisive_action_before_any_warning_does_not_count():
    case = _case(("2001-01-01", "day", "decisive_action"), ("2002-01-01", "day", "warning"))
    assert years_warning_to_action(case) is None
    assert years_warning_to_action(_case(("2001-01-01", "day", "harm"))) is None


def test_warnings_before_the_first_protective_response_by_hand():
    case = _case(
        ("2001-01-01", "day", "warning"),
        ("2001-02-01", "day", "concern_raised"),
        ("2001-03-01", "day", "response_defensive"),
        ("2001-04-01", "day", "escalation"),  # not a warning
        ("2001-05-01", "day", "warning"),
        ("2001-06-01", "day", "response_protective"),
        ("2001-07-01", "day", "warning"),  # after: not counted
    )
    assert warnings_before_protective(case) == 3
    figures = case_figures(case)
    assert figures.protective_response_recorded
    assert (figures.defensive_responses, figures.protective_responses) == (1, 1)
    assert figures.share_defensive == 0.5


def test_without_a_protective_response_every_warning_counts():
    case = _case(("2001", "year", "warning"), ("2002", "year", "warning"))
    assert warnings_before_protective(case) == 2
    assert not case_figures(case).protective_response_recorded


def test_share_defensive_by_hand_and_none_without_responses():
    case = _case(
        ("2001-01-01", "day", "response_defensive"),
        ("2001-02-01", "day", "response_defensive"),
        ("2001-03-01", "day", "response_defensive"),
        ("2001-04-01", "day", "response_protective"),
    )
    assert share_defensive(case) == pytest.approx(0.75)
    assert share_defensive(_case(("2001", "year", "warning"))) is None


def test_the_shipped_mid_staffordshire_figures_by_hand():
    # First warning 2001 (-> 2001-07-01); decisive action: the Healthcare Commission's
    # investigation, 2008-03-18. 2,452 days / 365.25 = 6.71 -> 6.7 years.
    figures = case_figures(library().case("mid-staffordshire"))
    assert figures.first_warning.id == "pcg_concerns"
    assert figures.decisive_action.id == "hcc_investigation"
    assert figures.years_warning_to_action == 6.7
    # No protective response is recorded: the six warnings and concerns all count.
    assert not figures.protective_response_recorded
    assert figures.warnings_before_protective == 6
    assert figures.share_defensive == 1.0
