"""The survey instruments an organisation can use: the list, adding one, and one
instrument's scales and items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted, submitted_files
from echoorg.core.diagnostic.instrument import (
    InstrumentError,
    cached_instrument,
)
from echoorg.orgs.permissions import can, organisation_for

from .. import services
from ..forms import InstrumentUploadForm


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
    listed = [
        (key, title, cached_instrument(text))
        for key, (title, text) in services.instrument_choices(org).items()
    ]
    return render(
        request,
        "diagnostic/instruments.html",
        {
            "org": org,
            "instruments": listed,
            "form": form,
            "may_manage": may_manage,
            "problems": [problem] if problem else [],
        },
        status=400 if problem else 200,
    )


@login_required
def instrument_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    choices = services.instrument_choices(org)
    if key not in choices:
        raise Http404("No such instrument.")
    instrument = cached_instrument(choices[key][1])
    return render(
        request,
        "diagnostic/instrument.html",
        {
            "org": org,
            "instrument": instrument,
            "scales": [(s, instrument.items_of(s.id)) for s in instrument.scales],
        },
    )
