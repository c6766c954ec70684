"""The JSON API: one NinjaAPI with every app's router, token or session authentication.

The OpenAPI document is served at /api/openapi.json. The interactive docs page is off,
because its assets would come from a CDN.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from echoorg.accounts.models import ApiToken
from echoorg.accounts.twofactor import two_factor_required
from echoorg.common.parts import api_routers


def _usable(user):
    """Refuse people who must set up two-factor authentication but have not."""
    if user is None or not user.is_active:
        return None
    if not user.totp_enabled and two_factor_required(user):
        return None
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = _usable(ApiToken.authenticate(token))
        if user is not None:
            request.user = user
        return user


class LoggedInSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None):
        return _usable(super().authenticate(request, key))


api = NinjaAPI(
    title="echoorg API",
    version="1",
    description="Organisations, units and memberships of echoorg. Authenticate with "
    "'Authorization: Bearer <token>' (create a token on your account page).",
    auth=[TokenAuth(), LoggedInSession()],
    docs_url=None,
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


# Each installed app's router (its AppConfig's `api_router`), in INSTALLED_APPS order.
for router in api_routers():
    api.add_router("/", router)
