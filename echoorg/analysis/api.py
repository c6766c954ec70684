"""API endpoints for case analyses: list, start, read, and save a step.

The same rules as the pages: leaders write their own; a mentor reads what is shared with
them; the worked examples are read by leaders and mentors; everything else is "not
found". A step is saved whole, with the same checks as the page (echoorg.core.analysis.
steps.clean_step), and a bad one is refused with the field named and nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.core.analysis.steps import STEP_KEYS, AnalysisError
from echoorg.orgs.permissions import organisation_for

from . import services
from .models import CaseAnalysis

router = Router(tags=["case analysis"])


class AnalysisOut(Schema):
    id: int
    title: str
    source: str = Field(description="inquiry, own, shared or example")
    inquiry_id: str | None
    is_example: bool
    mine: bool
    shared_with_mentor: bool
    steps_saved: list[str]
    next_step: str
    completed: dt.datetime | None
    updated: dt.datetime


class AnalysisDetailOut(AnalysisOut):
    steps: dict[str, Any] = Field(description="Each step's content, by step key.")
    shared_summary: str | None = Field(
        None, description="The guardian's anonymised summary, for a case shared for learning."
    )
    timeline: list[dict[str, Any]] = Field(description="Every dated event drawn on the timeline.")


class StartIn(Schema):
    source: str = Field(description="inquiry, own or shared")
    inquiry_id: str = ""
    shared_case_id: int | None = None
    title: str = Field("", max_length=1000)


def _out(analysis: CaseAnalysis, user: Any) -> dict[str, Any]:
    return {
        "id": analysis.pk,
        "title": analysis.title,
        "source": analysis.source,
        "inquiry_id": analysis.inquiry_id or None,
        "is_example": analysis.is_example,
        "mine": analysis.author_id == user.pk,
        "shared_with_mentor": analysis.mentor_id is not None,
        "steps_saved": list(analysis.steps_saved),
        "next_step": services.resume_step(analysis),
        "completed": analysis.completed,
        "updated": analysis.updated,
    }


def _detail(analysis: CaseAnalysis, user: Any) -> dict[str, Any]:
    content = analysis.content
    case = services.case_of(analysis)
    return {
        **_out(analysis, user),
        "steps": content,
        "shared_summary": case.shared.summary if case.shared else None,
        "timeline": services.timeline_events(analysis, content, case),
    }


def _refused(exc: AnalysisError) -> HttpError:
    return HttpError(422, str(exc))


@router.get("/organisations/{slug}/analyses", response=list[AnalysisOut])
def list_analyses(request: HttpRequest, slug: str):
    org, _ = organisation_for(request.user, slug, "analysis.view")
    return [_out(a, request.user) for a in services.visible(org, request.user)]


@router.post("/organisations/{slug}/analyses", response={201: AnalysisDetailOut})
def start_analysis(request: HttpRequest, slug: str, payload: StartIn):
    org, _ = organisation_for(request.user, slug, "analysis.write")
    try:
        started = services.start(
            request.user,
            org,
            source=payload.source,
            inquiry_id=payload.inquiry_id,
            shared_case_id=payload.shared_case_id,
            title=payload.title,
        )
    except AnalysisError as exc:
        raise _refused(exc) from None
    return Status(201, _detail(started, request.user))


@router.get("/organisations/{slug}/analyses/{analysis_id}", response=AnalysisDetailOut)
def get_analysis(request: HttpRequest, slug: str, analysis_id: int):
    org, _ = organisation_for(request.user, slug, "analysis.view")
    analysis = services.readable(org, request.user, analysis_id)
    services.note_mentor_read(request.user, analysis)
    return _detail(analysis, request.user)


@router.post("/organisations/{slug}/analyses/{analysis_id}/steps/{step}", response=dict[str, Any])
def save_step(request: HttpRequest, slug: str, analysis_id: int, step: str):
    """Save one step whole (the fields of `steps` in the analysis, for that step)."""
    org, _ = organisation_for(request.user, slug, "analysis.write")
    analysis = services.writable(org, request.user, analysis_id)
    if step not in STEP_KEYS:
        raise HttpError(404, f"No such step; the steps are {', '.join(STEP_KEYS)}.")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "The body must be a JSON object.") from None
    try:
        return services.save_step(request.user, analysis, step, payload)
    except AnalysisError as exc:
        raise _refused(exc) from None
