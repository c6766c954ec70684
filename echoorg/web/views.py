from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from echoorg import __version__


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database status, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:
        database = f"error: {exc.__class__.__name__}"
    ok = database == "ok"
    return JsonResponse(
        {
            "status": "ok" if ok else "error",
            "database": database,
            "database_vendor": connection.vendor,
            "version": __version__,
        },
        status=200 if ok else 503,
    )


def error_403(request: HttpRequest, exception: Exception | None = None):
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None):
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest):
    return render(request, "errors/500.html", status=500)
