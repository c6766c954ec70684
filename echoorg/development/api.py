"""API endpoints for reflections: the author's own (list, read, create, update), a mentor's
reading of those shared with them, and the facilitators' suppressed uptake counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from echoorg.core.development.reflection import MAX_TITLE
from echoorg.core.development.reflection_aid import as_plain, describe_draft
from echoorg.orgs.permissions import organisation_for

from . import services
from .models import Reflection

router = Router(tags=["leader development"])


class ReflectionSummaryOut(Schema):
    id: int
    title: str
    status: str = Field(description='"in progress", "done" or "shared".')
    updated: dt.datetime
    revision: int


class ReflectionOut(ReflectionSummaryOut):
    guide_version: int
    answers: dict[str, str] = Field(
        description="Prompt id -> answer (text, or a safe-uncertainty grid position)."
    )
    shared_with: int | None = Field(description="The user id of the mentor it is shared with.")
    aid: dict = Field(description="The reflection aid: a description of the text, not a score.")


class ReflectionIn(Schema):
    title: str = Field(max_length=MAX_TITLE * 2)
    answers: dict[str, str] = Field(default_factory=dict)
    finished: bool | None = Field(
        None, description="true marks it finished, false reopens it, null leaves it."
    )
    revision: int | None = Field(
        None,
        description="The revision your copy was read at; a different stored revision "
        "refuses the update (409). Leave out to overwrite.",
    )


class SharedOut(Schema):
    id: int
    title: str
    author: str
    shared_at: dt.datetime | None
    answers: dict[str, str]


class SharedSummaryOut(Schema):
    id: int
    title: str
    author: str
    shared_at: dt.datetime | None


class UptakeRowOut(Schema):
    unit: str | None = Field(description="The unit's name; null for the whole organisation.")
    people: int | None = Field(description="People who reflected; null when suppressed.")
    by_tool: dict[str, int | None] = Field(
        description="People who used each development tool (reflections, case analyses, "
        "scenarios); null when suppressed."
    )


class UptakeOut(Schema):
    min_group: int
    tools: list[str] = Field(description="The development tools counted, in column order.")
    rows: list[UptakeRowOut]


class ProblemsOut(Schema):
    detail: str
    problems: list[str]


def _summary(r: Reflection) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "status": r.status,
        "updated": r.updated,
        "revision": r.revision,
    }


def _full(org, r: Reflection) -> dict:
    answers = r.answers
    aid = describe_draft(services.guide(), answers, services.word_lists_for(org))
    return {
        **_summary(r),
        "guide_version": r.guide_version,
        "answers": answers,
        "shared_with": r.shared_with_id,
        "aid": as_plain(aid),
    }


@router.get("/organisations/{slug}/reflections", response=list[ReflectionSummaryOut])
def list_reflections(request: HttpRequest, slug: str):
    """Your own reflections in the organisation, most recently changed first."""
    org, _ = organisation_for(request.auth, slug, "reflection.write")
    return [_summary(r) for r in services.reflections_of(org, request.auth)]


@router.post("/organisations/{slug}/reflections", response={201: ReflectionOut, 422: ProblemsOut})
def create_reflection(request: HttpRequest, slug: str, payload: ReflectionIn):
    """Start a reflection (with any answers); nothing is written when it is refused."""
    org, _ = organisation_for(request.auth, slug, "reflection.write")
    try:
        with transaction.atomic():
            created = services.start_reflection(request.auth, org, title=payload.title)
            services.save_reflection(
                request.auth,
                created,
                title=payload.title,
                answers=dict(payload.answers),
                revision=None,
                finished=payload.finished,
            )
    except services.ReflectionError as exc:
        return Status(422, {"detail": "The reflection was refused.", "problems": exc.problems})
    return Status(201, _full(org, created))


@router.get("/organisations/{slug}/reflections/{reflection_id}", response=ReflectionOut)
def get_reflection(request: HttpRequest, slug: str, reflection_id: int):
    org, _ = organisation_for(request.auth, slug, "reflection.write")
    return _full(org, services.own_reflection(org, request.auth, reflection_id))


@router.put(
    "/organisations/{slug}/reflections/{reflection_id}",
    response={200: ReflectionOut, 409: ProblemsOut, 422: ProblemsOut},
)
def update_reflection(request: HttpRequest, slug: str, reflection_id: int, payload: ReflectionIn):
    """Replace the title and answers (answers left out become unanswered)."""
    org, _ = organisation_for(request.auth, slug, "reflection.write")
    found = services.own_reflection(org, request.auth, reflection_id)
    try:
        services.save_reflection(
            request.auth,
            found,
            title=payload.title,
            answers=dict(payload.answers),
            revision=payload.revision,
            finished=payload.finished,
        )
    except services.StaleReflection as exc:
        return Status(409, {"detail": "The reflection changed.", "problems": exc.problems})
    except services.ReflectionError as exc:
        return Status(422, {"detail": "The update was refused.", "problems": exc.problems})
    return Status(200, _full(org, found))


@router.get("/organisations/{slug}/shared-reflections", response=list[SharedSummaryOut])
def list_shared(request: HttpRequest, slug: str):
    """Reflections their authors shared with you (as a mentor)."""
    org, _ = organisation_for(request.auth, slug, "reflection.mentor")
    shared = list(services.shared_with(org, request.auth))
    names = services.author_names(org, [r.author_id for r in shared])
    return [
        {
            "id": r.pk,
            "title": r.title,
            "author": names.get(r.author_id, ""),
            "shared_at": r.shared_at,
        }
        for r in shared
    ]


@router.get("/organisations/{slug}/shared-reflections/{reflection_id}", response=SharedOut)
def get_shared(request: HttpRequest, slug: str, reflection_id: int):
    org, _ = organisation_for(request.auth, slug, "reflection.mentor")
    found = services.shared_reflection(org, request.auth, reflection_id)
    services.note_mentor_read(request.auth, found)
    return {
        "id": found.pk,
        "title": found.title,
        "author": services.author_names(org, [found.author_id]).get(found.author_id, ""),
        "shared_at": found.shared_at,
        "answers": found.answers,
    }


@router.get("/organisations/{slug}/reflection-uptake", response=UptakeOut)
def get_uptake(request: HttpRequest, slug: str):
    """People who have reflected, per unit; counts under five (or that would reveal a
    group under five by subtraction) are null."""
    org, _ = organisation_for(request.auth, slug, "reflection.uptake")
    found = services.uptake(org)
    return {
        "min_group": services.MIN_GROUP,
        "tools": list(found.tools),
        "rows": [
            {
                "unit": r.unit.name if r.unit else None,
                "people": r.people,
                "by_tool": dict(zip(found.tools, r.counts, strict=True)),
            }
            for r in found.rows
        ],
    }
