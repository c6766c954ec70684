"""Slowing down password and code guessing, per address AND client, in memory only.

Each (address, client) pair has its own count of failures in Django's cache (memory by
default), and its own growing delay (`echoorg.core.throttle.Backoff`). So someone who
hammers a colleague's address from their own machine waits longer and longer, while the
colleague, from theirs, logs in at once. Nothing about a failure reaches the database or
a log (decision 0007).

The client is:
- a device cookie, when the browser has one for this address: a signed, random value
  set after this address last logged in successfully in that browser, sent only to
  /login/ paths. A stranger cannot make one for someone else's address, so the person's
  usual browser keeps its own count even behind the same office address as an attacker.
- otherwise the requesting IP address (REMOTE_ADDR, or the address a configured number
  of trusted proxies put in X-Forwarded-For).

Either way only a keyed hash (HMAC with SECRET_KEY) of address and client is used, as
the cache key: the cache holds no address, IP address or cookie value in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from echoorg.core.throttle import Backoff, FailureCount, after_failure, wait_seconds

DEVICE_COOKIE = "echoorg_device"
DEVICE_COOKIE_PATH = "/login/"
DEVICE_COOKIE_DAYS = 365
_SALT = "echoorg.accounts.login-device"


def now() -> float:
    """The clock the throttle uses (tests move it instead of sleeping)."""
    return time.time()


def policy() -> Backoff:
    return Backoff(
        free_failures=settings.ECHOORG_LOGIN_MAX_FAILURES,
        first_delay=float(settings.ECHOORG_LOGIN_BACKOFF_SECONDS),
        longest_delay=float(settings.ECHOORG_LOGIN_LOCKOUT_SECONDS),
        memory=float(settings.ECHOORG_LOGIN_WINDOW_SECONDS),
    )


def _keyed(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _address_tag(address: str) -> str:
    return _keyed("device-for", address.strip().lower())[:32]


def client_ip(request: HttpRequest) -> str:
    """The requesting IP address; behind N trusted proxies, the one they saw."""
    hops = settings.ECHOORG_TRUSTED_PROXIES
    if hops > 0:
        chain = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _device(request: HttpRequest, address: str) -> str | None:
    """The device cookie's random part, if the browser has a valid one for this address."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT, max_age=DEVICE_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(
        str(data.get("a", "")), _address_tag(address)
    ):
        return None
    return str(data.get("n", "")) or None


def _key(request: HttpRequest, address: str) -> str:
    address = address.strip().lower()
    device = _device(request, address)
    client = f"device:{device}" if device else f"ip:{client_ip(request)}"
    return "echoorg:login:" + _keyed("login", address, client)


def _read(key: str) -> FailureCount | None:
    value = cache.get(key)
    if isinstance(value, tuple) and len(value) == 2:
        return FailureCount(int(value[0]), float(value[1]))
    return None


def seconds_to_wait(request: HttpRequest, address: str) -> int:
    """Whole seconds this client must wait before trying this address again (0: now)."""
    remaining = wait_seconds(_read(_key(request, address)), now(), policy())
    return int(-(-remaining // 1))  # round up, so "wait 0 seconds" is never said


def record_failure(request: HttpRequest, address: str) -> None:
    key, rule = _key(request, address), policy()
    count = after_failure(_read(key), now(), rule)
    cache.set(key, (count.failures, count.last), timeout=int(rule.memory) + 1)


def forget(request: HttpRequest, address: str) -> None:
    """Clear this client's count for the address after a complete login."""
    cache.delete(_key(request, address))


def remember_device(request: HttpRequest, response: HttpResponse, address: str) -> None:
    """Give the browser a device cookie for this address (after a complete login)."""
    value = signing.dumps({"a": _address_tag(address), "n": secrets.token_urlsafe(16)}, salt=_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path=DEVICE_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def wait_message(seconds: int) -> str:
    return (
        f"Too many failed attempts from this device for this address. Try again in "
        f"{seconds} second{'s' if seconds != 1 else ''}."
    )
