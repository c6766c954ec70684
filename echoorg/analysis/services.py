"""Writes and reads of case analyses, each write with its audit entry, and the checks on
who may read or change one.

Who may read an analysis (`readable`): its author; the mentor it is shared with, while
they still hold the mentor role; anyone whose role lets them view analyses, for a worked
example. Who may change one: its author only, and nobody a worked example. Everyone else
is told it does not exist (404), so the number of another person's analyses is not
revealed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.concerns.learning import SharedCase, as_shared, shared_case
from echoorg.core.analysis.example import worked_example
from echoorg.core.analysis.prefill import facts_from_inquiry, stages_from_inquiry
from echoorg.core.analysis.steps import (
    STEP_KEYS,
    AnalysisError,
    clean_step,
    empty_step,
    next_step,
)
from echoorg.core.library.shipped import library
from echoorg.core.roles import allowed
from echoorg.orgs.models import Membership, Organisation
from echoorg.orgs.permissions import membership, narrowed_to

from .models import CaseAnalysis

MAX_TITLE = 200


def visible(organisation: Organisation, user: Any) -> QuerySet[CaseAnalysis]:
    """The analyses `user` may read in `organisation`: their own, those shared with them
    as mentor, and the worked examples."""
    member = membership(user, organisation)
    if member is None:
        return CaseAnalysis.objects.none()
    mine = Q(author=user)
    if allowed(member.roles, "analysis.mentor"):
        mine |= Q(mentor=user)
    return CaseAnalysis.objects.filter(Q(organisation=organisation) & (mine | Q(is_example=True)))


def readable(organisation: Organisation, user: Any, analysis_id: int) -> CaseAnalysis:
    """The analysis if `user` may read it, else Http404."""
    found = (
        visible(organisation, user)
        .select_related("shared_case", "mentor")
        .filter(pk=analysis_id)
        .first()
    )
    if found is None:
        raise Http404("No such analysis.")
    return found


def writable(organisation: Organisation, user: Any, analysis_id: int) -> CaseAnalysis:
    """The analysis if `user` wrote it (and it is not a worked example), else Http404."""
    found = (
        CaseAnalysis.objects.select_related("shared_case", "mentor")
        .filter(organisation=organisation, author=user, is_example=False, pk=analysis_id)
        .first()
    )
    if found is None:
        raise Http404("No such analysis.")
    return found


def _blank_content() -> dict[str, Any]:
    return {key: empty_step(key) for key in STEP_KEYS}


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise AnalysisError("title: give the analysis a title.")
    if len(title) > MAX_TITLE:
        raise AnalysisError(f"title: is {len(title)} characters; at most {MAX_TITLE}.")
    return title


def start(
    actor: Any,
    organisation: Organisation,
    *,
    source: str,
    inquiry_id: str = "",
    shared_case_id: int | None = None,
    title: str = "",
) -> CaseAnalysis:
    """Start an analysis of one case. `source` is "inquiry" (with a library case's
    `inquiry_id`; its events pre-fill the timeline), "shared" (with a case a guardian
    shared for learning, not withdrawn) or "own" (with a `title`). Raises AnalysisError
    naming the field; nothing is written then."""
    content = _blank_content()
    analysis = CaseAnalysis(organisation=organisation, author=actor, source=source)
    if source == CaseAnalysis.INQUIRY:
        case = library().case(inquiry_id or "")
        if case is None:
            raise AnalysisError("inquiry: choose an inquiry from the case library.")
        analysis.inquiry_id = case.id
        content["facts"] = clean_step("facts", facts_from_inquiry(case))
        content["systems"] = clean_step("systems", stages_from_inquiry(case))
        title = title.strip() or case.title
    elif source == CaseAnalysis.SHARED:
        shared = shared_case(organisation, shared_case_id)
        if shared is None:
            raise AnalysisError("shared_case: choose one of the cases guardians have shared.")
        analysis.shared_case_id = shared.id
        # Not the guardian's title: it would stay in the leader's list after a withdrawal.
        title = title.strip() or f"A case shared for learning ({timezone.localdate():%-d %B %Y})"
    elif source != CaseAnalysis.OWN:
        raise AnalysisError("source: choose an inquiry, a shared case or a case you describe.")
    analysis.set_text(_clean_title(title), content)
    with transaction.atomic():
        analysis.save()
        record(
            "analysis.started",
            actor=actor,
            organisation=organisation,
            obj=analysis,
            source=source,
            inquiry=analysis.inquiry_id or None,
        )
    return analysis


def save_step(actor: Any, analysis: CaseAnalysis, key: str, data: Any) -> dict[str, Any]:
    """Check and store one step (the author's own analysis only; views and the API look it
    up with `writable`). Returns the step as stored; raises AnalysisError with nothing
    written."""
    if analysis.is_example or analysis.author_id != getattr(actor, "pk", None):
        raise Http404("No such analysis.")
    cleaned = clean_step(key, data)
    content = analysis.content
    content[key] = cleaned
    with transaction.atomic():
        analysis.set_text(analysis.title, content)
        if key not in analysis.steps_saved:
            analysis.steps_saved = [k for k in STEP_KEYS if k in {*analysis.steps_saved, key}]
        analysis.updated = timezone.now()
        analysis.save(
            update_fields=["title_encrypted", "content_encrypted", "steps_saved", "updated"]
        )
        record(
            "analysis.step_saved",
            actor=actor,
            organisation=analysis.organisation,
            obj=analysis,
            step=key,
        )
    return cleaned


def rename(actor: Any, analysis: CaseAnalysis, title: str) -> None:
    if analysis.is_example or analysis.author_id != getattr(actor, "pk", None):
        raise Http404("No such analysis.")
    clean = _clean_title(title)
    with transaction.atomic():
        analysis.set_text(clean, analysis.content)
        analysis.updated = timezone.now()
        analysis.save(update_fields=["title_encrypted", "content_encrypted", "updated"])
        record("analysis.renamed", actor=actor, organisation=analysis.organisation, obj=analysis)


def mentors(organisation: Organisation) -> list[Membership]:
    """The organisation's members who may be named as an analysis's mentor (one query,
    narrowed in the database to memberships naming a mentor role)."""
    return [
        m
        for m in organisation.memberships.filter(narrowed_to("analysis.mentor"))
        .select_related("user")
        .order_by("name", "pk")
        if allowed(m.roles, "analysis.mentor")
    ]


def share(actor: Any, analysis: CaseAnalysis, mentor_id: int | None) -> None:
    """Share the analysis with one mentor of its organisation (by their account id), or
    with nobody (None). Raises AnalysisError when the person is not one of the
    organisation's mentors, or is the author."""
    if analysis.is_example or analysis.author_id != getattr(actor, "pk", None):
        raise Http404("No such analysis.")
    mentor = None
    if mentor_id is not None:
        found = (
            Membership.objects.filter(organisation=analysis.organisation, user_id=mentor_id)
            .select_related("user")
            .first()
        )
        if (
            found is None
            or not allowed(found.roles, "analysis.mentor")
            or found.user_id == actor.pk
        ):
            raise AnalysisError("mentor: choose one of your organisation's mentors.")
        mentor = found.user
    if analysis.mentor_id == (mentor.pk if mentor else None):
        return
    before = analysis.mentor_id
    with transaction.atomic():
        analysis.mentor = mentor
        analysis.save(update_fields=["mentor"])
        if mentor is not None:
            record(
                "analysis.shared",
                actor=actor,
                organisation=analysis.organisation,
                obj=analysis,
                mentor=mentor.pk,
            )
        else:
            record(
                "analysis.unshared",
                actor=actor,
                organisation=analysis.organisation,
                obj=analysis,
                mentor=before,
            )


