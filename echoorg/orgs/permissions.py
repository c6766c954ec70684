"""The permission layer: every view and API call asks here, with the object's organisation.

A person outside an organisation gets "not found" for everything in it, so its
existence is not revealed; a member whose roles do not allow an action gets "forbidden".
The table of which role may do what is `echoorg.core.roles.ACTIONS`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from echoorg.core.roles import ROLES, allowed

from .models import Membership, Organisation


def membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    cache = getattr(user, "_echo_memberships", None)
    if cache is None:
        cache = {m.organisation_id: m for m in user.memberships.all()}
        user._echo_memberships = cache
    return cache.get(organisation.pk)


def can(user, organisation: Organisation, action: str) -> bool:
    member = membership(user, organisation)
    return member is not None and allowed(member.roles, action)


def can_anywhere(user, action: str) -> bool:
    """True when any of `user`'s memberships allows `action` (setting up an organisation
    belongs to no organisation yet)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return any(allowed(m.roles, action) for m in user.memberships.all())


def narrowed_to(action: str) -> Q:
    """A database filter on memberships: those naming at least one role that the permission
    table allows `action` (an empty filter if none). It only narrows the rows read; the
    caller still asks `allowed()` of each row, since matching JSON text is approximate."""
    found = Q(pk__in=[])
    for role in ROLES:
        if allowed([role], action):
            found |= Q(roles__icontains=f'"{role}"')
    return found


def members_who_may(organisation: Organisation, action: str) -> list[Membership]:
    """The organisation's members whose roles allow `action`, with their accounts, in the
    order they joined (one query)."""
    return [
        m
        for m in organisation.memberships.select_related("user").order_by("pk")
        if allowed(m.roles, action)
    ]


def organisation_for(user, slug: str, action: str) -> tuple[Organisation, Membership]:
    """The organisation named by `slug` if `user` may perform `action` in it.

    Raises Http404 when the user is not a member (or it does not exist), PermissionDenied
    when they are a member without a role that allows the action.
    """
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    member = membership(user, organisation)
    if member is None:
        raise Http404("No such organisation.")
    if not allowed(member.roles, action):
        raise PermissionDenied("Your role does not allow this.")
    return organisation, member


def organisations_of(user) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))
