"""A closed wave's results: the results page, exports, researchers' rows, reliability, and
trends across waves."""

from __future__ import annotations

import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from echoorg.audit.log import record
from echoorg.core.diagnostic.meaning import direction_symbol, heat_class, hubris_gap_sentence
from echoorg.core.diagnostic.profile import PATTERNS
from echoorg.core.diagnostic.psychometrics import reliability_verdict, three_decimals
from echoorg.core.diagnostic.research_readme import rows_readme
from echoorg.core.diagnostic.trends import (
    SYSTEM_COLOURS,
    ScaleSeries,
    signed_change,
    small_multiples,
)
from echoorg.core.library.shipped import library
from echoorg.orgs.models import Unit
from echoorg.orgs.permissions import can, organisation_for

from .. import services
from ..charts import circles_svg, legend, small_chart_svg
from ..exports import results_csv, results_xlsx, rows_csv, units_csv
from ..forms import FullRowsForm
from ..models import SurveyWave
from ..results import (
    WHOLE_ORGANISATION,
    demographic_cut,
    heatmap_html,
    heatmap_rows_html,
    result_tree,
    wave_reliability,
    wave_results,
    whole_organisation,
)
from ..scale_notes import scale_notes
from ._common import results_ready, wave_for
from .comments import comments_url, themed_comments


def _scale_rows(wave: SurveyWave, results, scales) -> list[dict]:
    """One row per unit, one cell per scale (the all-units heatmap's layout)."""
    low, high = wave.instrument.response_scale.min, wave.instrument.response_scale.max
    return [
        {
            "result": r,
            "cells": [
                {"value": r.means[s.id], "css": heat_class(r.means[s.id], low, high, s)}
                for s in scales
            ],
        }
        for r in results
    ]


def _rows_by_scale(wave: SurveyWave, results, scales) -> list[dict]:
    """One row per scale, one cell per unit: a unit and the units directly below it fit
    the page this way round (ten scales down the side, a handful of units across)."""
    low, high = wave.instrument.response_scale.min, wave.instrument.response_scale.max
    return [
        {
            "scale": s,
            "direction": direction_symbol(s),
            "cells": [
                {"value": r.means[s.id], "css": heat_class(r.means[s.id], low, high, s)}
                for r in results
            ],
        }
        for s in scales
    ]


def _chosen_scales(request: HttpRequest, scales) -> list[str] | None:
    """The scale ids ticked in the heatmap's form, in the instrument's order; None for
    all of them (nothing ticked, or only ids the instrument does not have)."""
    asked = set(request.GET.getlist("scale"))
    chosen = [s.id for s in scales if s.id in asked]
    return chosen if chosen and len(chosen) < len(scales) else None


@login_required
def wave_results_page(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.view")
    if not results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave})
    instrument = wave.instrument
    results = wave_results(wave)
    tree = result_tree(wave, results)
    unit_id = request.GET.get("unit", "")
    focus = tree.by_pk.get(int(unit_id)) if unit_id.isdigit() else None
    focus = focus or tree.by_pk[WHOLE_ORGANISATION]
    children = tree.children.get(focus.unit.pk, [])
    path = tree.path(focus.unit.pk)
    comment_groups = themed_comments(wave, focus, results)
    cut_id = request.GET.get("cut", "")
    demographics = {d.id: d for d in instrument.demographics}
    cut_rows = (
        demographic_cut(wave, focus.unit, cut_id, results) if cut_id in demographics else None
    )
    taxonomy_ids = {s.id for s in instrument.scales if s.id in library().scales}
    notes, previous = scale_notes(wave, focus, taxonomy_ids)
    chosen = _chosen_scales(request, instrument.scales)
    heat = (
        heatmap_html(wave, results)
        if chosen is None
        else heatmap_rows_html(wave, results, chosen)  # escaped when built
    )
    low, high = instrument.response_scale.min, instrument.response_scale.max
    gap = focus.hubris_gap
    return render(
        request,
        "diagnostic/results.html",
        {
            "org": org,
            "wave": wave,
            "instrument": instrument,
            "focus": focus,
            "children": children,
            "path": path,
            "scales": instrument.scales,
            "circles": circles_svg(focus.profile, focus.unit.name) if focus.profile else None,
            "unit_columns": [focus, *children],
            "scale_rows": _rows_by_scale(wave, [focus, *children], instrument.scales),
            "notes": notes,
            "previous": previous,
            "heat_scales": [
                {"scale": s, "direction": direction_symbol(s)}
                for s in instrument.scales
                if chosen is None or s.id in chosen
            ],
            "chosen": chosen or [s.id for s in instrument.scales],
            "heat_html": mark_safe(heat),  # escaped when built
            "palettes": legend(instrument.scales),
            "patterns": PATTERNS,
            "cut": demographics.get(cut_id),
            "cut_rows": cut_rows,
            "split_shown": any(row.n is not None for row in cut_rows or ()),
            "demographics": instrument.demographics,
            # The counts of comments by theme; the comments are on a page of their own.
            "comment_groups": comment_groups,
            "comment_summary": [
                (g, comments_url(org.slug, wave, focus.unit.pk, g.theme.key))
                for g in comment_groups or ()
            ],
            "comment_total": sum(g.count for g in comment_groups or ()),
            "comments_url": comments_url(org.slug, wave, focus.unit.pk),
            "hubris": "hubris_staff" in focus.means and "hubris_self" in focus.means,
            "hubris_sentence": None
            if gap is None
            else hubris_gap_sentence(
                focus.means["hubris_self"], focus.means["hubris_staff"], low, high
            ),
            "may_export_rows": can(request.user, org, "survey.rows"),
            "taxonomy_scales": [s for s in instrument.scales if s.id in taxonomy_ids],
        },
    )


