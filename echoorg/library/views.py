"""The library's pages: the case list with its filters, a case, the taxonomy (and an
organisation's own codes), and the cross-inquiry view.

The library is the same for every organisation and public material, so every member may
read it (`library.view`); only facilitators add their organisation's own codes
(`library.codes.manage`). Pages are reached within an organisation, so outsiders get
"not found" like everywhere else.
"""

from __future__ import annotations

import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from echoorg.common.forms import submitted
from echoorg.core.diagnostic.instrument import find_instrument
from echoorg.core.library import export
from echoorg.core.library.cases import EVENT_KINDS
from echoorg.core.library.codebook import LibraryError
from echoorg.core.library.figures import case_figures
from echoorg.core.library.shipped import library
from echoorg.orgs.permissions import can, organisation_for

from . import charts, services
from .forms import EventFilterForm, LibraryFilterForm, OrganisationCodeForm, ScaleForm

DIAGNOSTIC_INSTRUMENT = "echo-culture-v1"


@functools.cache
def diagnostic_scales() -> dict[str, str]:
    """The culture diagnostic's scales by id, with their names (parsed once)."""
    return {s.id: s.name for s in find_instrument(DIAGNOSTIC_INSTRUMENT).scales}


@login_required
@require_GET
def library_home(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "library.view")
    lib = library()
    form = LibraryFilterForm(request.GET or None, lib.codebook, lib.sectors)
    cases = list(lib.cases)
    status = 200
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data
            if chosen["sector"]:
                cases = [c for c in cases if c.sector == chosen["sector"]]
            for key in ("mechanism", "code"):
                if chosen[key]:
                    cases = [c for c in cases if chosen[key] in c.code_ids]
        else:
            status = 400
            cases = []
    mechanisms = lib.codebook.mechanisms
    rows = [
        {
            "case": case,
            "figures": case_figures(case),
            "mechanisms": [m for m in mechanisms if m.id in case.code_ids],
        }
        for case in cases
    ]
    return render(
        request,
        "library/library.html",
        {"org": org, "form": form, "rows": rows, "total": len(lib.cases)},
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, slug: str, case_id: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "library.view")
    lib = library()
    case = lib.case(case_id)
    if case is None:
        raise Http404("No such case in the library.")
    figures = case_figures(case)
    codebook = lib.codebook
    return render(
        request,
        "library/case.html",
        {
            "org": org,
            "case": case,
            "figures": figures,
            "timeline": charts.timeline_svg(case, figures),
            "legend": charts.legend(),
            "events": [
                {
                    "event": e,
                    "date": charts.event_date_text(e),
                    "codes": [codebook.code(c) for c in case.codes_of(e.id)],
                }
                for e in case.events
            ],
            "codes": [
                {
                    "code": codebook.code(link.code),
                    "link": link,
                    "events": [case.event(e) for e in link.events],
                }
                for link in case.codes
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "library.view")
    may_manage = can(request.user, org, "library.codes.manage")
    lib = library()
    form = OrganisationCodeForm(submitted(request), lib.codebook)
    scales = diagnostic_scales()
    scale_form = ScaleForm(request.GET or None, scales)
    status = 200
    scale, scale_codes = "", []
    if scale_form.is_bound:
        if scale_form.is_valid():
            scale = scale_form.cleaned_data["scale"]
            scale_codes = [lib.codebook.code(c) for c in lib.codebook.codes_measured_by(scale)]
        else:
            status = 400
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow adding codes.")
        if form.is_valid():
            try:
                added = services.add_organisation_code(request.user, org, form.as_code_data())
            except LibraryError as exc:
                field, _, message = str(exc).partition(": ")
                field = field.split(".")[-1].split("[")[0]
                form.add_error(field if field in form.fields else None, message or str(exc))
            else:
                messages.success(request, f"Code '{added.name}' added for {org.name}.")
                return redirect("library_taxonomy", slug=org.slug)
        status = 400
    families = [
        {
            "family": family,
            "codes": [
                {
                    "code": code,
                    "cases": lib.cases_with(code.id),
                    "scales": [
                        (sid, scales.get(sid, sid))
                        for sid in lib.codebook.scales_measuring(code.id)
                    ],
                }
                for code in lib.codebook.codes_of(family.id)
            ],
        }
        for family in lib.codebook.families
    ]
    return render(
        request,
        "library/taxonomy.html",
        {
            "org": org,
            "codebook": lib.codebook,
            "families": families,
            "own_codes": services.organisation_codes(org),
            "may_manage": may_manage,
            "form": form,
            "scale_form": scale_form,
            "scale": scales.get(scale, ""),
            "scale_codes": scale_codes,
        },
        status=status,
    )


@login_required
@require_GET
def events(request: HttpRequest, slug: str) -> HttpResponse:
    """Library events of one kind, or one speak-up step, across every case: where a
    concern's defensive step (say, the reporter asked to apologise) leads."""
    org, _ = organisation_for(request.user, slug, "library.view")
    lib = library()
    form = EventFilterForm(request.GET or None)
    found = []
    status = 200
    chosen = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    if chosen:
        kind, step = form.cleaned_data["kind"], form.cleaned_data["step"]
        found = [
            (case, event, charts.event_date_text(event))
            for case in lib.cases
            for event in case.events
            if (not kind or event.kind == kind) and (not step or event.speak_up_step == step)
        ]
    elif form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "library/events.html",
        {"org": org, "form": form, "found": found, "chosen": chosen},
        status=status,
    )


@login_required
@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Every case's warning-to-action delay side by side, and the case-by-code matrix."""
    org, _ = organisation_for(request.user, slug, "library.view")
    lib = library()
    rows = [(case, case_figures(case)) for case in lib.cases]
    longest = max((f.years_warning_to_action or 0 for _, f in rows), default=0) or 1
    delays = [
        {
            "case": case,
            "figures": figures,
            "width": round(100 * (figures.years_warning_to_action or 0) / longest, 1),
        }
        for case, figures in sorted(rows, key=lambda r: -(r[1].years_warning_to_action or -1))
    ]
    used = [c for c in lib.codebook.codes if lib.cases_with(c.id)]
    matrix = [
        {"code": code, "cells": [code.id in case.code_ids for case in lib.cases]}
        for code in sorted(used, key=lambda c: -len(lib.cases_with(c.id)))
    ]
    return render(
        request,
        "library/compare.html",
        {
            "org": org,
            "delays": delays,
            "cases": lib.cases,
            "matrix": matrix,
            "kinds": EVENT_KINDS,
        },
    )


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _download(body: str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def codebook_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The shipped codebook for researchers: JSON (nested) or CSV (one row per code)."""
    organisation_for(request.user, slug, "library.view")
    if fmt not in EXPORT_TYPES:
        raise Http404("The codebook comes as .csv or .json.")
    codebook = library().codebook
    if fmt == "json":
        body = json.dumps(export.codebook_object(codebook), indent=2, ensure_ascii=False)
    else:
        body = export.codebook_csv(codebook)
    return _download(body, fmt, f"{codebook.id}-v{codebook.version}")


@login_required
@require_GET
def cases_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Every case for researchers: JSON (whole cases with figures) or CSV (one row per
    event, with its sources)."""
    organisation_for(request.user, slug, "library.view")
    if fmt not in EXPORT_TYPES:
        raise Http404("The cases come as .csv or .json.")
    cases = library().cases
    if fmt == "json":
        body = json.dumps([export.case_object(c) for c in cases], indent=2, ensure_ascii=False)
        return _download(body, fmt, "inquiry-cases")
    return _download(export.events_csv(cases), fmt, "inquiry-events")
