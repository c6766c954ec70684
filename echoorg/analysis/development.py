"""The case analysis's entries on a person's "My development" page (the parts registry's
`development` hook): their own analyses, those shared with them as mentor, and, for a
leader who has none yet, the worked example to start from."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from echoorg.common.parts import DevelopmentItem
from echoorg.core.roles import allowed

from . import services

KIND = "Case analysis"


def items(request: Any, organisation: Any, member: Any) -> list[DevelopmentItem]:
    if not allowed(member.roles, "analysis.view"):
        return []
    # The person looking at their own page: no query for their account.
    user = request.user if member.user_id == getattr(request.user, "pk", None) else member.user
    found = []
    example = None
    for analysis in services.visible(organisation, user):
        url = reverse("analysis", kwargs={"slug": organisation.slug, "analysis_id": analysis.pk})
        if analysis.is_example:
            example = example or (analysis, url)
            continue
        if analysis.author_id == user.pk:
            status = "done" if analysis.completed else "in progress"
        else:
            status = "shared"
        found.append(
            DevelopmentItem(KIND, analysis.title, url, status, analysis.updated, order=200)
        )
    if not any(i.status != "shared" for i in found) and allowed(member.roles, "analysis.write"):
        found.append(
            DevelopmentItem(
                KIND,
                "Analyse a case: an inquiry, a case of your own or one a guardian shared",
                reverse("analyses", kwargs={"slug": organisation.slug}),
                "waiting",
                None,
                order=200,
            )
        )
        if example is not None:
            found.append(
                DevelopmentItem(KIND, example[0].title, example[1], "waiting", None, order=201)
            )
    return found


def uptake(organisation: Any) -> tuple[str, Any]:
    """Leaders who have started a case analysis of their own (not the worked example)."""
    from .models import CaseAnalysis

    users = CaseAnalysis.objects.filter(organisation=organisation, is_example=False).values(
        "author_id"
    )
    return "Case analyses", users
