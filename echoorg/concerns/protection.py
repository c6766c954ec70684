"""Protection of the public speak-up forms: proof of work, failure counts and intake
limits, kept in Django's cache only (never in the database, never by address or person).

The pure parts are in echoorg.core.proof_of_work and echoorg.core.concerns.intake; this
module holds the secret, the clock, the random ids and the cache.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest

from echoorg.audit.log import record
from echoorg.common.tasks import send_email
from echoorg.core import proof_of_work as pow_core
from echoorg.core.concerns.intake import RATE, intake_refusal
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import members_who_may

RAISE, FOLLOW_UP = "raise", "follow_up"
CHALLENGE_FIELD, NONCE_FIELD = "pow_challenge", "pow_nonce"
_PREFIX = "echoorg:speak-up"

REFUSALS = {
    pow_core.Verdict.MISSING: "The form's automatic check did not run. Turn on JavaScript "
    "for this page, or see below for other ways to speak up.",
    pow_core.Verdict.EXPIRED: "The form's automatic check had expired. Press the button "
    "again to send it.",
    pow_core.Verdict.TOO_EASY: "More people than usual have been using this form, so its "
    "automatic check became stronger. Press the button again: "
    "it may take a little longer.",
}
DEFAULT_REFUSAL = "The form's automatic check did not pass. Press the button again to send it."


def _key() -> bytes:
    # A key of its own, derived from the site secret, so a challenge signature can never
    # be replayed as any other kind of signed value.
    return hmac.new(settings.SECRET_KEY.encode(), b"echoorg proof-of-work", hashlib.sha256).digest()


def _failures_key(organisation: Organisation, purpose: str) -> str:
    return f"{_PREFIX}:failures:{purpose}:{organisation.pk}"


def recent_failures(organisation: Organisation, purpose: str) -> int:
    return int(cache.get(_failures_key(organisation, purpose), 0))


def count_failure(organisation: Organisation, purpose: str) -> None:
    """One more failure (a wrong receipt code) for the organisation, in the cache only;
    the count is forgotten ECHOORG_POW_WINDOW_SECONDS after the first."""
    key = _failures_key(organisation, purpose)
    cache.add(key, 0, timeout=settings.ECHOORG_POW_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.ECHOORG_POW_WINDOW_SECONDS)


def required_bits(organisation: Organisation, purpose: str) -> int:
    return pow_core.difficulty(
        settings.ECHOORG_POW_BITS,
        recent_failures(organisation, purpose),
        failures_per_bit=settings.ECHOORG_POW_FAILURES_PER_BIT,
        max_bits=settings.ECHOORG_POW_MAX_BITS,
    )


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int


def new_challenge(organisation: Organisation, purpose: str) -> Challenge:
    bits = required_bits(organisation, purpose)
    token = pow_core.issue(
        _key(),
        purpose=purpose,
        scope=str(organisation.pk),
        bits=bits,
        now=time.time(),
        ttl=settings.ECHOORG_POW_CHALLENGE_SECONDS,
        random_id=secrets.token_hex(16),
    )
    return Challenge(token, bits)


def check_solution(
    request: HttpRequest, organisation: Organisation, purpose: str
) -> pow_core.Verdict:
    """Check the challenge and nonce a form sent, and use the challenge up (so it cannot
    be sent twice). Costs one HMAC and one SHA-256."""
    now = time.time()
    verdict, challenge = pow_core.check(
        _key(),
        request.POST.get(CHALLENGE_FIELD),
        request.POST.get(NONCE_FIELD),
        purpose=purpose,
        scope=str(organisation.pk),
        now=now,
        required_bits=required_bits(organisation, purpose),
    )
    if verdict is pow_core.Verdict.OK and challenge is not None:
        remaining = max(1, int(challenge.expires - now) + 1)
        if not cache.add(f"{_PREFIX}:used:{challenge.id}", 1, timeout=remaining):
            return pow_core.Verdict.REUSED
    return verdict


def refusal_message(verdict: pow_core.Verdict) -> str:
    return REFUSALS.get(verdict, DEFAULT_REFUSAL)


# --- limits on raising concerns -----------------------------------------------------------


def _period_key(organisation: Organisation) -> str:
    return f"{_PREFIX}:raised:{organisation.pk}:{int(time.time() // 3600)}"


def stored_bytes(organisation: Organisation) -> int:
    from .models import Attachment

    return (
        Attachment.objects.filter(concern__organisation=organisation).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    )


def limit_reached(organisation: Organisation, incoming_bytes: int) -> str | None:
    """RATE or STORAGE when one more concern with `incoming_bytes` of files would break
    the organisation's limits (see settings), else None."""
    return intake_refusal(
        raised_this_period=int(cache.get(_period_key(organisation), 0)),
        max_per_period=settings.ECHOORG_SPEAKUP_MAX_PER_HOUR,
        stored_bytes=stored_bytes(organisation) if incoming_bytes else 0,
        incoming_bytes=incoming_bytes,
        quota_bytes=settings.ECHOORG_SPEAKUP_STORAGE_BYTES,
    )


def storage_full(organisation: Organisation, incoming_bytes: int) -> bool:
    """True when `incoming_bytes` more of attachments would pass the storage quota."""
    return (
        incoming_bytes > 0
        and intake_refusal(
            raised_this_period=0,
            max_per_period=0,
            stored_bytes=stored_bytes(organisation),
            incoming_bytes=incoming_bytes,
            quota_bytes=settings.ECHOORG_SPEAKUP_STORAGE_BYTES,
        )
        is not None
    )


def count_raised(organisation: Organisation) -> None:
    key = _period_key(organisation)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)


def alert_guardians(organisation: Organisation, limit: str) -> bool:
    """Email the organisation's guardians that a limit was reached, at most once per
    ECHOORG_SPEAKUP_ALERT_SECONDS for each limit. Says nothing about who tried."""
    if not cache.add(
        f"{_PREFIX}:alerted:{limit}:{organisation.pk}",
        1,
        timeout=settings.ECHOORG_SPEAKUP_ALERT_SECONDS,
    ):
        return False
    guardians = [m.user.email for m in members_who_may(organisation, "concerns.alerted")]
    what = (
        f"more than {settings.ECHOORG_SPEAKUP_MAX_PER_HOUR} concerns in an hour"
        if limit == RATE
        else "attachments beyond the storage quota "
        f"({settings.ECHOORG_SPEAKUP_STORAGE_BYTES / 1024**3:g} GB)"
    )
    body = (
        f"The speak-up form of {organisation.name} has refused a concern because it "
        f"would have taken {what}.\n\nThis can mean someone is flooding the form. "
        "People who were refused were told to contact you directly. echoorg does not "
        "know who they are.\n\nTo change the limits, ask whoever runs echoorg "
        "(ECHOORG_SPEAKUP_MAX_PER_HOUR, ECHOORG_SPEAKUP_STORAGE_BYTES).\n"
    )
    for email in guardians:
        send_email.enqueue(f"Speak up: a limit was reached at {organisation.name}", body, [email])
    record(
        "concerns.intake_limit_reached",
        organisation=organisation,
        object_type="concerns",
        limit=limit,
    )
    return True
