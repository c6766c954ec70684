"""Sharing a closed concern for learning (issue 12).

Guardians decide what leaders may learn from a case: on a concluded concern a guardian
writes an anonymised title, summary and timeline, and only those reach the leaders' case
analyses (echoorg.analysis reads them through `shared_cases` and `shared_case`, which
return nothing of the concern itself). Sharing, changing and withdrawing are audited; a
withdrawn summary disappears from every leader's view at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.analysis.steps import AnalysisError, clean_step
from echoorg.orgs.models import Organisation

from .crypto import vault
from .models import Concern, LearningCase

MAX_TITLE = 200


@dataclass(frozen=True)
class SharedCase:
    """What a leader's analysis may read of a shared case: the guardian's own words."""

    id: int
    title: str
    summary: str
    events: list[dict[str, Any]]


def is_closed(concern: Concern) -> bool:
    """A concern is closed when its last conclusion was not followed by a reopening."""
    return concern.is_concluded


def clean_summary(title: str, summary: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The guardian's text checked: a title, a summary and a timeline in the analysis's
    timeline format. Raises ValidationError naming the field."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the shared case a title."})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"At most {MAX_TITLE} characters."})
    try:
        facts = clean_step("facts", {"summary": summary, "events": events})
    except AnalysisError as exc:
        field, _, message = str(exc).partition(": ")
        raise ValidationError({"events" if "events" in field else "summary": message}) from None
    if not facts["summary"]:
        raise ValidationError({"summary": "Write the anonymised summary leaders will read."})
    return {"title": title, "summary": facts["summary"], "events": facts["events"]}


def share_for_learning(
    actor: Any, concern: Concern, *, title: str, summary: str, events: list[dict[str, Any]]
) -> LearningCase:
    """Share (or share again, with new words) the guardian's anonymised summary of a closed
    concern. Raises ValidationError when the concern is not closed or the text is bad;
    nothing is written then."""
    if not is_closed(concern):
        raise ValidationError({"__all__": "Only a concluded concern can be shared for learning."})
    clean = clean_summary(title, summary, events)
    box = vault()
    with transaction.atomic():
        found = LearningCase.objects.filter(concern=concern).first()
        again = found is not None
        case = found or LearningCase(organisation=concern.organisation, concern=concern)
        case.title_encrypted = box.encrypt_text(clean["title"])
        case.summary_encrypted = box.encrypt_text(clean["summary"])
        case.timeline_encrypted = box.encrypt_text(json.dumps(clean["events"]))
        case.shared_by = actor
        case.shared_at = timezone.now()
        case.withdrawn_at = None
        case.save()
        record(
            "concern.shared_for_learning",
            actor=actor,
            organisation=concern.organisation,
            obj=concern,
            learning_case=case.pk,
            events=len(clean["events"]),
            again=again,
        )
    return case


def withdraw(actor: Any, case: LearningCase) -> None:
    """Stop sharing: leaders no longer see the summary, in new or existing analyses."""
    if case.withdrawn_at is not None:
        return
    with transaction.atomic():
        case.withdrawn_at = timezone.now()
        case.save(update_fields=["withdrawn_at"])
        record(
            "concern.learning_withdrawn",
            actor=actor,
            organisation=case.organisation,
            obj=case.concern,
            learning_case=case.pk,
        )


def _shared(case: LearningCase) -> SharedCase:
    return SharedCase(case.pk, case.title, case.summary, case.timeline)


def shared_cases(organisation: Organisation) -> list[SharedCase]:
    """The organisation's cases shared for learning and not withdrawn, newest first."""
    return [
        _shared(c)
        for c in LearningCase.objects.filter(organisation=organisation, withdrawn_at__isnull=True)
    ]


def shared_case(organisation: Organisation, case_id: int | None) -> SharedCase | None:
    """One shared case of the organisation, or None (unknown, another organisation's, or
    withdrawn)."""
    if not case_id:
        return None
    found = LearningCase.objects.filter(
        organisation=organisation, pk=case_id, withdrawn_at__isnull=True
    ).first()
    return _shared(found) if found else None


def as_shared(case: LearningCase | None) -> SharedCase | None:
    """A learning case already loaded (say, through an analysis's foreign key) as what a
    leader may read, or None when there is none or it was withdrawn."""
    if case is None or case.withdrawn_at is not None:
        return None
    return _shared(case)
