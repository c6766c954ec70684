"""Conversation guides: questions a team can talk through after reading its results,
one per family of scales, linked from each scale on the results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from echoorg.core.diagnostic.conversations import GROUND_RULES, GUIDES
from echoorg.orgs.permissions import organisation_for


@login_required
def conversation_guide(request: HttpRequest, slug: str, guide_id: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "survey.view")
    guide = GUIDES.get(guide_id)
    if guide is None:
        raise Http404("No such conversation guide.")
    return render(
        request,
        "diagnostic/conversation_guide.html",
        {
            "org": org,
            "guide": guide,
            "ground_rules": GROUND_RULES,
            "others": [g for g in GUIDES.values() if g.id != guide.id],
        },
    )
