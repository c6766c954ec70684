from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from echoorg.audit.log import record
from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.diagnostic.instrument import InstrumentError, load_instrument_text
from echoorg.core.diagnostic.profile import PATTERNS
from echoorg.core.diagnostic.psychometrics import reliability_verdict, three_decimals
from echoorg.core.diagnostic.research_readme import rows_readme
from echoorg.core.diagnostic.responses import (
    ResponseFileError,
)
from echoorg.core.diagnostic.xlsx_limits import XlsxTooLarge
from echoorg.core.units import Forest, keyed_forest
from echoorg.orgs.models import Unit
from echoorg.orgs.permissions import can, organisation_for
from echoorg.web.forms import submitted, submitted_files

from . import services
from .charts import circles_svg, heat_class, trend_svg
from .exports import results_csv, results_xlsx, rows_csv, units_csv
from .forms import FullRowsForm, InstrumentUploadForm, UploadForm, WaveForm
from .models import PendingResponse, Response, ResponseImport, SurveyWave
from .results import (
    WHOLE_ORGANISATION,
    comments_for,
    demographic_cut,
    wave_reliability,
    wave_results,
    whole_organisation,
)


def _wave(request: HttpRequest, slug: str, wave_id: int, action: str):  # noqa: ANN202
    org, member = organisation_for(request.user, slug, action)
    wave = get_object_or_404(SurveyWave, pk=wave_id, organisation=org)
    return org, wave


def _results_ready(wave: SurveyWave) -> bool:
    """Figures appear once a wave has closed, so no two releases can be subtracted."""
    return wave.status == SurveyWave.CLOSED


