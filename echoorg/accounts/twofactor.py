"""TOTP two-factor authentication (RFC 6238) with pyotp, recovery codes, and who must
use it.

The TOTP secret is stored encrypted (`User.totp_secret` reads and writes it through the
speak-up vault); recovery codes are stored only as hashes. Every change here writes its
audit entry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.crypto import DecryptionError
from echoorg.core.recovery_codes import new_recovery_codes, recovery_code_digest

from .models import RecoveryCode

ISSUER = "echoorg"
logger = logging.getLogger(__name__)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (drawn here, fetched from nowhere)."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def check_code(user, code: str, secret: str | None = None) -> bool:
    """Accept a 6-digit code for the current or an adjacent 30-second step, once only.

    Remembers the last step used so a code seen over someone's shoulder cannot be replayed.
    """
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    if not secret:
        try:
            secret = user.totp_secret
        except DecryptionError:
            # Fail closed, and tell the administrator why this person cannot log in.
            logger.error(
                "The two-factor secret of account %s cannot be decrypted with any "
                "key in ECHOORG_ENCRYPTION_KEYS.",
                user.pk,
            )
            return False
    if not secret:
        return False
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // 30
    for step in (now_step - 1, now_step, now_step + 1):
        if step <= user.totp_last_step:
            continue
        if totp.at(step * 30) == code:
            user.totp_last_step = step
            return True
    return False


# Rules that say a person must use 2FA, added by the apps that know (echoorg.orgs adds
# "a role the organisation requires it for" when it is ready).
_rules: list[Callable[..., bool]] = []


def add_two_factor_rule(rule: Callable[..., bool]) -> None:
    """Make `rule(user) -> bool` one of the reasons a person must use 2FA (once only,
    however often the app that adds it is made ready)."""
    if rule not in _rules:
        _rules.append(rule)


def two_factor_required(user) -> bool:
    """True when any added rule requires 2FA for the user (with echoorg.orgs: when any
    organisation they belong to requires it for one of their roles)."""
    return any(rule(user) for rule in _rules)


# -- turning it on and off ----------------------------------------------------------------


def enable(user, secret: str) -> list[str]:
    """Turn 2FA on with a secret the person has just confirmed with a code (`check_code`
    has moved `totp_last_step`); returns fresh recovery codes to show once."""
    with transaction.atomic():
        user.totp_secret, user.totp_enabled = secret, True
        user.save(update_fields=["totp_secret_encrypted", "totp_enabled", "totp_last_step"])
        record(
            "account.2fa_enabled", actor=user, object_type="accounts.user", object_id=str(user.pk)
        )
        return _replace_recovery_codes(user)


def disable(user, *, reason: str | None = None) -> None:
    """Turn 2FA off and forget the secret and recovery codes. With `reason`, it was an
    administrator (`echoorg reset_2fa`), not the person."""
    with transaction.atomic():
        user.totp_secret, user.totp_enabled = "", False
        user.save(update_fields=["totp_secret_encrypted", "totp_enabled", "totp_last_step"])
        RecoveryCode.objects.filter(user=user).delete()
        if reason is None:
            record(
                "account.2fa_disabled",
                actor=user,
                object_type="accounts.user",
                object_id=str(user.pk),
            )
        else:
            record(
                "account.2fa_reset_by_administrator",
                object_type="accounts.user",
                object_id=str(user.pk),
                reason=reason,
            )


# -- recovery codes -----------------------------------------------------------------------


def _replace_recovery_codes(user) -> list[str]:
    codes = new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=recovery_code_digest(user.pk, code)) for code in codes
    )
    return codes


def regenerate_recovery_codes(user) -> list[str]:
    """New recovery codes for a person with 2FA on; every earlier code stops working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record(
            "account.recovery_codes_regenerated",
            actor=user,
            object_type="accounts.user",
            object_id=str(user.pk),
            count=len(codes),
        )
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def use_recovery_code(user, typed: str) -> int | None:
    """Spend a recovery code: the number of codes left, or None when `typed` is not an
    unused code of this person. Spending is one conditional UPDATE, so two logins racing
    with the same code cannot both succeed."""
    if not user.totp_enabled:
        return None
    digest = recovery_code_digest(user.pk, typed or "")
    if digest is None:
        return None
    with transaction.atomic():
        spent = RecoveryCode.objects.filter(user=user, digest=digest, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            return None
        left = recovery_codes_left(user)
        record(
            "account.recovery_code_used",
            actor=user,
            object_type="accounts.user",
            object_id=str(user.pk),
            left=left,
        )
    return left
