"""This app's entries on a person's "My development" page (echoorg.common.parts
`development`): their own reflections, reflections shared with them as a mentor, and a
first reflection waiting to be started."""

from __future__ import annotations

from django.urls import reverse

from echoorg.common.parts import DevelopmentItem
from echoorg.core.roles import allowed

from . import services


def items(request, organisation, member) -> list[DevelopmentItem]:
    found: list[DevelopmentItem] = []
    if allowed(member.roles, "reflection.write"):
        own = list(services.reflections_of(organisation, member.user_id))
        for r in own:
            found.append(
                DevelopmentItem(
                    "Reflection",
                    r.title,
                    reverse("reflection", args=[organisation.slug, r.pk]),
                    r.status,
                    updated=r.updated,
                    order=10,
                )
            )
        if not own:
            found.append(
                DevelopmentItem(
                    "Reflection",
                    "Start a guided critical reflection on an incident in your practice",
                    reverse("reflection_new", args=[organisation.slug]),
                    "waiting",
                    order=10,
                )
            )
    if allowed(member.roles, "reflection.mentor"):
        shared = list(services.shared_with(organisation, member.user_id))
        names = services.author_names(organisation, [r.author_id for r in shared])
        for r in shared:
            found.append(
                DevelopmentItem(
                    "Reflection shared with you",
                    f"{r.title} ({names.get(r.author_id, 'a former member')})",
                    reverse("reflection_shared", args=[organisation.slug, r.pk]),
                    "shared",
                    updated=r.updated,
                    order=20,
                )
            )
    return found


def uptake(organisation):
    """People who have written at least one guided reflection."""
    from .models import Reflection

    return "Reflections", Reflection.objects.filter(organisation=organisation).values("author_id")