@login_required
def waves(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    # Separate subqueries: one query joining both tables would pair every invitation
    # with every response.
    answered = (Response.objects.filter(wave=OuterRef("pk")).values("wave")
                .annotate(n=Count("id")).values("n"))
    pending = (PendingResponse.objects.filter(wave=OuterRef("pk")).values("wave")
               .annotate(n=Count("id")).values("n"))
    all_waves = org.waves.annotate(answered=Coalesce(Subquery(answered), 0)
                                   + Coalesce(Subquery(pending), 0))
    return render(request, "diagnostic/waves.html", {
        "org": org, "waves": all_waves, "may_manage": can(request.user, org, "survey.manage"),
        "closed": [w for w in all_waves if w.status == SurveyWave.CLOSED],
    })


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.manage")
    choices = services.instrument_choices(org)
    form = WaveForm(org, choices, submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = services.create_wave(
                request.user, org, title=data["title"], instrument_key=data["instrument"],
                opens_on=data["opens_on"], closes_on=data["closes_on"],
                min_group=data["min_group"], units=data["units"],
                collection=data["collection"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Wave '{wave.title}' set up. " + (
                "Open it to send the links." if wave.uses_links else
                "Open it, then import the answers collected by the other tool."))
            return redirect("wave", slug=org.slug, wave_id=wave.pk)
    return render(request, "diagnostic/wave_new.html", {"org": org, "form": form})


def _response_rates(wave: SurveyWave) -> list[dict]:
    """Per unit (with the units below it): invited and response rate, shown only where the
    number who answered passes the same suppression rules as the results."""
    units = list(Unit.objects.filter(organisation=wave.organisation).order_by("pk"))
    position = {u.pk: i for i, u in enumerate(units)}
    parents = [position[u.parent_id] if u.parent_id else -1 for u in units]
    invited = dict(wave.invitations.values("unit").annotate(n=Count("id"))
                   .values_list("unit", "n"))
    answered = dict(wave.invitations.filter(completed=True).values("unit")
                    .annotate(n=Count("id")).values_list("unit", "n"))
    own_answered = [answered.get(u.pk, 0) for u in units]
    shown = suppress_hierarchy(parents, own_answered, wave.min_group) if units else []
    # One pass up the tree for every unit's totals: linear in units, at any depth.
    forest = Forest.from_parents(parents)
    all_invited = forest.subtree_sums([invited.get(u.pk, 0) for u in units])
    all_answered = forest.subtree_sums(own_answered)
    rows = []
    for i, unit in enumerate(units):
        n_invited = all_invited[i]
        if n_invited == 0:
            continue
        n_answered = all_answered[i]
        visible = shown[i] and n_invited >= wave.min_group
        rows.append({"unit": unit.name, "invited": n_invited if visible else None,
                     "rate": round(100 * n_answered / n_invited) if visible else None})
    return sorted(rows, key=lambda r: r["unit"].lower())


@login_required
@require_http_methods(["GET", "POST"])
def wave_detail(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = _wave(request, slug, wave_id, "survey.view")
    may_manage = can(request.user, org, "survey.manage")
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow changing waves.")
        base = request.build_absolute_uri("/")
        try:
            if "open" in request.POST:
                sent = services.open_wave(request.user, wave, base)
                messages.success(request, f"The wave is open: {sent} people were sent a link.")
            elif "remind" in request.POST:
                sent = services.send_reminders(request.user, wave, base)
                messages.success(request, f"Reminders sent to {sent} people who have not "
                                          "answered yet.")
            elif "close" in request.POST:
                services.close_wave(request.user, wave)
                messages.success(request, "The wave is closed; its results are ready.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("wave", slug=org.slug, wave_id=wave.pk)
    totals = wave.invitations.aggregate(invited=Count("id"),
                                        answered=Count("id", filter=Q(completed=True)))
    return render(request, "diagnostic/wave.html", {
        "org": org, "wave": wave, "may_manage": may_manage, "totals": totals,
        "responses": services.answered_count(wave),
        "rates": _response_rates(wave) if wave.uses_links else [],
        "results_ready": _results_ready(wave), "may_export_rows": can(request.user, org,
                                                                      "survey.rows"),
        "may_export_full_rows": can(request.user, org, "survey.rows_full"),
        "full_rows_form": FullRowsForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def wave_import(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = _wave(request, slug, wave_id, "survey.manage")
    if not wave.uses_import:
        # Not offered, and a POST is refused before its file is even read.
        return render(request, "diagnostic/wave_import.html", {
            "org": org, "wave": wave, "refusal": services.LINKS_WAVE_REFUSAL}, status=409)
    form = UploadForm(submitted(request), submitted_files(request))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            if services.count_rows(upload.name, data) > services.BACKGROUND_ROWS:
                job = services.queue_import(request.user, wave, upload.name, data)
                return redirect("wave_import_job", slug=org.slug, wave_id=wave.pk,
                                import_id=job.pk)
            table = services.read_upload(upload.name, data, wave.instrument)
            count = services.import_responses(request.user, wave, table, "import")
        except ResponseFileError as exc:
            problems = [str(p) for p in exc.problems]
        except XlsxTooLarge as exc:
            problems = [str(exc)]
        except services.CollectionRefused as exc:
            problems = [exc.message]
        else:
            messages.success(request, f"Imported {count} responses.")
            return redirect("wave", slug=org.slug, wave_id=wave.pk)
    status = 400 if request.method == "POST" and (problems or form.errors) else 200
    return render(request, "diagnostic/wave_import.html", {
        "org": org, "wave": wave, "form": form, "problems": problems,
        "items": wave.instrument.item_ids, "background_rows": services.BACKGROUND_ROWS,
        "limits": services.XLSX_LIMITS, "jobs": wave.imports.all()[:5]}, status=status)


@login_required
def wave_import_job(request: HttpRequest, slug: str, wave_id: int,
                    import_id: str) -> HttpResponse:
    """A background import's progress and final status (the page polls the API)."""
    org, wave = _wave(request, slug, wave_id, "survey.manage")
    job = get_object_or_404(ResponseImport, pk=import_id, wave=wave, organisation=org)
    return render(request, "diagnostic/wave_import_job.html", {
        "org": org, "wave": wave, "job": job,
        "poll_url": f"/api/organisations/{org.slug}/waves/{wave.pk}/imports/{job.pk}"})


def _scale_rows(wave: SurveyWave, results, scales) -> list[dict]:  # noqa: ANN001
    low, high = wave.instrument.response_scale.min, wave.instrument.response_scale.max
    return [{"result": r, "cells": [
        {"value": r.means[s.id], "css": heat_class(r.means[s.id], low, high)} for s in scales]}
        for r in results]


@login_required
def wave_results_page(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = _wave(request, slug, wave_id, "survey.view")
    if not _results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave})
    instrument = wave.instrument
    results = wave_results(wave)
    by_pk = {r.unit.pk: r for r in results}
    unit_id = request.GET.get("unit", "")
    focus = by_pk.get(int(unit_id)) if unit_id.isdigit() else None
    focus = focus or by_pk[WHOLE_ORGANISATION]
    parent_of = {r.unit.pk: (r.unit.parent_id if r.unit.parent_id else WHOLE_ORGANISATION)
                 for r in results if r.unit.pk != WHOLE_ORGANISATION}
    children = [r for r in results if parent_of.get(r.unit.pk, -1) == focus.unit.pk]
    keys, forest = keyed_forest(parent_of)
    position = {key: i for i, key in enumerate(keys)}
    path = [by_pk[WHOLE_ORGANISATION].unit] if focus.unit.pk != WHOLE_ORGANISATION else []
    if focus.unit.pk in position:
        path += [by_pk[keys[a]].unit for a in forest.ancestors(position[focus.unit.pk])]
    cut_id = request.GET.get("cut", "")
    demographics = {d.id: d for d in instrument.demographics}
    cut_rows = demographic_cut(wave, focus.unit, cut_id, results) if cut_id in demographics \
        else None
    return render(request, "diagnostic/results.html", {
        "org": org, "wave": wave, "instrument": instrument, "focus": focus,
        "children": children, "path": path, "scales": instrument.scales,
        "circles": circles_svg(focus.profile, focus.unit.name) if focus.profile else None,
        "child_rows": _scale_rows(wave, [focus, *children], instrument.scales),
        "heat_rows": _scale_rows(wave, results, instrument.scales),
        "patterns": PATTERNS, "cut": demographics.get(cut_id), "cut_rows": cut_rows,
        "demographics": instrument.demographics,
        "comments": comments_for(wave, focus.unit, results),
        "hubris": "hubris_staff" in focus.means and "hubris_self" in focus.means,
        "may_export_rows": can(request.user, org, "survey.rows"),
    })


@login_required
def wave_results_export(request: HttpRequest, slug: str, wave_id: int,
                        fmt: str) -> HttpResponse:
    org, wave = _wave(request, slug, wave_id, "survey.view")
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX.")
    if not _results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave},
                      status=409)
    results = wave_results(wave)
    name = f"{org.slug}-wave{wave.pk}-units"
    record("wave.results_exported", actor=request.user, organisation=org, obj=wave, format=fmt)
    if fmt == "xlsx":
        response = HttpResponse(results_xlsx(wave, results), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
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
    org, wave = _wave(request, slug, wave_id, "survey.rows_full" if full else "survey.rows")
    if not _results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave},
                      status=409)
    if full:
        form = FullRowsForm(request.POST)
        if not form.is_valid():
            return render(request, "diagnostic/rows_full.html",
                          {"org": org, "wave": wave, "form": form}, status=400)
        reference = form.cleaned_data["agreement_reference"]
        services.release_full_rows(request.user, wave, reference)
    else:
        record("wave.rows_exported", actor=request.user, organisation=org, obj=wave,
               variant="k-anonymous")
    responses, background, release = rows_csv(wave, full=full)
    readme = rows_readme(wave.title, wave.instrument.key, wave.min_group, release,
                         agreement_reference=reference if full else None)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("responses.csv", responses)
        bundle.writestr("background.csv", background)
        bundle.writestr("units.csv", units_csv(wave))
        bundle.writestr("README.txt", readme)
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    variant = "full" if full else "deidentified"
    response["Content-Disposition"] = (f'attachment; filename="{org.slug}-wave{wave.pk}-'
                                       f'{variant}.zip"')
    return response


@login_required
def wave_psychometrics(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = _wave(request, slug, wave_id, "survey.view")
    if not _results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave})
    reliability = wave_reliability(wave)
    names = {s.id: s.name for s in wave.instrument.scales}
    # Item means of a handful of people are figures like any other: none below k.
    rows = [{"r": r, "name": names[r.scale], "alpha": three_decimals(r.alpha),
             "omega": three_decimals(r.omega), "verdict": reliability_verdict(r.alpha),
             "shown": r.n_complete >= wave.min_group}
            for r in reliability]
    return render(request, "diagnostic/psychometrics.html", {"org": org, "wave": wave,
                                                             "rows": rows})


@login_required
def trends(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    closed = list(org.waves.filter(status=SurveyWave.CLOSED).order_by("closes_on", "pk"))
    units = list(Unit.objects.filter(organisation=org).order_by("name"))
    if closed:
        units.insert(0, whole_organisation(closed[-1]))
    unit_id = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == unit_id), units[0] if units else None)
    chart, table, scales = None, [], []
    same_instrument = [w for w in closed if closed and w.instrument_id == closed[-1].instrument_id]
    if unit is not None and same_instrument:
        scales = same_instrument[-1].instrument.scales
        series: dict[str, list[float | None]] = {s.name: [] for s in scales}
        for wave in same_instrument:
            found = next((r for r in wave_results(wave) if r.unit.pk == unit.pk), None)
            row = {"wave": wave, "values": []}
            for s in scales:
                value = found.means.get(s.id) if found else None
                series[s.name].append(value)
                row["values"].append(value)
            table.append(row)
        scale = same_instrument[-1].instrument.response_scale
        chart = trend_svg(f"Scale means of {unit.name} across waves",
                          [w.title for w in same_instrument], series, scale.min, scale.max)
    return render(request, "diagnostic/trends.html", {
        "org": org, "units": units, "unit": unit, "chart": chart, "table": table,
        "scales": scales, "waves": same_instrument})


@login_required
@require_http_methods(["GET", "POST"])
def instruments(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    may_manage = can(request.user, org, "instruments.manage")
    form = InstrumentUploadForm(submitted(request), submitted_files(request))
    problem = ""
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow adding instruments.")
        if form.is_valid():
            try:
                custom = services.add_instrument(request.user, org, form.cleaned_data["file"])
            except InstrumentError as exc:
                problem = f"The instrument was refused: {exc}"
            else:
                messages.success(request, f"Instrument {custom} added.")
                return redirect("instruments", slug=org.slug)
    listed = [(key, title, load_instrument_text(text))
              for key, (title, text) in services.instrument_choices(org).items()]
    return render(request, "diagnostic/instruments.html", {
        "org": org, "instruments": listed, "form": form, "may_manage": may_manage,
        "problems": [problem] if problem else []}, status=400 if problem else 200)


@login_required
def instrument_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    choices = services.instrument_choices(org)
    if key not in choices:
        raise Http404("No such instrument.")
    instrument = load_instrument_text(choices[key][1])
    return render(request, "diagnostic/instrument.html", {
        "org": org, "instrument": instrument,
        "scales": [(s, instrument.items_of(s.id)) for s in instrument.scales]})
