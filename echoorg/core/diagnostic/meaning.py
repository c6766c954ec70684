"""What a scale's figure means, in words and colours, for the results pages.

Each scale of an instrument may say which way is better (`Scale.direction`); the
functions here turn a figure into the colour band of the heatmap, a label for its
direction, a sentence comparing it with the previous wave, and a sentence about the gap
between how leaders rate themselves and how staff see senior leadership. The word
thresholds are echoorg's own rules of thumb for describing sizes in plain words; they are
not significance tests or validated cut-offs, and the pages say so. Pure; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instrument import HIGHER_IS_BETTER, HIGHER_IS_WORSE, Scale

# The three systems keep the model's colours (threat red, drive blue, soothing green),
# darker where the system is stronger; every other scale is coloured by how much its
# figure is worth looking at (darker amber: more of concern, whichever way it runs).
SYSTEM_PALETTES = ("threat", "drive", "soothing")
BANDS = 8  # heat-<palette>-0 .. heat-<palette>-7: each an eighth of the range

# A change or gap smaller than this share of the response scale's range is described as
# "about the same" (0.1 on a 1 to 5 scale).
SAME = 0.025
# Gap sizes, as shares of the range: under 5% small, under 15% moderate, under 30% large,
# else very large (0.2, 0.6 and 1.2 points on a 1 to 5 scale).
GAP_WORDS = ((0.05, "small"), (0.15, "moderate"), (0.30, "large"))


def palette(scale: Scale) -> str:
    """The heatmap palette of a scale: its own system's colour for threat, drive and
    soothing; 'concern' for a scale whose direction is stated; 'neutral' otherwise."""
    if scale.id in SYSTEM_PALETTES:
        return scale.id
    return "concern" if scale.direction in (HIGHER_IS_BETTER, HIGHER_IS_WORSE) else "neutral"


def heat_band(value: float | None, low: float, high: float, scale: Scale) -> int | None:
    """The colour band (0 lightest to BANDS - 1 darkest) of a figure on the response scale
    `low`..`high`, or None for a withheld figure. For the three systems and for scales of
    unstated direction, darker is higher; for other scales darker is of more concern (higher
    where higher is worse, lower where higher is better)."""
    if value is None:
        return None
    position = min(1.0, max(0.0, (value - low) / (high - low)))
    if palette(scale) == "concern" and scale.direction == HIGHER_IS_BETTER:
        position = 1.0 - position
    return min(BANDS - 1, int(position * BANDS))


def heat_class(value: float | None, low: float, high: float, scale: Scale) -> str:
    """The CSS class of a heatmap cell: `heat-<palette>-<band>`, or `heat-none`."""
    band = heat_band(value, low, high, scale)
    return "heat-none" if band is None else f"heat-{palette(scale)}-{band}"


def direction_symbol(scale: Scale) -> str:
    """▲ with the direction in words, for column and row headings (the colour is never
    the only sign of which way is better)."""
    if scale.direction == HIGHER_IS_WORSE:
        return "▲ higher is worse"
    if scale.direction == HIGHER_IS_BETTER:
        return "▲ higher is better"
    return "direction not stated"


def _points(value: float) -> str:
    return f"{value:.2f} point" + ("" if f"{value:.2f}" == "1.00" else "s")


@dataclass(frozen=True)
class Change:
    """A scale's figure against the same group's figure in the previous wave."""

    before: float
    difference: float  # now minus before
    verdict: str  # 'better', 'worse', 'about the same' or 'higher'/'lower' (no direction)
    sentence: str


def change_since(
    now: float, before: float, low: float, high: float, scale: Scale, wave: str
) -> Change:
    """Compare a figure with the same group's figure on the same scale in the previous
    wave `wave` (its title). A difference under SAME of the range is 'about the same';
    otherwise it is better or worse by the scale's direction (higher or lower when the
    direction is not stated). Describes, does not test: the groups are different people."""
    difference = now - before
    if abs(difference) < SAME * (high - low):
        verdict = "about the same"
        sentence = (
            f"About the same as in {wave} ({before:.2f}; a difference of "
            f"{_points(abs(difference))})."
        )
        return Change(before, difference, verdict, sentence)
    way = "higher" if difference > 0 else "lower"
    if scale.direction in (HIGHER_IS_BETTER, HIGHER_IS_WORSE):
        better = (difference > 0) == (scale.direction == HIGHER_IS_BETTER)
        verdict = "better" if better else "worse"
        tail = f": a change for the {verdict}"
    else:
        verdict, tail = way, ""
    sentence = f"{_points(abs(difference)).capitalize()} {way} than in {wave} ({before:.2f}){tail}."
    return Change(before, difference, verdict, sentence)


def gap_size(gap: float, low: float, high: float) -> str:
    """'small', 'moderate', 'large' or 'very large' for a gap between two figures on the
    response scale `low`..`high`, by its share of the range (GAP_WORDS)."""
    share = abs(gap) / (high - low)
    for limit, word in GAP_WORDS:
        if share < limit:
            return word
    return "very large"


def hubris_gap_sentence(self_rated: float, staff_rated: float, low: float, high: float) -> str:
    """The gap between leaders' ratings of their own behaviour and staff's ratings of
    senior leadership on the same hubris indicators, as a sentence a board member can read.

    Inputs: the two group means on the response scale `low`..`high`. A gap under SAME of
    the range reads as the two views agreeing; otherwise the sentence says who sees more of
    the behaviours, both figures, the gap in points and its size in words (`gap_size`).
    The indicators describe observed behaviour of a group; they diagnose nobody.
    """
    gap = self_rated - staff_rated
    figures = f"staff {staff_rated:.2f}, leaders about themselves {self_rated:.2f}"
    if abs(gap) < SAME * (high - low):
        return (
            "Leaders and staff see these behaviours about equally often: on the "
            f"{low:g} to {high:g} scale, {figures}."
        )
    size = gap_size(gap, low, high)
    if gap < 0:
        return (
            "Staff see these behaviours in senior leadership more often than leaders see "
            f"them in themselves: on the {low:g} to {high:g} scale, {figures}, a {size} "
            f"gap of {_points(-gap)}. Leaders may be missing how they come across."
        )
    return (
        "Leaders report these behaviours in themselves more often than staff see them in "
        f"senior leadership: on the {low:g} to {high:g} scale, {figures}, a {size} gap of "
        f"{_points(gap)}."
    )
