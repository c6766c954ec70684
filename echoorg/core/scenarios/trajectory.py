"""The geometry of a play's three-systems trajectory: threat, drive and soothing (each 0
to 10, Gilbert's model of the three emotion-regulation systems, Gilbert 2009, *The
Compassionate Mind*) before the first decision and after each one.

Pure numbers in, coordinates out; the page turns them into SVG markup and gives the same
figures as a table. Each system has its own line style and marker shape as well as its
colour, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SCALE_MAX = 10
WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 20, 16, 44

# system -> (label, colour, dash pattern ("" for solid), marker shape)
SERIES: dict[str, tuple[str, str, str, str]] = {
    "threat": ("Threat", "#b3261e", "", "square"),
    "drive": ("Drive", "#1d4f91", "8 4", "triangle"),
    "soothing": ("Soothing", "#1e6b3a", "2 3", "circle"),
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    step: int


@dataclass(frozen=True)
class Series:
    system: str
    label: str
    colour: str
    dash: str
    marker: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        """The `points` attribute of an SVG polyline."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]


def _clamp(value: int) -> int:
    return max(0, min(SCALE_MAX, value))


def trajectory_chart(steps: Sequence[dict[str, int]]) -> Chart:
    """Coordinates for `steps`: one mapping per point in time (the start, then after each
    decision) with integer `threat`, `drive` and `soothing`. Step 0 is labelled "Start",
    step n "n" (the n-th decision). Values outside 0 to 10 are drawn at the edge."""
    if not steps:
        raise ValueError("A trajectory needs at least its starting point.")
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    span = max(len(steps) - 1, 1)

    def x_at(step: int) -> float:
        return LEFT + (plot_right - LEFT) * step / span

    def y_at(value: int) -> float:
        return plot_bottom - (plot_bottom - TOP) * _clamp(value) / SCALE_MAX

    series = tuple(
        Series(
            system,
            label,
            colour,
            dash,
            marker,
            tuple(
                Point(x_at(i), y_at(step[system]), _clamp(step[system]), i)
                for i, step in enumerate(steps)
            ),
        )
        for system, (label, colour, dash, marker) in SERIES.items()
    )
    y_ticks = tuple(Tick(y_at(v), str(v)) for v in range(0, SCALE_MAX + 1, 2))
    x_ticks = tuple(Tick(x_at(i), "Start" if i == 0 else str(i)) for i in range(len(steps)))
    return Chart(WIDTH, HEIGHT, LEFT, plot_right, TOP, plot_bottom, series, y_ticks, x_ticks)


def marker_path(shape: str, x: float, y: float, size: float = 5.0) -> str:
    """An SVG path drawing a marker of `shape` ("square", "triangle", "circle") at (x, y)."""
    if shape == "square":
        return f"M{x - size:.1f},{y - size:.1f}h{2 * size:.1f}v{2 * size:.1f}h{-2 * size:.1f}z"
    if shape == "triangle":
        top, base, half = y - size - 1, y + size, size + 1
        return f"M{x:.1f},{top:.1f}L{x + half:.1f},{base:.1f}L{x - half:.1f},{base:.1f}z"
    if shape == "circle":
        return (
            f"M{x - size:.1f},{y:.1f}a{size:.1f},{size:.1f} 0 1,0 {2 * size:.1f},0"
            f"a{size:.1f},{size:.1f} 0 1,0 {-2 * size:.1f},0"
        )
    raise ValueError(f"unknown marker shape {shape!r}")
