"""Trends across survey waves drawn as small multiples: one small chart per scale.

Plain Python, no Django. `small_multiples` turns each scale's means across waves into the
geometry of one small chart (points, line runs, gaps, axis ticks) in a shared box, so
every chart of an instrument has the same y range (the response scale's minimum to
maximum) and charts can be compared by eye. The page draws the geometry as SVG.

A wave whose figure is hidden (suppressed for anonymity, or the unit was not part of
that wave) gets no point and no line through it: it is drawn as a gap with a marker,
and its reason is kept so the chart's text alternative and notes can say why.

Small multiples: Tufte (1983), "The Visual Display of Quantitative Information",
Graphics Press, ch. 4; a shared scale across panels is what makes them comparable
(Cleveland 1993, "Visualizing Data", Hobart Press, on juxtaposed panels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The three systems keep the model's colours; every other scale is drawn in one neutral
# ink, so colour marks the systems only. All meet 4.5:1 contrast on white.
SYSTEM_COLOURS = {"threat": "#b3261e", "drive": "#1d4f91", "soothing": "#1e6b3a"}
NEUTRAL_COLOUR = "#4a4a55"

# The box every small chart is drawn in (SVG user units; the page scales it to fit).
WIDTH, HEIGHT = 260, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 14, 12, 34
MAX_TICKS = 6
LABEL_CHARS = 16


@dataclass(frozen=True)
class ScaleSeries:
    """One scale's mean in each wave (None where hidden) and, where hidden, why."""

    scale_id: str
    name: str
    values: tuple[float | None, ...]
    reasons: tuple[str, ...]  # '' where the value is shown


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    wave: str


@dataclass(frozen=True)
class Gap:
    """A wave without a figure: a marker at `x`, and the reason it is hidden."""

    x: float
    wave: str
    reason: str
    anchor: str = "middle"  # how its label stands against the marker, inside the box


@dataclass(frozen=True)
class Tick:
    position: float  # y for the value axis, x for the wave axis
    label: str
    anchor: str = "end"


@dataclass(frozen=True)
class SmallChart:
    """The geometry of one scale's small chart in a WIDTH × HEIGHT box."""

    scale_id: str
    name: str
    colour: str
    points: tuple[Point, ...]
    runs: tuple[tuple[Point, ...], ...]  # consecutive shown waves, joined by a line
    gaps: tuple[Gap, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    latest: float | None  # the last shown value
    change: float | None  # last shown minus first shown (None with fewer than two)
    description: str

    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def notes(self) -> tuple[str, ...]:
        """One sentence per hidden wave, for the page under the chart."""
        return tuple(f"{gap.wave}: not shown ({gap.reason})." for gap in self.gaps)


def scale_colour(scale_id: str) -> str:
    """Red, blue and green for the threat, drive and soothing systems; neutral otherwise."""
    return SYSTEM_COLOURS.get(scale_id, NEUTRAL_COLOUR)


def value_ticks(low: int, high: int) -> list[int]:
    """Whole-number ticks from `low` to `high`, at most MAX_TICKS of them (every step of
    1, 2, 5, 10, ... that keeps the count down), always including both ends."""
    if high <= low:
        raise ValueError("high must be greater than low")
    step = 1
    while (high - low) // step + 1 > MAX_TICKS:
        step = step * 2 if str(step)[0] in "15" else step * 5 // 2
    ticks = list(range(low, high + 1, step))
    if ticks[-1] != high:
        ticks.append(high)
    return ticks


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` cut to `limit` characters with an ellipsis (the table gives it in full)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wave_labels(titles: Sequence[str], limit: int = LABEL_CHARS) -> list[str]:
    """Short labels for waves under a small chart: the words all titles share at the
    start are dropped ("Culture survey, spring 2026" and "Culture survey, autumn 2026"
    become "spring 2026" and "autumn 2026"), then each is cut to `limit` characters."""
    words = [t.split() for t in titles]
    shared = 0
    if len(titles) > 1:
        while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
            shared += 1
    return [
        short_label(" ".join(w[shared:]) or t, limit) for w, t in zip(words, titles, strict=True)
    ]


def _number(value: float) -> str:
    return f"{value:.2f}"


def _signed(value: float) -> str:
    # A change that rounds to zero is written without a sign.
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def _anchor(i: int, count: int) -> str:
    """Labels at the first and last wave run inwards, so they stay inside the box."""
    if count == 1:
        return "middle"
    return "start" if i == 0 else "end" if i == count - 1 else "middle"


def small_chart(series: ScaleSeries, waves: Sequence[str], low: int, high: int) -> SmallChart:
    """The geometry of one scale's chart across `waves` (oldest first) on the shared
    y range `low`..`high` (the response scale)."""
    if len(series.values) != len(waves) or len(series.reasons) != len(waves):
        raise ValueError("one value and one reason for each wave")
    if high <= low:
        raise ValueError("high must be greater than low")
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        if len(waves) == 1:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * i / (len(waves) - 1), 1)

    def y_at(value: float) -> float:
        clipped = min(max(value, low), high)
        return round(TOP + plot_h * (1 - (clipped - low) / (high - low)), 1)

    points: list[Point] = []
    runs: list[tuple[Point, ...]] = []
    gaps: list[Gap] = []
    run: list[Point] = []
    for i, (wave, value, reason) in enumerate(
        zip(waves, series.values, series.reasons, strict=True)
    ):
        if value is None:
            gaps.append(Gap(x_at(i), wave, reason or "hidden", _anchor(i, len(waves))))
            if run:
                runs.append(tuple(run))
            run = []
            continue
        point = Point(x_at(i), y_at(value), value, wave)
        points.append(point)
        run.append(point)
    if run:
        runs.append(tuple(run))

    y_ticks = tuple(Tick(y_at(t), str(t)) for t in value_ticks(low, high))
    x_ticks = []
    for i, label in enumerate(wave_labels(waves)):
        # Only the first and last waves are named under a small chart; the others get a
        # tick mark (the table below the charts names them all).
        named = i in (0, len(waves) - 1)
        x_ticks.append(Tick(x_at(i), label if named else "", _anchor(i, len(waves))))

    shown = [p.value for p in points]
    latest = shown[-1] if shown else None
    change = shown[-1] - shown[0] if len(shown) > 1 else None
    parts = [
        f"{wave} {_number(value)}" if value is not None else f"{wave} not shown ({reason})"
        for wave, value, reason in zip(waves, series.values, series.reasons, strict=True)
    ]
    description = f"{series.name}, mean on a scale from {low} to {high}: " + "; ".join(parts) + "."
    if change is not None:
        description += f" Change from the first to the last wave shown: {_signed(change)}."
    return SmallChart(
        series.scale_id,
        series.name,
        scale_colour(series.scale_id),
        tuple(points),
        tuple(runs),
        tuple(gaps),
        y_ticks,
        tuple(x_ticks),
        latest,
        change,
        description,
    )


def small_multiples(
    series: Sequence[ScaleSeries], waves: Sequence[str], low: int, high: int
) -> list[SmallChart]:
    """One chart per scale, in the order given, all on the y range `low`..`high`.

    Inputs: each scale's values across `waves` (oldest first; None where hidden, with a
    reason), and the response scale's minimum and maximum. Output: the charts' geometry.
    """
    return [small_chart(s, waves, low, high) for s in series]


def signed_change(value: float | None) -> str:
    """A change as the page writes it: '+0.21', '-0.05', '0.00', or '' when there is none."""
    return "" if value is None else _signed(value)
