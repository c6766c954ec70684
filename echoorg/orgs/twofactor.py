"""Who must use two-factor authentication: anyone whose roles in an organisation include
one that organisation requires it for. Registered into accounts when this app is ready."""

from __future__ import annotations

from .models import Membership


def role_requires_two_factor(user) -> bool:
    """True when any organisation the user belongs to requires 2FA for one of their roles."""
    for member in Membership.objects.filter(user=user).select_related("organisation"):
        if set(member.roles) & set(member.organisation.require_2fa_roles):
            return True
    return False
