"""A case's timeline as SVG markup, drawn here in Python (no script, nothing fetched).

Warnings, concerns and escalations sit above the line; responses (defensive, protective,
decisive action) below it; harm, findings and reports on it. The span from the first
warning to the decisive action is shaded. Every mark is a link: to its first source's
address where it has one, otherwise to the event's row in the table on the same page,
which lists its sources. The picture keeps its size (960 by 400) so its text stays
readable; the page puts it in a region that scrolls sideways on a narrow screen. Marks
carry their own accessible names, so a keyboard or screen-reader user can step through
them; the table is the full text alternative.
"""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.library.cases import EVENT_KINDS, Case, Event
from echoorg.core.library.figures import CaseFigures

ABOVE = ("warning", "concern_raised", "escalation")
BELOW = ("response_defensive", "response_protective", "decisive_action")

# kind -> (colour, shape); shapes differ so colour is never the only cue.
STYLE: dict[str, tuple[str, str]] = {
    "warning": ("#b3261e", "circle"),
    "concern_raised": ("#8a5a00", "circle"),
    "escalation": ("#6a3d9a", "triangle"),
    "response_defensive": ("#a4141b", "square"),
    "response_protective": ("#1e6b3a", "diamond"),
    "decisive_action": ("#1d4f91", "star"),
    "harm": ("#1b1b1f", "cross"),
    "finding": ("#4a4a55", "bar"),
    "report": ("#4a4a55", "bar"),
}

WIDTH = 960
LEFT, RIGHT = 40, 920
AXIS_Y = 190
STEP = 22  # vertical spacing between stacked marks
HEIGHT = 400


def mark_svg(colour: str, shape: str, x: float, y: float) -> str:
    """One timeline mark centred on (x, y): a circle, ring, square, triangle, diamond,
    star or cross in `colour` (any other shape: an upright bar). The shape, not only the
    colour, tells the kinds apart. Shared by the library's and the case analysis's
    timelines."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}"></circle>'
    if shape == "ring":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#ffffff" stroke="{colour}" '
            'stroke-width="3"></circle>'
        )
    if shape == "square":
        return (
            f'<rect x="{x - 6.5:.1f}" y="{y - 6.5:.1f}" width="13" height="13" '
            f'fill="{colour}"></rect>'
        )
    if shape == "triangle":
        pts = f"{x:.1f},{y - 8:.1f} {x + 8:.1f},{y + 6:.1f} {x - 8:.1f},{y + 6:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"></polygon>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - 8:.1f} {x + 8:.1f},{y:.1f} {x:.1f},{y + 8:.1f} {x - 8:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"></polygon>'
    if shape == "star":
        pts = " ".join(
            f"{x + dx:.1f},{y + dy:.1f}"
            for dx, dy in (
                (0, -9),
                (2.6, -3),
                (9, -3),
                (4, 1.5),
                (5.5, 8),
                (0, 4),
                (-5.5, 8),
                (-4, 1.5),
                (-9, -3),
                (-2.6, -3),
            )
        )
        return f'<polygon points="{pts}" fill="{colour}"></polygon>'
    if shape == "cross":
        return (
            f'<path d="M{x - 6:.1f} {y - 6:.1f}L{x + 6:.1f} {y + 6:.1f}'
            f'M{x + 6:.1f} {y - 6:.1f}L{x - 6:.1f} {y + 6:.1f}" stroke="{colour}" '
            'stroke-width="3"></path>'
        )
    return f'<rect x="{x - 2.5:.1f}" y="{y - 9:.1f}" width="5" height="18" fill="{colour}"></rect>'


def _shape(kind: str, x: float, y: float) -> str:
    return mark_svg(*STYLE[kind], x, y)


def _ticks(first: dt.date, last: dt.date) -> list[int]:
    span = max(1, last.year - first.year + 1)
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 10)
    start = first.year - first.year % step
    return list(range(start, last.year + 2, step))


def _date_text(event: Event) -> str:
    if event.precision == "day":
        return event.start.strftime("%-d %B %Y")
    if event.precision == "month":
        return event.start.strftime("%B %Y")
    return event.date


def event_date_text(event: Event) -> str:
    """The event's date as words, to its precision: '6 February 2013', 'July 2007', '2001'."""
    return _date_text(event)