def complete(actor: Any, analysis: CaseAnalysis, done: bool = True) -> None:
    """Mark the analysis finished (or not). Any step may still be changed afterwards."""
    if analysis.is_example or analysis.author_id != getattr(actor, "pk", None):
        raise Http404("No such analysis.")
    with transaction.atomic():
        analysis.completed = timezone.now() if done else None
        analysis.updated = timezone.now()
        analysis.save(update_fields=["completed", "updated"])
        if done:
            record(
                "analysis.completed", actor=actor, organisation=analysis.organisation, obj=analysis
            )
        else:
            record(
                "analysis.reopened", actor=actor, organisation=analysis.organisation, obj=analysis
            )


def note_mentor_read(user: Any, analysis: CaseAnalysis) -> None:
    """A mentor's reading of a shared analysis is part of its trail (the author can ask
    who read it)."""
    if not analysis.is_example and analysis.author_id != user.pk:
        record(
            "analysis.read_by_mentor", actor=user, organisation=analysis.organisation, obj=analysis
        )


def add_worked_example(organisation: Organisation, today: dt.date) -> CaseAnalysis:
    """The worked example for `organisation` (once; returns the existing one if any)."""
    found = CaseAnalysis.objects.filter(organisation=organisation, is_example=True).first()
    if found is not None:
        return found
    example = worked_example(today)
    content = {key: clean_step(key, example["steps"][key]) for key in STEP_KEYS}
    analysis = CaseAnalysis(
        organisation=organisation,
        author=None,
        source=CaseAnalysis.EXAMPLE,
        is_example=True,
        steps_saved=list(STEP_KEYS),
        completed=timezone.now(),
    )
    analysis.set_text(example["title"], content)
    with transaction.atomic():
        analysis.save()
        record("analysis.example_added", organisation=organisation, obj=analysis)
    return analysis


@dataclass(frozen=True)
class CaseView:
    """What the case of an analysis shows beside the leader's own words: the library case,
    or the guardian's shared summary (None when withdrawn)."""

    kind: str
    inquiry: Any = None
    shared: SharedCase | None = None
    withdrawn: bool = False


def case_of(analysis: CaseAnalysis) -> CaseView:
    if analysis.source == CaseAnalysis.INQUIRY:
        return CaseView(analysis.source, inquiry=library().case(analysis.inquiry_id))
    if analysis.source == CaseAnalysis.SHARED:
        shared = as_shared(analysis.shared_case)
        return CaseView(analysis.source, shared=shared, withdrawn=shared is None)
    return CaseView(analysis.source)


def timeline_events(
    analysis: CaseAnalysis, content: dict[str, Any], case: CaseView
) -> list[dict[str, Any]]:
    """The events drawn for the analysis: the guardian's shared timeline (while it is
    shared) and then the leader's own, in date order."""
    own = list(content.get("facts", {}).get("events", []))
    shared = [dict(e, shared=True) for e in case.shared.events] if case.shared else []
    return sorted(shared + own, key=lambda e: e.get("date", ""))


def resume_step(analysis: CaseAnalysis) -> str:
    return next_step(list(analysis.steps_saved))
