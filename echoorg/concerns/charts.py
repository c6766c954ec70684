"""A case's timeline as an accessible SVG: steps in lanes, clocks as dashed lines."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.concerns.clocks import DEFENSIVE_RESPONSES, describe_step

LANES = [
    (
        "Handling",
        {
            "received",
            "acknowledged",
            "assessed",
            "investigation_opened",
            "feedback_given",
            "concluded",
            "reopened",
        },
        "#1d4f91",
    ),
    ("Protection", {"external_referral", "protective_action"}, "#1e6b3a"),
    ("Defensive responses", set(DEFENSIVE_RESPONSES), "#b3261e"),
    ("Reporter's wellbeing", {"detriment_reported", "detriment_check"}, "#6a3d9a"),
]
CLOCK_LABELS = {
    "acknowledge": "Acknowledge by",
    "feedback": "Feedback by",
    "protection": "Refer or protect by",
}


def timeline_svg(concern, deadlines: dict, analysis: dict, today: dt.date) -> SafeString:
    events = list(concern.events.all())
    start = concern.received_on
    clock_dates = [d for key, d in deadlines.items() if key in CLOCK_LABELS and d]
    end = max([today, *[e.date for e in events], *clock_dates])
    span = max((end - start).days, 1)
    width, left, right, lane_h, top = 900, 170, 30, 44, 62
    height = top + lane_h * len(LANES) + 40
    plot = width - left - right

    def x(day: dt.date) -> float:
        return left + plot * (day - start).days / span

    body = []
    for n, (name, _, _colour) in enumerate(LANES):
        y = top + n * lane_h + lane_h / 2
        body.append(
            f'<text x="{left - 10}" y="{y + 4:.0f}" font-size="13" text-anchor="end" '
            f'fill="#1b1b1f">{escape(name)}</text><line x1="{left}" x2="{left + plot}" '
            f'y1="{y:.0f}" y2="{y:.0f}" stroke="#c9c9d2"></line>'
        )
    late = set(analysis.get("breaches", []))
    for row, (key, label) in enumerate(CLOCK_LABELS.items()):
        due = deadlines.get(key)
        if not due:
            continue
        # Each clock's label on its own line, so close deadlines stay readable.
        label_y = 14 + row * 15
        anchor = "end" if x(due) > left + plot * 0.6 else "start"
        shift = -3 if anchor == "end" else 3
        breached = f"{key}_late" in late
        colour = "#b3261e" if breached else "#4a4a55"
        body.append(
            f'<line x1="{x(due):.1f}" x2="{x(due):.1f}" y1="{label_y + 3}" '
            f'y2="{height - 34}" stroke="{colour}" stroke-dasharray="5 4"></line>'
            f'<text x="{x(due) + shift:.1f}" y="{label_y}" font-size="11" '
            f'text-anchor="{anchor}" fill="{colour}">{escape(label)} {due:%-d %b %Y}'
            f"{' (missed)' if breached else ''}</text>"
        )
    for event in events:
        lane = next((n for n, (_, kinds, _) in enumerate(LANES) if event.type in kinds), 0)
        colour = LANES[lane][2]
        y = top + lane * lane_h + lane_h / 2
        label = escape(f"{describe_step(event.type, event.detail)}, {event.date:%-d %b %Y}")
        if event.type in DEFENSIVE_RESPONSES:
            cx = x(event.date)
            body.append(
                f'<path d="M{cx:.1f} {y - 8:.0f} L{cx + 8:.1f} {y:.0f} L{cx:.1f} '
                f'{y + 8:.0f} L{cx - 8:.1f} {y:.0f} Z" fill="{colour}">'
                f"<title>{label}</title></path>"
            )
        else:
            body.append(
                f'<circle cx="{x(event.date):.1f}" cy="{y:.0f}" r="6" fill="{colour}">'
                f"<title>{label}</title></circle>"
            )
    body.append(
        f'<text x="{left}" y="{height - 12}" font-size="12" fill="#4a4a55">'
        f'{start:%-d %b %Y}</text><text x="{left + plot}" y="{height - 12}" '
        f'font-size="12" text-anchor="end" fill="#4a4a55">{end:%-d %b %Y}</text>'
    )
    described = "; ".join(
        f"{describe_step(e.type, e.detail)} on {e.date:%-d %B %Y}" for e in events
    )
    clocks = "; ".join(
        f"{CLOCK_LABELS[k]} {deadlines[k]:%-d %B %Y}" + (" (missed)" if f"{k}_late" in late else "")
        for k in CLOCK_LABELS
        if deadlines.get(k)
    )
    title = f"Timeline of concern {concern.reference}"
    return mark_safe(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="tl-t" aria-describedby="tl-d"><title id="tl-t">{escape(title)}</title>'
        f'<desc id="tl-d">{escape(described)}. Clocks: {escape(clocks or "none")}.</desc>'
        f"{''.join(body)}</svg>"
    )
