"""Send people who must use two-factor authentication, but have not set it up, to set it up."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .twofactor import two_factor_required

OPEN_PREFIXES = ("/static/", "/healthz", "/logout/", "/account/2fa/", "/api/")


def two_factor_gate(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.totp_enabled
            and not request.path.startswith(OPEN_PREFIXES)
            and two_factor_required(user)
        ):
            return redirect(reverse("two_factor_setup") + "?required=1")
        return get_response(request)

    return middleware
