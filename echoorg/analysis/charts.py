"""An analysis's timeline as SVG markup, from the geometry the core computes
(echoorg.core.analysis.timeline). Drawn on the server: no script, nothing fetched, the
same markup on the page and in the PDF. The leader's three-systems stages are shaded
bands in red (threat), blue (drive) or green (soothing), each named in its own text so
colour is never the only cue; every event's mark has an accessible name, and the table
beside the picture is the full text alternative.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.analysis.steps import EVENT_KINDS, SYSTEMS
from echoorg.core.analysis.timeline import layout
from echoorg.library.charts import mark_svg

# kind -> (colour, shape), as the library's timeline draws them; shapes differ so colour
# is never the only cue.
STYLE: dict[str, tuple[str, str]] = {
    "warning": ("#b3261e", "circle"),
    "concern_raised": ("#8a5a00", "circle"),
    "escalation": ("#6a3d9a", "triangle"),
    "response_defensive": ("#a4141b", "square"),
    "response_protective": ("#1e6b3a", "diamond"),
    "decisive_action": ("#1d4f91", "star"),
    "handling": ("#4a4a55", "ring"),
    "harm": ("#1b1b1f", "cross"),
    "finding": ("#4a4a55", "bar"),
    "report": ("#4a4a55", "bar"),
}
BAND_COLOURS = {
    "threat": "#d4351c",
    "drive": "#1d70b8",
    "soothing": "#00703c",
    "unclear": "#b1b4b6",
}
SYSTEM_NAMES = {"threat": "Threat", "drive": "Drive", "soothing": "Soothing", "unclear": "Unclear"}


def shape(kind: str, x: float, y: float) -> str:
    return mark_svg(*STYLE.get(kind, ("#4a4a55", "circle")), x, y)


def timeline_svg(
    title: str, events: list[dict[str, Any]], stages: list[dict[str, Any]], *, links: bool = True
) -> SafeString | None:
    """The picture, or None when nothing in the analysis is dated. With `links`, each
    mark links to its row in the table on the same page (off in the PDF)."""
    drawn = layout(events, stages)
    if drawn.first is None:
        return None
    body: list[str] = []
    for band in drawn.bands:
        stage = stages[band.index]
        colour = BAND_COLOURS.get(band.dominant, "#b1b4b6")
        body.append(
            f'<rect x="{band.x:.1f}" y="36" width="{band.width:.1f}" '
            f'height="{drawn.axis_y * 2 - 72}" fill="{colour}" fill-opacity="0.13"></rect>'
            f'<rect x="{band.x:.1f}" y="22" width="{band.width:.1f}" height="8" '
            f'fill="{colour}"></rect>'
        )
        # The band's name above it, cut to the band's width (the stages table has it whole).
        room = int(min(band.width, drawn.width - band.x) / 6.2)
        name = f"{SYSTEM_NAMES.get(band.dominant, '')}: {stage['period']}"
        if room >= 6:
            name = name if len(name) <= room else name[: room - 1].rstrip() + "…"
            body.append(
                f'<text x="{band.x + 2:.1f}" y="18" font-size="11" fill="#1b1b1f">'
                f"{escape(name)}</text>"
            )
    body.append(
        f'<line x1="{drawn.left}" y1="{drawn.axis_y}" x2="{drawn.right}" y2="{drawn.axis_y}" '
        'stroke="#1b1b1f" stroke-width="2"></line>'
    )
    for tick in drawn.ticks:
        body.append(
            f'<line x1="{tick.x:.1f}" y1="{drawn.axis_y - 4}" x2="{tick.x:.1f}" '
            f'y2="{drawn.axis_y + 4}" stroke="#1b1b1f"></line>'
            f'<text x="{tick.x:.1f}" y="{drawn.height - 12}" text-anchor="middle" '
            f'font-size="12" fill="#4a4a55">{escape(tick.label)}</text>'
        )
    body.append(
        f'<text x="{drawn.left}" y="52" font-size="12" fill="#4a4a55">Concerns and warnings</text>'
        f'<text x="{drawn.left}" y="{drawn.height - 32}" font-size="12" '
        'fill="#4a4a55">Responses</text>'
    )
    for mark in drawn.marks:
        event = events[mark.index]
        label = (
            f"{EVENT_KINDS.get(event['kind'], event['kind'])}, {event['date']}: "
            f"{event['description'][:300]}"
        )
        drawn_mark = f"<title>{escape(label)}</title>{shape(mark.kind, mark.x, mark.y)}"
        if links:
            href = f"#analysis-event-{mark.index}"
            body.append(f'<a href="{href}" aria-label="{escape(label)}">{drawn_mark}</a>')
        else:
            body.append(f"<g>{drawn_mark}</g>")
    desc = (
        f"{len(drawn.marks)} dated events from {drawn.first.isoformat()} to "
        f"{drawn.last.isoformat() if drawn.last else ''}"
        + (
            f", with {len(drawn.bands)} stages shaded by their dominant system"
            if drawn.bands
            else ""
        )
        + ". The table of events gives the same information as text."
    )
    return mark_safe(
        f'<svg class="analysis-timeline" width="{drawn.width}" height="{drawn.height}" '
        f'viewBox="0 0 {drawn.width} {drawn.height}" role="group" '
        f'aria-labelledby="analysis-timeline-t analysis-timeline-d">'
        f'<title id="analysis-timeline-t">Timeline of {escape(title)}</title>'
        f'<desc id="analysis-timeline-d">{escape(desc)}</desc>{"".join(body)}</svg>'
    )


def legend() -> list[tuple[str, SafeString]]:
    """(label, a small SVG of its mark) for the key under the timeline."""
    marks = [
        (
            label,
            mark_safe(
                '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
                f'focusable="false">{shape(kind, 10, 10)}</svg>'
            ),
        )
        for kind, label in EVENT_KINDS.items()
    ]
    bands = [
        (
            SYSTEMS[system].split(":")[0] + " stage",
            mark_safe(
                '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" '
                f'focusable="false"><rect x="1" y="6" width="18" height="8" '
                f'fill="{BAND_COLOURS[system]}"></rect></svg>'
            ),
        )
        for system in ("threat", "drive", "soothing")
    ]
    return marks + bands
