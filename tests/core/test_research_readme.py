"""The researchers' zip README and the reliability verdicts, moved to the core (issue 9)."""

from __future__ import annotations

import math

import pytest

from echoorg.core.diagnostic.kanonymity import WITHHELD, KAnonymousRows
from echoorg.core.diagnostic.psychometrics import reliability_verdict, three_decimals
from echoorg.core.diagnostic.research_readme import rows_readme


def _release(**extra) -> KAnonymousRows:
    return KAnonymousRows(
        units=[1, 2], audiences=["staff", "staff"], background=[(), ()], kept=[0, 1], **extra
    )


def test_the_readme_names_the_files_and_the_scoring_command():
    text = rows_readme("Spring 2026", "echo-culture-v1@1", 5, _release())
    assert text.startswith('De-identified responses of "Spring 2026" (echo-culture-v1@1).')
    for name in ("responses.csv", "background.csv", "units.csv"):
        assert name in text
    assert "--instrument echo-culture-v1@1" in text
    assert "--min-group 5" in text


def test_the_k_anonymous_note_says_what_was_done():
    release = _release(units_generalised=3, withheld={"age": 2}, rows_left_out=0)
    text = rows_readme("W", "i@1", 7, release)
    assert "Variant: K-ANONYMOUS (k = 7)" in text
    assert "- 3 rows report an enclosing unit instead of their own;" in text
    assert "- 2 rows have their answer to 'age' withheld;" in text
    assert "left out" not in text
    assert f'Withheld answers read "{WITHHELD}"' in text


def test_it_says_when_rows_are_left_out():
    text = rows_readme("W", "i@1", 5, _release(rows_left_out=4))
    assert "- 4 rows are left out: the wave has fewer than 5 responses;" in text


def test_full_rows_name_the_agreement_and_no_k_anonymous_note():
    text = rows_readme("W", "i@1", 5, _release(), agreement_reference="DSA-2026-07")
    assert "Variant: FULL ROWS" in text
    assert 'data-sharing agreement "DSA-2026-07"' in text
    assert "K-ANONYMOUS" not in text


@pytest.mark.parametrize(
    ("alpha", "verdict"),
    [
        (0.91, "Good enough for team feedback (0.80 or more)"),
        (0.80, "Good enough for team feedback (0.80 or more)"),
        (0.79, "Good enough for research use (0.70 to 0.79)"),
        (0.70, "Good enough for research use (0.70 to 0.79)"),
        (0.69, "Below 0.70: read with caution"),
        (-0.2, "Below 0.70: read with caution"),
        (math.nan, "Too few complete answers to estimate"),
        (None, "Too few complete answers to estimate"),
    ],
)
def test_each_alpha_gets_its_verdict(alpha, verdict):
    assert reliability_verdict(alpha) == verdict


def test_coefficients_show_three_decimals_or_nothing():
    assert three_decimals(0.81234) == "0.812"
    assert three_decimals(math.nan) is None
    assert three_decimals(None) is None
