"""API endpoints for speak up: guardians' cases and events, imports, and statistics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.audit.log import record
from echoorg.orgs.permissions import organisation_for

from . import services
from .importing import CaseImportError, import_case_list
from .insights import insights
from .models import Concern

router = Router(tags=["speak up"])


class EventOut(Schema):
    type: str
    date: dt.date
    detail: dict


class ConcernOut(Schema):
    reference: str
    received_on: dt.date
    category: str
    mode: str
    risk_of_harm: bool
    unit: str | None
    analysis: dict


class ConcernDetailOut(ConcernOut):
    text: str
    events: list[EventOut]


class EventIn(Schema):
    type: str
    date: dt.date
    note: str = Field(default="", max_length=5000)
    to: str | None = None
    outcome: str | None = None
    harm_risk: str | None = None
    detriment_risk: str | None = None


class ConcernPageOut(Schema):
    count: int = Field(description="How many concerns the organisation has in all.")
    limit: int = Field(description="The page size asked for (default 100, at most 500).")
    offset: int = Field(description="How many concerns were skipped before this page.")
    items: list[ConcernOut]


MAX_PAGE_SIZE = 500


class PageIn(Schema):
    limit: int = Field(
        100,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"How many concerns to return (at most {MAX_PAGE_SIZE}).",
    )
    offset: int = Field(0, ge=0, description="How many concerns to skip first.")


class ImportedOut(Schema):
    created: int


class ProblemsOut(Schema):
    detail: str
    problems: list[str]


def _out(concern: Concern, analysis: dict) -> dict:
    # `analysis` has date_out_of_range and date_problems: a stored case whose dates the
    # clocks cannot use is reported, not fatal (core.concerns.figures).
    return {
        "reference": concern.reference,
        "received_on": concern.received_on,
        "category": concern.category,
        "mode": concern.mode,
        "risk_of_harm": concern.risk_of_harm,
        "unit": concern.unit.name if concern.unit_id else None,
        "analysis": analysis,
    }


@router.get("/organisations/{slug}/concerns", response=ConcernPageOut)
def list_concerns(request: HttpRequest, slug: str, page: Query[PageIn]):
    """The organisation's concerns, newest first, a page at a time (`limit` at most
    500, default 100; `offset`), with `count`, the number of concerns in all. Each
    case's analysis comes from its stored clock figures."""
    org, _ = organisation_for(request.auth, slug, "concerns.handle")
    today = services.today_for(org)
    services.ensure_fresh(org, today)
    chosen = (
        services.listed_concerns(org)
        .select_related("unit", "clocks")
        .only(
            *services.LIST_FIELDS,
            "unit__name",
            *(f"clocks__{f}" for f in services.FIGURE_FIELDS),
        )
    )
    return {
        "count": Concern.objects.filter(organisation=org).count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": [
            _out(c, services.figures_of(c.clocks).analysis(today))
            for c in chosen[page.offset : page.offset + page.limit]
        ],
    }


@router.get("/organisations/{slug}/concerns/{reference}", response=ConcernDetailOut)
def get_concern(request: HttpRequest, slug: str, reference: str):
    org, _ = organisation_for(request.auth, slug, "concerns.handle")
    concern = get_object_or_404(Concern, organisation=org, reference=reference)
    record("concern.viewed", actor=request.auth, organisation=org, obj=concern, via="api")
    return {
        **_out(concern, services.stored_review(concern).analysis(services.today_for(org))),
        "text": concern.text,
        "events": [
            {"type": e.type, "date": e.date, "detail": e.detail} for e in concern.events.all()
        ],
    }


@router.post("/organisations/{slug}/concerns/{reference}/events", response={201: EventOut})
def add_event(request: HttpRequest, slug: str, reference: str, payload: EventIn):
    org, _ = organisation_for(request.auth, slug, "concerns.handle")
    concern = get_object_or_404(Concern, organisation=org, reference=reference)
    try:
        event = services.add_event(
            request.auth,
            concern,
            type=payload.type,
            date=payload.date,
            note=payload.note,
            detail={
                "to": payload.to,
                "outcome": payload.outcome,
                "harm_risk": payload.harm_risk,
                "detriment_risk": payload.detriment_risk,
            },
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    return Status(201, {"type": event.type, "date": event.date, "detail": event.detail})


@router.post("/organisations/{slug}/concerns-import", response={201: ImportedOut, 422: ProblemsOut})
def import_concerns(request: HttpRequest, slug: str, payload: list[dict]):
    """Earlier cases in the JSON import format; all are stored, or none."""
    org, _ = organisation_for(request.auth, slug, "concerns.handle")
    try:
        created = import_case_list(request.auth, org, payload)
    except CaseImportError as exc:
        return Status(
            422,
            {"detail": "The import was refused; nothing was written.", "problems": exc.problems},
        )
    return Status(201, {"created": created})


@router.get("/organisations/{slug}/concerns-statistics", response=dict)
def statistics(request: HttpRequest, slug: str, by: str = "unit"):
    """Suppressed statistics per unit or per responsible leader (`by=leader`)."""
    org, _ = organisation_for(request.auth, slug, "concerns.stats")
    found = insights(org, by="leader" if by == "leader" else "unit")
    return {"min_group": found["k"], "groups": found["groups"], "overall": found["overall"]}
