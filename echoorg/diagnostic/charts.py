"""Accessible SVG pictures of results: circles and small trend charts (the heatmap is a
table, whose colour key is `legend`).

Every picture is an <svg role="img"> with a <title> and <desc> text alternative, drawn
here as markup, so pages need no script and nothing from another host. Text that comes
from data is escaped; numbers are formatted here.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.diagnostic.meaning import BANDS, palette
from echoorg.core.diagnostic.profile import COLOURS, Profile
from echoorg.core.diagnostic.trends import SmallChart


def _svg(
    css: str, width: int, height: int, key: str, title: str, desc: str, body: list[str]
) -> SafeString:
    return mark_safe(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{key}-t {key}-d"><title id="{key}-t">{escape(title)}</title>'
        f'<desc id="{key}-d">{escape(desc)}</desc>{"".join(body)}</svg>'
    )


def circles_svg(profile: Profile, label: str, key: str = "circles") -> SafeString:
    """Three circles side by side, each with area proportional to its system's mean."""
    body = []
    for n, circle in enumerate(profile.circles):
        x = 70 + n * 140
        body.append(
            f'<circle cx="{x}" cy="75" r="{circle.radius:.1f}" '
            f'fill="{COLOURS[circle.system]}" fill-opacity="0.85"></circle>'
            f'<text x="{x}" y="162" text-anchor="middle" font-size="15" fill="#1b1b1f">'
            f"{escape(circle.system.capitalize())} {circle.mean:.2f}</text>"
        )
    return _svg(
        "circles",
        420,
        172,
        key,
        f"Three-systems profile of {label}",
        profile.text_alternative,
        body,
    )


LEGEND_TEXT = {
    "threat": "Threat system: red, darker where the threat system is stronger (▲ higher is worse).",
    "drive": "Drive system: blue, darker where drive is stronger (▲ higher is better).",
    "soothing": "Soothing system: green, darker where soothing is stronger (▲ higher is better).",
    "concern": "Other scales: amber, darker where the figure is more worth looking at: "
    "higher where higher is worse, lower where higher is better.",
    "neutral": "Scales whose instrument does not say which way is better: grey, darker "
    "where higher.",
}


def legend(scales) -> list[dict]:
    """The heatmap's colour key for the palettes these scales use (meaning.palette), each
    with its lightest to darkest swatch classes and a sentence."""
    used = []
    for scale in scales:
        name = palette(scale)
        if name not in used:
            used.append(name)
    return [
        {
            "palette": name,
            "swatches": [f"heat-{name}-{band}" for band in range(BANDS)],
            "text": LEGEND_TEXT[name],
        }
        for name in used
    ]


def small_chart_svg(chart: SmallChart, key: str) -> SafeString:
    """One scale's small chart (geometry from `echoorg.core.diagnostic.trends`): value
    ticks on the shared range, a line through consecutive shown waves, a point per shown
    figure and, where a figure is hidden, no point but a dashed marker labelled 'hidden'."""
    left, right = chart.plot_left, chart.plot_right
    top, bottom = chart.plot_top, chart.plot_bottom
    body = []
    for tick in chart.y_ticks:
        body.append(
            f'<line x1="{left}" x2="{right}" y1="{tick.position}" y2="{tick.position}" '
            f'stroke="#dcdce3"></line><text x="{left - 5}" y="{tick.position + 4:.1f}" '
            f'font-size="11" text-anchor="end" fill="#4a4a55">{escape(tick.label)}</text>'
        )
    for tick in chart.x_ticks:
        body.append(
            f'<line x1="{tick.position}" x2="{tick.position}" y1="{bottom}" '
            f'y2="{bottom + 4}" stroke="#4a4a55"></line>'
        )
        if tick.label:
            body.append(
                f'<text x="{tick.position}" y="{bottom + 18}" font-size="11" '
                f'text-anchor="{tick.anchor}" fill="#4a4a55">{escape(tick.label)}</text>'
            )
    for gap in chart.gaps:
        # The label stands beside the marker, halfway up, inside the plot.
        nudge = {"start": 3, "end": -3}.get(gap.anchor, 0)
        body.append(
            f'<line class="gap" x1="{gap.x}" x2="{gap.x}" y1="{top}" y2="{bottom}" '
            f'stroke="#6b6b76" stroke-dasharray="3 3"></line><text x="{gap.x + nudge:.1f}" '
            f'y="{(top + bottom) / 2 + 4:.1f}" font-size="11" text-anchor="{gap.anchor}" '
            f'fill="#4a4a55" stroke="#fff" stroke-width="3" paint-order="stroke">hidden</text>'
        )
    for run in chart.runs:
        if len(run) > 1:
            points = " ".join(f"{p.x},{p.y}" for p in run)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{chart.colour}" '
                f'stroke-width="2.5"></polyline>'
            )
    for point in chart.points:
        body.append(
            f'<circle cx="{point.x}" cy="{point.y}" r="4" fill="{chart.colour}" '
            f'stroke="#fff" stroke-width="1.5"></circle>'
        )
    return _svg(
        "small-trend",
        chart.width,
        chart.height,
        key,
        f"{chart.name} across waves",
        chart.description,
        body,
    )
