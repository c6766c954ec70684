"""The three-systems profile: Gilbert's threat (red), drive (blue) and soothing (green).

Gilbert (2009, "Introducing compassion-focused therapy", Advances in Psychiatric Treatment
15:199-208) describes three affect-regulation systems; ECHO reads them at the level of a
team or organisation. This module turns a unit's three scale means into

- three circles whose AREAS are proportional to the means (radius = R * sqrt(mean / max)),
  so a score twice as high looks twice as large, never four times;
- a named pattern, by the rules below, with a sentence a reader can check.

Pattern rules. Distances are in scale points scaled to a 1-5 scale (`step` = (max - min) / 4,
so 0.5 on a 1-5 scale is 0.5 * step), checked in this order, first match wins:

1. threat-dominant: threat >= min + 2.5 steps (3.5 on 1-5) and threat is at least 0.5 steps
   above both drive and soothing.
2. soothing-depleted: soothing <= min + 1.5 steps (2.5 on 1-5) and soothing is at least 0.5
   steps below drive.
3. drive-led: drive >= min + 2.5 steps and drive is at least 0.5 steps above both others.
4. balanced: the three means lie within 0.75 steps of each other, soothing >= min + 2 steps
   (3.0) and threat <= min + 2 steps (3.0).
5. mixed: none of the above.

These thresholds are echoorg's own, chosen to be easy to read and to check; they are not
validated cut-offs. Patterns describe how a group of people experience their organisation;
they never describe or diagnose a person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PATTERNS = {
    "threat-dominant": "Threat-dominant: fear and self-protection outweigh striving and care.",
    "soothing-depleted": "Soothing-depleted: little safeness or care, with drive well ahead.",
    "drive-led": "Drive-led: striving and targets outweigh both threat and care.",
    "balanced": "Balanced: the three systems are close, with care present and threat low.",
    "mixed": "Mixed: no single system stands out by the rules used here.",
}

COLOURS = {"threat": "#b3261e", "drive": "#1d4f91", "soothing": "#1e6b3a"}


@dataclass(frozen=True)
class Circle:
    system: str
    mean: float
    radius: float


@dataclass(frozen=True)
class Profile:
    pattern: str
    description: str
    circles: tuple[Circle, Circle, Circle]

    @property
    def text_alternative(self) -> str:
        parts = ", ".join(f"{c.system} {c.mean:.2f}" for c in self.circles)
        return f"Three-systems profile: {parts}. {self.description}"


def classify(threat: float, drive: float, soothing: float, low: float = 1, high: float = 5) -> str:
    """The pattern name for three scale means on a `low`..`high` response scale."""
    step = (high - low) / 4
    if threat >= low + 2.5 * step and threat - max(drive, soothing) >= 0.5 * step:
        return "threat-dominant"
    if soothing <= low + 1.5 * step and drive - soothing >= 0.5 * step:
        return "soothing-depleted"
    if drive >= low + 2.5 * step and drive - max(threat, soothing) >= 0.5 * step:
        return "drive-led"
    spread = max(threat, drive, soothing) - min(threat, drive, soothing)
    if spread <= 0.75 * step and soothing >= low + 2 * step and threat <= low + 2 * step:
        return "balanced"
    return "mixed"


def three_systems(
    threat: float,
    drive: float,
    soothing: float,
    low: float = 1,
    high: float = 5,
    max_radius: float = 60.0,
) -> Profile:
    """The profile of one unit: circles with area proportional to each mean, and the pattern.

    Raises ValueError if a mean is missing (NaN) or outside the response scale.
    """
    means = {"threat": threat, "drive": drive, "soothing": soothing}
    for name, value in means.items():
        if value is None or math.isnan(value) or not low <= value <= high:
            raise ValueError(f"{name} mean {value!r} is not within {low}..{high}")
    circles = tuple(
        Circle(name, value, max_radius * math.sqrt(value / high)) for name, value in means.items()
    )
    pattern = classify(threat, drive, soothing, low, high)
    return Profile(pattern, PATTERNS[pattern], circles)  # type: ignore[arg-type]
