from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from echoorg.core.diagnostic.profile import PATTERNS, classify, three_systems


@pytest.mark.parametrize(
    ("threat", "drive", "soothing", "pattern"),
    [
        (4.0, 3.0, 2.5, "threat-dominant"),
        (3.5, 3.0, 3.0, "threat-dominant"),
        (3.4, 2.0, 2.0, "mixed"),  # threat below 3.5
        (3.0, 3.4, 2.4, "soothing-depleted"),
        (2.5, 4.0, 3.2, "drive-led"),
        (2.6, 3.1, 3.3, "balanced"),
        (2.4, 3.1, 3.6, "mixed"),  # spread 1.2 is wider than 0.75
        (3.2, 3.2, 3.2, "mixed"),  # close together but threat above 3.0
    ],
)
def test_patterns_follow_the_documented_thresholds(threat, drive, soothing, pattern):
    assert classify(threat, drive, soothing) == pattern


def test_thresholds_scale_with_the_response_scale():
    # A 0-10 scale: 3.5 on 1-5 corresponds to 0 + 2.5 * 2.5 = 6.25.
    assert classify(7.0, 4.5, 4.0, low=0, high=10) == "threat-dominant"


@given(st.floats(1, 5), st.floats(1, 5), st.floats(1, 5))
def test_circle_areas_are_proportional_to_the_means(t, d, s):
    profile = three_systems(t, d, s)
    areas = [math.pi * c.radius**2 for c in profile.circles]
    for area, mean in zip(areas, (t, d, s), strict=True):
        assert area / areas[0] == pytest.approx(mean / t)
    assert profile.pattern in PATTERNS
    assert "threat" in profile.text_alternative and profile.description in profile.text_alternative


def test_a_missing_or_impossible_mean_is_refused():
    with pytest.raises(ValueError, match="threat mean"):
        three_systems(float("nan"), 3, 3)
    with pytest.raises(ValueError, match="soothing mean"):
        three_systems(3, 3, 7)