def _href(event: Event) -> str:
    first = event.sources[0]
    return first.url or f"#event-{event.id}"


def timeline_svg(case: Case, figures: CaseFigures) -> SafeString:
    events = case.events
    first = min(e.when for e in events)
    last = max(e.when for e in events)
    ticks = _ticks(first, last)
    lo = dt.date(ticks[0], 1, 1)
    hi = dt.date(ticks[-1], 1, 1)
    if hi <= last:
        hi = dt.date(last.year + 1, 1, 1)
    span = (hi - lo).days or 1

    def x_of(day: dt.date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - lo).days / span

    body: list[str] = []
    if figures.first_warning is not None and figures.decisive_action is not None:
        x1, x2 = x_of(figures.first_warning.when), x_of(figures.decisive_action.when)
        body.append(
            f'<rect x="{x1:.1f}" y="40" width="{max(x2 - x1, 2):.1f}" height="{AXIS_Y * 2 - 80}" '
            'fill="#ffbf47" fill-opacity="0.22"></rect>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="34" text-anchor="middle" font-size="13" '
            f'fill="#1b1b1f">{figures.years_warning_to_action} years from first warning '
            "to decisive action</text>"
        )
    body.append(
        f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{RIGHT}" y2="{AXIS_Y}" stroke="#1b1b1f" '
        'stroke-width="2"></line>'
    )
    for year in ticks:
        tx = x_of(dt.date(year, 1, 1))
        if LEFT - 1 <= tx <= RIGHT + 1:
            body.append(
                f'<line x1="{tx:.1f}" y1="{AXIS_Y - 4}" x2="{tx:.1f}" y2="{AXIS_Y + 4}" '
                'stroke="#1b1b1f"></line>'
                f'<text x="{tx:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="13" '
                f'fill="#4a4a55">{year}</text>'
            )
    body.append(
        f'<text x="{LEFT}" y="58" font-size="13" fill="#4a4a55">Warnings and concerns</text>'
        f'<text x="{LEFT}" y="{AXIS_Y * 2 - 48}" font-size="13" fill="#4a4a55">Responses</text>'
    )

    # Stack marks that would overlap: each side keeps the x of the last mark per level.
    levels: dict[str, list[float]] = {"above": [], "below": [], "on": []}
    for event in events:
        side = "above" if event.kind in ABOVE else "below" if event.kind in BELOW else "on"
        x = x_of(event.when)
        used = levels[side]
        level = next((n for n, last_x in enumerate(used) if x - last_x >= 16), len(used))
        if level == len(used):
            used.append(x)
        else:
            used[level] = x
        if side == "above":
            y = AXIS_Y - 24 - level * STEP
        elif side == "below":
            y = AXIS_Y + 24 + level * STEP
        else:
            y = AXIS_Y - level * STEP if level else AXIS_Y
        label = (
            f"{event.kind_label}, {_date_text(event)}: {event.description} "
            f"Source: {event.sources[0].title}, {event.sources[0].publisher}."
        )
        body.append(
            f'<a href="{escape(_href(event))}" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>{_shape(event.kind, x, y)}</a>"
        )
    desc = (
        f"{len(events)} events from {_date_text(events[0])} to {_date_text(events[-1])}. "
        "The table below lists every event with its sources."
    )
    return mark_safe(
        f'<svg class="inquiry-timeline" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-labelledby="timeline-t timeline-d"><title id="timeline-t">Timeline of '
        f'{escape(case.title)}</title><desc id="timeline-d">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


def legend() -> list[tuple[str, str, SafeString]]:
    """(kind, label, a small SVG of its mark) for the key under the timeline."""
    return [
        (
            kind,
            label,
            mark_safe(
                f'<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
                f'focusable="false">{_shape(kind, 10, 10)}</svg>'
            ),
        )
        for kind, label in EVENT_KINDS.items()
    ]