@login_required
def wave_results_export(request: HttpRequest, slug: str, wave_id: int, fmt: str) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.view")
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX.")
    if not results_ready(wave):
        return render(
            request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave}, status=409
        )
    results = wave_results(wave)
    name = f"{org.slug}-wave{wave.pk}-units"
    record("wave.results_exported", actor=request.user, organisation=org, obj=wave, format=fmt)
    if fmt == "xlsx":
        response = HttpResponse(
            results_xlsx(wave, results),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    else:
        response = HttpResponse(results_csv(wave, results), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wave_rows_export(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """For researchers: a zip of responses.csv (scoring format), background.csv and
    units.csv, ready for `echoorg survey score`.

    GET gives k-anonymous rows (no combination of unit, audience and background answers
    shared by fewer than k). POST with a data-sharing agreement reference gives the
    background answers as given, to a researcher only; the reference is stored and
    written to the audit trail.
    """
    full = request.method == "POST"
    org, wave = wave_for(request, slug, wave_id, "survey.rows_full" if full else "survey.rows")
    if not results_ready(wave):
        return render(
            request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave}, status=409
        )
    if full:
        form = FullRowsForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "diagnostic/rows_full.html",
                {"org": org, "wave": wave, "form": form},
                status=400,
            )
        reference = form.cleaned_data["agreement_reference"]
        services.release_full_rows(request.user, wave, reference)
    else:
        record(
            "wave.rows_exported",
            actor=request.user,
            organisation=org,
            obj=wave,
            variant="k-anonymous",
        )
    responses, background, release = rows_csv(wave, full=full)
    readme = rows_readme(
        wave.title,
        wave.instrument.key,
        wave.min_group,
        release,
        agreement_reference=reference if full else None,
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("responses.csv", responses)
        bundle.writestr("background.csv", background)
        bundle.writestr("units.csv", units_csv(wave))
        bundle.writestr("README.txt", readme)
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    variant = "full" if full else "deidentified"
    response["Content-Disposition"] = (
        f'attachment; filename="{org.slug}-wave{wave.pk}-{variant}.zip"'
    )
    return response


@login_required
def wave_psychometrics(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.view")
    if not results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave})
    reliability = wave_reliability(wave)
    names = {s.id: s.name for s in wave.instrument.scales}
    # Item means of a handful of people are figures like any other: none below k.
    rows = [
        {
            "r": r,
            "name": names[r.scale],
            "alpha": three_decimals(r.alpha),
            "omega": three_decimals(r.omega),
            "verdict": reliability_verdict(r.alpha),
            "shown": r.n_complete >= wave.min_group,
        }
        for r in reliability
    ]
    return render(
        request, "diagnostic/psychometrics.html", {"org": org, "wave": wave, "rows": rows}
    )


def _hidden_reason(found, scale_id: str, wave: SurveyWave) -> str:
    """Why a unit's scale mean is not shown for a wave, in words for the page."""
    if found is None:
        return "this unit was not part of this wave"
    if not found.shown:
        return (
            f"fewer than {wave.min_group} people answered, or showing it would let a "
            "smaller group's answers be worked out"
        )
    if found.scale_n.get(scale_id) is None:
        return (
            f"fewer than {wave.min_group} people answered this scale, or showing it would "
            "let a smaller group's answers be worked out"
        )
    return "no answers to this scale"


@login_required
def trends(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    closed = list(org.waves.filter(status=SurveyWave.CLOSED).order_by("closes_on", "pk"))
    units = list(Unit.objects.filter(organisation=org).order_by("name"))
    if closed:
        units.insert(0, whole_organisation(closed[-1]))
    unit_id = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == unit_id), units[0] if units else None)
    charts, table, scale, shared_notes = [], [], None, []
    same_instrument = [w for w in closed if closed and w.instrument_id == closed[-1].instrument_id]
    if unit is not None and same_instrument:
        instrument = same_instrument[-1].instrument
        scale = instrument.response_scale
        values: dict[str, list[float | None]] = {s.id: [] for s in instrument.scales}
        reasons: dict[str, list[str]] = {s.id: [] for s in instrument.scales}
        for wave in same_instrument:
            services.ensure_wave_figures(wave)
            found = result_tree(wave, wave_results(wave)).by_pk.get(unit.pk)
            for s in instrument.scales:
                value = found.means.get(s.id) if found else None
                values[s.id].append(value)
                reasons[s.id].append("" if value is not None else _hidden_reason(found, s.id, wave))
        charts = small_multiples(
            [
                ScaleSeries(s.id, s.name, tuple(values[s.id]), tuple(reasons[s.id]))
                for s in instrument.scales
            ],
            [w.title for w in same_instrument],
            scale.min,
            scale.max,
        )
        # A note every chart has (the whole unit hidden in a wave) is said once, above them.
        shared_notes = [
            note for note in charts[0].notes if all(note in c.notes for c in charts[1:])
        ]
        for n, chart in enumerate(charts):
            table.append(
                {
                    "chart": chart,
                    "notes": [note for note in chart.notes if note not in shared_notes],
                    "shared_notes": len(shared_notes) if chart.gaps else 0,
                    "svg": small_chart_svg(chart, f"trend-{n}"),
                    "swatch": chart.scale_id if chart.scale_id in SYSTEM_COLOURS else "neutral",
                    "change": signed_change(chart.change),
                    "cells": list(
                        zip(values[chart.scale_id], reasons[chart.scale_id], strict=True)
                    ),
                }
            )
    return render(
        request,
        "diagnostic/trends.html",
        {
            "org": org,
            "units": units,
            "unit": unit,
            "rows": table,
            "shared_notes": shared_notes,
            "response_scale": scale,
            "waves": same_instrument,
        },
    )
