"""Accessible SVG pictures of results: circles and trend lines (the heatmap is a table,
whose colour key is `legend`).

Every picture is an <svg role="img"> with a <title> and <desc> text alternative, drawn
here as markup, so pages need no script and nothing from another host. Text that comes
from data is escaped; numbers are formatted here.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from echoorg.core.diagnostic.meaning import BANDS, palette
from echoorg.core.diagnostic.profile import COLOURS, Profile

SERIES_COLOURS = [
    "#b3261e",
    "#1d4f91",
    "#1e6b3a",
    "#6a3d9a",
    "#8a5a00",
    "#00687a",
    "#5c5c5c",
    "#a5105a",
    "#2f4b00",
    "#003f88",
]


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


def trend_svg(
    title: str,
    waves: list[str],
    series: dict[str, list[float | None]],
    low: float,
    high: float,
    key: str = "trend",
) -> SafeString:
    """Lines across waves, one per scale; a gap where a figure was suppressed."""
    width, height, left, right, top, bottom = 760, 270, 40, 270, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(waves), 2)

    def px(i: int) -> float:
        return left + plot_w * i / (count - 1)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    body = []
    for tick in range(int(low), int(high) + 1):
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{py(tick):.1f}" '
            f'y2="{py(tick):.1f}" stroke="#c9c9d2"></line><text x="{left - 6}" '
            f'y="{py(tick) + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#4a4a55">{tick}</text>'
        )
    for i, wave in enumerate(waves):
        anchor = "start" if i == 0 else "end" if i == len(waves) - 1 else "middle"
        body.append(
            f'<text x="{px(i):.1f}" y="{height - 16}" font-size="12" '
            f'text-anchor="{anchor}" fill="#4a4a55">{escape(wave[:32])}</text>'
        )
    for n, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        run: list[str] = []
        for i, value in enumerate([*values, None]):
            if value is None:
                if len(run) > 1:
                    body.append(
                        f'<polyline points="{" ".join(run)}" fill="none" '
                        f'stroke="{colour}" stroke-width="2.5"></polyline>'
                    )
                run = []
                continue
            run.append(f"{px(i):.1f},{py(value):.1f}")
            body.append(
                f'<circle cx="{px(i):.1f}" cy="{py(value):.1f}" r="3.5" fill="{colour}"></circle>'
            )
        body.append(
            f'<rect x="{width - right + 12}" y="{top + n * 18}" width="12" height="12" '
            f'fill="{colour}"></rect><text x="{width - right + 30}" '
            f'y="{top + n * 18 + 10}" font-size="12" fill="#1b1b1f">{escape(name)}</text>'
        )
    described = "; ".join(
        f"{name}: " + ", ".join("suppressed" if v is None else f"{v:.2f}" for v in values)
        for name, values in series.items()
    )
    return _svg("trend", width, height, key, title, f"Waves: {', '.join(waves)}. {described}", body)
