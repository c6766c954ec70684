"""The three-systems trajectory of a play as SVG markup (geometry from the pure core,
echoorg.core.scenarios.trajectory). No script, nothing fetched; the page gives the same
figures as a table beside it."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.scenarios.trajectory import SERIES, marker_path, trajectory_chart


def trajectory_svg(steps: list[dict[str, int]], title: str) -> SafeString:
    chart = trajectory_chart(steps)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" role="img" '
        f'aria-labelledby="trajectory-title trajectory-desc" class="trajectory">',
        f'<title id="trajectory-title">{escape(title)}</title>',
        '<desc id="trajectory-desc">Threat, drive and soothing, each from 0 to 10, at the '
        "start and after each decision. The table below the chart gives the same figures."
        "</desc>",
    ]
    for tick in chart.y_ticks:
        parts.append(
            f'<line x1="{chart.left}" y1="{tick.position:.1f}" x2="{chart.right}" '
            f'y2="{tick.position:.1f}" stroke="#c9c9d2" stroke-width="1"></line>'
            f'<text x="{chart.left - 8}" y="{tick.position + 4:.1f}" text-anchor="end" '
            f'font-size="12" fill="#4a4a55">{tick.label}</text>'
        )
    for tick in chart.x_ticks:
        parts.append(
            f'<text x="{tick.position:.1f}" y="{chart.bottom + 18}" text-anchor="middle" '
            f'font-size="12" fill="#4a4a55">{escape(tick.label)}</text>'
        )
    parts.append(
        f'<text x="{(chart.left + chart.right) / 2:.1f}" y="{chart.height - 6}" '
        'text-anchor="middle" font-size="12" fill="#4a4a55">Decision</text>'
    )
    for series in chart.series:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        parts.append(
            f'<g aria-hidden="true"><polyline points="{series.polyline}" fill="none" '
            f'stroke="{series.colour}" stroke-width="2.5"{dash}></polyline>'
        )
        for p in series.points:
            parts.append(
                f'<path d="{marker_path(series.marker, p.x, p.y)}" fill="{series.colour}"></path>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def legend() -> list[tuple[str, str, SafeString]]:
    """(system, label, a small SVG swatch with the line style and marker) for the key."""

    rows = []
    for system, (label, colour, dash, marker) in SERIES.items():
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        swatch = mark_safe(
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="16" aria-hidden="true">'
            f'<line x1="2" y1="8" x2="38" y2="8" stroke="{colour}" stroke-width="2.5"{dashed}>'
            f'</line><path d="{marker_path(marker, 20, 8, 4)}" fill="{colour}"></path></svg>'
        )
        rows.append((system, label, swatch))
    return rows
