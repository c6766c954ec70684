"""TOTP two-factor authentication (RFC 6238) with pyotp, and who must use it."""

from __future__ import annotations

import time

import pyotp
import segno

from echoorg.orgs.models import Membership

ISSUER = "echoorg"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:  # noqa: ANN001
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (drawn here, fetched from nowhere)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                  title="QR code for your authenticator app")


def check_code(user, code: str, secret: str | None = None) -> bool:  # noqa: ANN001
    """Accept a 6-digit code for the current or an adjacent 30-second step, once only.

    Remembers the last step used so a code seen over someone's shoulder cannot be replayed.
    """
    secret = secret or user.totp_secret
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not secret or len(code) != 6:
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


def two_factor_required(user) -> bool:  # noqa: ANN001
    """True when any organisation the user belongs to requires 2FA for one of their roles."""
    for member in Membership.objects.filter(user=user).select_related("organisation"):
        if set(member.roles) & set(member.organisation.require_2fa_roles):
            return True
    return False
