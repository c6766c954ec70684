"""The guardian's page to share a concluded concern for learning, change what is shared,
or withdraw it (issue 12). Guardians only, like the rest of the case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import posted_rows, row_slots
from echoorg.core.analysis.steps import EVENT_KINDS, MAX_EVENTS, PRECISIONS
from echoorg.orgs.permissions import organisation_for

from . import learning
from .models import Concern, LearningCase

EVENT_FIELDS = ("date", "precision", "kind", "description")
BLANK_EVENT = {"date": "", "precision": "day", "kind": "concern_raised", "description": ""}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def share_for_learning(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    concern = get_object_or_404(
        Concern.objects.prefetch_related("events"), organisation=org, reference=reference
    )
    existing = LearningCase.objects.filter(concern=concern).first()
    closed = learning.is_closed(concern)
    errors: dict[str, list[str]] = {}
    title = existing.title if existing else ""
    summary = existing.summary if existing else ""
    events = existing.timeline if existing else []
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if existing is not None:
                learning.withdraw(request.user, existing)
                messages.success(request, "Withdrawn: leaders no longer see this case.")
            return redirect("concern_learning", slug=org.slug, reference=concern.reference)
        title = request.POST.get("title", "")
        summary = request.POST.get("summary", "")
        events = posted_rows(
            request.POST, "event", EVENT_FIELDS, limit=MAX_EVENTS, preset=("precision", "kind")
        )
        try:
            learning.share_for_learning(
                request.user, concern, title=title, summary=summary, events=events
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, "Shared for learning: leaders can now analyse your summary.")
            return redirect("concern_learning", slug=org.slug, reference=concern.reference)
    return render(
        request,
        "concerns/learning.html",
        {
            "org": org,
            "concern": concern,
            "closed": closed,
            "existing": existing,
            "title": title,
            "summary": summary,
            "events": row_slots(events, BLANK_EVENT, 3),
            "kinds": EVENT_KINDS,
            "precisions": PRECISIONS,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
