"""Changes to a person's own account, each written with its audit entry (the views call
these and never save a model themselves)."""

from __future__ import annotations

from echoorg.audit.log import record

from . import twofactor
from .models import ApiToken, User


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for `user`; returns the token and its secret (shown once)."""
    token, secret = ApiToken.issue(user, name)
    record("api_token.created", actor=user, obj=token, name=token.name)
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    """Delete one of the person's tokens; the audit entry names it before it goes."""
    record("api_token.revoked", actor=user, obj=token, name=token.name)
    token.delete()


def use_login_code(user: User, code: str) -> bool:
    """True when `code` is a current authenticator code, remembering its step so it
    cannot be used again."""
    if not twofactor.check_code(user, code):
        return False
    user.save(update_fields=["totp_last_step"])
    return True
