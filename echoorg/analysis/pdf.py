"""Render a template to PDF with WeasyPrint, fetching nothing: every picture is inline
SVG and the styles are in the template, so a closed network makes no difference and a
crafted link in an analysis cannot make the server request anything."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"echoorg's PDFs fetch nothing ({url[:60]})")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_refuse, base_url="about:blank").write_pdf()
