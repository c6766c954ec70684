"""The survey waves: the list, setting one up, and one wave's page (open, remind, close)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted
from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.units import Forest
from echoorg.orgs.models import Unit
from echoorg.orgs.permissions import can, organisation_for

from .. import services
from ..forms import FullRowsForm, WaveForm
from ..models import SurveyWave
from ._common import results_ready, wave_for


@login_required
def waves(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    all_waves = services.with_answered(org.waves.all())
    return render(
        request,
        "diagnostic/waves.html",
        {
            "org": org,
            "waves": all_waves,
            "may_manage": can(request.user, org, "survey.manage"),
            "closed": [w for w in all_waves if w.status == SurveyWave.CLOSED],
        },
    )


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
                request.user,
                org,
                title=data["title"],
                instrument_key=data["instrument"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                min_group=data["min_group"],
                units=data["units"],
                collection=data["collection"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                f"Wave '{wave.title}' set up. "
                + (
                    "Open it to send the links."
                    if wave.uses_links
                    else "Open it, then import the answers collected by the other tool."
                ),
            )
            return redirect("wave", slug=org.slug, wave_id=wave.pk)
    return render(request, "diagnostic/wave_new.html", {"org": org, "form": form})


def _response_rates(wave: SurveyWave) -> list[dict]:
    """Per unit (with the units below it): invited and response rate, shown only where the
    number who answered passes the same suppression rules as the results."""
    units = list(Unit.objects.filter(organisation=wave.organisation).order_by("pk"))
    position = {u.pk: i for i, u in enumerate(units)}
    parents = [position[u.parent_id] if u.parent_id else -1 for u in units]
    invited = dict(wave.invitations.values("unit").annotate(n=Count("id")).values_list("unit", "n"))
    answered = dict(
        wave.invitations.filter(completed=True)
        .values("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
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
        rows.append(
            {
                "unit": unit.name,
                "invited": n_invited if visible else None,
                "rate": round(100 * n_answered / n_invited) if visible else None,
            }
        )
    return sorted(rows, key=lambda r: r["unit"].lower())


@login_required
@require_http_methods(["GET", "POST"])
def wave_detail(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.view")
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
                messages.success(
                    request, f"Reminders sent to {sent} people who have not answered yet."
                )
            elif "close" in request.POST:
                # Closing is irreversible, so it is confirmed on its own page first.
                return redirect("wave_close", slug=org.slug, wave_id=wave.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("wave", slug=org.slug, wave_id=wave.pk)
    totals = services.invitation_counts(wave)
    return render(
        request,
        "diagnostic/wave.html",
        {
            "org": org,
            "wave": wave,
            "may_manage": may_manage,
            "totals": totals,
            "responses": services.answered_count(wave),
            "rates": _response_rates(wave) if wave.uses_links else [],
            "results_ready": results_ready(wave),
            "may_export_rows": can(request.user, org, "survey.rows"),
            "may_export_full_rows": can(request.user, org, "survey.rows_full"),
            "full_rows_form": FullRowsForm(),
            # The demo and a fresh install write emails to the server's console: say so,
            # or a facilitator would wait for links nobody received.
            "emails_to_console": settings.EMAIL_BACKEND.endswith("console.EmailBackend"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_close(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """Close a wave after saying what that means: no more answers, results released, and
    no way back. GET asks; POST closes."""
    org, wave = wave_for(request, slug, wave_id, "survey.manage")
    if wave.status != SurveyWave.OPEN:
        messages.error(request, "Only an open wave can be closed.")
        return redirect("wave", slug=org.slug, wave_id=wave.pk)
    if request.method == "POST":
        try:
            services.close_wave(request.user, wave)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The wave is closed and its results are released.")
        return redirect("wave", slug=org.slug, wave_id=wave.pk)
    days_early = (wave.closes_on - timezone.localdate()).days
    return render(
        request,
        "diagnostic/wave_close.html",
        {
            "org": org,
            "wave": wave,
            "days_early": days_early,
            "responses": services.answered_count(wave),
            "invited": wave.invitations.count(),
        },
    )
