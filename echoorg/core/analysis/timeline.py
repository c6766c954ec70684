"""The geometry of an analysis's timeline: where each event's mark goes and where the
leader's three-systems stages are shaded. Numbers only; the app turns them into SVG.

Concerns and warnings sit above the axis, responses and handling steps below it, harm,
findings and reports on it; marks that would overlap stack outwards. Ticks are years,
or months when the case spans less than two years. Stages with both dates become bands
coloured by their dominant system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 960
HEIGHT = 380
LEFT, RIGHT = 48, 912
AXIS_Y = 200
STEP = 22
MIN_GAP = 16  # marks closer than this (px) on one side stack

ABOVE = frozenset({"warning", "concern_raised", "escalation"})
BELOW = frozenset({"response_defensive", "response_protective", "decisive_action", "handling"})


@dataclass(frozen=True)
class Mark:
    index: int  # the event's position in the list given
    x: float
    y: float
    side: str  # "above", "below" or "on"
    kind: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Band:
    index: int  # the stage's position in the list given
    x: float
    width: float
    dominant: str


@dataclass(frozen=True)
class TimelineLayout:
    width: int
    height: int
    axis_y: int
    left: int
    right: int
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    bands: tuple[Band, ...]
    first: dt.date | None
    last: dt.date | None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _ticks(lo: dt.date, hi: dt.date, by_month: bool) -> list[tuple[dt.date, str]]:
    if by_month:
        step = max(1, ((hi.year - lo.year) * 12 + hi.month - lo.month) // 8 or 1)
        ticks = []
        day = _month_start(lo)
        while day <= hi:
            ticks.append((day, day.strftime("%b %Y")))
            for _ in range(step):
                day = _next_month(day)
        return ticks
    span = hi.year - lo.year + 1
    year_step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 10)
    start = lo.year - lo.year % year_step
    return [(dt.date(y, 1, 1), str(y)) for y in range(start, hi.year + 1, year_step)]


def layout(
    events: Sequence[dict[str, Any]], stages: Sequence[dict[str, Any]] = ()
) -> TimelineLayout:
    """Place `events` ({date, kind}) and the dated `stages` ({starts, ends, dominant}) on
    a WIDTH x HEIGHT picture. Events and stages without a readable date are left out
    (the table beside the picture lists everything). Returns an empty layout (no marks,
    first and last None) when nothing is dated."""
    dated = [(n, _day(e.get("date")), str(e.get("kind", ""))) for n, e in enumerate(events)]
    points = [(n, d, k) for n, d, k in dated if d is not None]
    spans = []
    for n, s in enumerate(stages):
        a, b = _day(s.get("starts")), _day(s.get("ends"))
        if a is not None and b is not None and b >= a:
            spans.append((n, a, b, str(s.get("dominant", "unclear"))))
    days = [d for _, d, _ in points] + [d for _, a, b, _ in spans for d in (a, b)]
    if not days:
        return TimelineLayout(WIDTH, HEIGHT, AXIS_Y, LEFT, RIGHT, (), (), (), None, None)
    first, last = min(days), max(days)
    by_month = (last - first).days < 730
    if by_month:
        lo = _month_start(first)
        hi = _next_month(last)
    else:
        lo = dt.date(first.year, 1, 1)
        hi = dt.date(last.year + 1, 1, 1)
    span = (hi - lo).days or 1

    def x_of(day: dt.date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - lo).days / span, 1)

    ticks = tuple(Tick(x_of(d), label) for d, label in _ticks(lo, hi, by_month) if lo <= d <= hi)
    bands = tuple(
        Band(n, x_of(a), max(round(x_of(b) - x_of(a), 1), 2.0), dominant)
        for n, a, b, dominant in spans
    )
    levels: dict[str, list[float]] = {"above": [], "below": [], "on": []}
    marks = []
    for n, day, kind in sorted(points, key=lambda p: (p[1], p[0])):
        side = "above" if kind in ABOVE else "below" if kind in BELOW else "on"
        x = x_of(day)
        used = levels[side]
        level = next((i for i, last_x in enumerate(used) if x - last_x >= MIN_GAP), len(used))
        if level == len(used):
            used.append(x)
        else:
            used[level] = x
        if side == "above":
            y = AXIS_Y - 24 - level * STEP
        elif side == "below":
            y = AXIS_Y + 24 + level * STEP
        else:
            y = AXIS_Y - level * STEP
        # Keep very crowded timelines inside the picture: fold back to the axis.
        y = min(max(y, 24), HEIGHT - 44)
        marks.append(Mark(n, x, y, side, kind))
    return TimelineLayout(
        WIDTH, HEIGHT, AXIS_Y, LEFT, RIGHT, tuple(marks), ticks, bands, first, last
    )
