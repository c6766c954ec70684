"""Printed invitation links: slips with a link and a QR code for staff without email."""

from __future__ import annotations

import secrets

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted
from echoorg.orgs.models import Unit

from .. import services
from ..forms import PrintLinksForm
from ._common import wave_for

# The session's one-time keys of the print form (the last ten shown), so that sending a
# form twice (a reload of the sheet) prints nothing twice.
ONCE_KEYS = "print_links_once"


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code, drawn here (no image fetched from anywhere)."""
    return segno.make(link, error="m").svg_inline(
        scale=3, dark="#000", light="#fff", title="QR code of the survey link on this slip"
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def wave_links(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    """GET: choose a unit. POST: issue its fresh links and show them as a printable sheet.

    The sheet is the POST's own answer, never stored or redirected to: the links exist
    nowhere else (only their hashes are kept). Each form carries a one-time key, and
    without 'replace' only people with no printed link yet get one, so neither a reload
    nor a second click voids slips already printed.
    """
    org, wave = wave_for(request, slug, wave_id, "survey.manage")
    units = list(
        Unit.objects.filter(organisation=org, pk__in=wave.invitations.values("unit")).order_by(
            "name"
        )
    )
    form = PrintLinksForm(units, submitted(request))
    problem = ""
    status = 200
    keys = list(request.session.get(ONCE_KEYS, []))
    if request.method == "POST" and request.POST.get("once") not in keys:
        # A reload of the sheet sends the form again; with 'replace' ticked it would void
        # the slips just printed. Each form may be sent once.
        problem = (
            "This form was sent already (perhaps by reloading the page), so nothing was "
            "printed again: the slips printed from it still work."
        )
        status = 409
    elif request.method == "POST":
        keys.remove(request.POST["once"])
        request.session[ONCE_KEYS] = keys
        status = 400
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            try:
                printed = services.print_links(
                    request.user,
                    wave,
                    unit,
                    request.build_absolute_uri("/"),
                    replace=form.cleaned_data["replace"],
                )
            except ValidationError as exc:
                problem = " ".join(exc.messages)
                status = 409
            else:
                if printed.links:
                    return render(
                        request,
                        "diagnostic/printed_links.html",
                        {
                            "org": org,
                            "wave": wave,
                            "unit": unit,
                            "slips": [(link, qr_svg(link)) for link in printed.links],
                        },
                    )
                problem = (
                    f"Nothing to print for {unit.name}: everyone there has answered or "
                    "already has a printed link. To print their links again, tick "
                    "'Replace slips printed before'."
                    if printed.already_printed
                    else f"Nothing to print for {unit.name}: everyone there has answered."
                )
                status = 200
    elif not wave.accepts_answers():
        problem = "Links can only be printed while the wave is open."
    once = secrets.token_urlsafe(16)
    request.session[ONCE_KEYS] = [*request.session.get(ONCE_KEYS, [])[-9:], once]
    return render(
        request,
        "diagnostic/print_links.html",
        {
            "org": org,
            "wave": wave,
            "form": form,
            "problem": problem,
            "counts": services.invitation_counts(wave),
            "once": once,
        },
        status=status,
    )
