"""Request logging that names routes, never paths.

A survey link (`/s/<token>/...`) carries the token whose hash names the invited person,
and a speak-up path tells who used the anonymous service and when. So echoorg writes its
own access log, one line per request with the method, the route's name, the status and
the duration (`GET survey_page 200 12ms`), and the server's own access log is off
(`echoorg serve` runs gunicorn with `echoorg.web.gunicorn_conf`). Django's error
messages ("Not Found: /s/..."), the development server's lines and gunicorn's error log
pass through `PathScrubbingFilter`, which puts the route's name where the path was and
blanks anything left that looks like a secret path or a client address.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("echoorg.requests")

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Paths whose segments are secrets (link and reset tokens) or whose use is itself private
# (the anonymous speak-up pages). Matched anywhere in a message, with or without a host.
_PRIVATE_PATH = re.compile(r"/(?:s|speak-up|password-reset)/[^\s\"'<>]*")
# gunicorn writes "Invalid request from ip=203.0.113.9: ..." (IPv6 addresses hold colons).
_CLIENT_ADDRESS = re.compile(r"\bip=\S*?:(?=\s|$)")


def route_name(request: Any) -> str:
    """The name of the route a request went to (`survey_page`), `static` for CSS and
    images, or `unmatched`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        from django.conf import settings
        from django.urls import Resolver404, resolve

        if settings.STATIC_URL and request.path_info.startswith(settings.STATIC_URL):
            return "static"  # served by whitenoise before any route is resolved
        try:
            match = resolve(request.path_info)
        except (Resolver404, ValueError, TypeError):
            return "unmatched"
    return match.view_name or "unnamed"


def scrub(text: str) -> str:
    """`text` with private paths and client addresses blanked."""
    text = _PRIVATE_PATH.sub("[path withheld]", text)
    return _CLIENT_ADDRESS.sub("ip=[withheld]:", text)


def request_log(get_response: Callable) -> Callable:
    """Middleware: log each request as `METHOD route status duration`, nothing else."""

    def middleware(request: Any) -> Any:
        started = time.monotonic()
        response = get_response(request)
        method = request.method if request.method in KNOWN_METHODS else "OTHER"
        logger.info(
            "%s %s %s %dms",
            method,
            route_name(request),
            response.status_code,
            round(1000 * (time.monotonic() - started)),
        )
        return response

    return middleware


class PathScrubbingFilter(logging.Filter):
    """Rewrites a log record so that no request path, link token or client address in it
    reaches a handler: the route's name replaces the request's path (Django passes the
    request with its error records), and `scrub` catches the rest, tracebacks included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        replacements: dict[str, str] = {}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # The route's values (a link token, an organisation's slug) first, then paths.
            match = getattr(request, "resolver_match", None)
            for value in match.kwargs.values() if match is not None else ():
                if len(str(value)) >= 3:
                    replacements[str(value)] = "[withheld]"
            route = f"route {route_name(request)}"
            for path in (request.get_full_path(), request.path, request.path_info):
                if path:
                    replacements[path] = route

        def clean(text: str) -> str:
            for secret in sorted(replacements, key=len, reverse=True):
                text = text.replace(secret, replacements[secret])
            return scrub(text)

        record.msg, record.args = clean(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean(record.exc_text)
        if record.stack_info:
            record.stack_info = clean(record.stack_info)
        return True
