"""API endpoints of published results and action plans: what every member of the
organisation reads on the "what staff said and what we will do" pages, and the same
permission ("results.read_published"). Nothing unpublished is reachable here."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from echoorg.orgs.permissions import organisation_for

from . import plans
from .models import SurveyWave

router = Router(tags=["published results and action plans"])


class PublishedSummaryOut(Schema):
    wave_id: int
    title: str
    closed_on: dt.date
    published: dt.datetime
    version: int
    actions: int


class ScaleFigureOut(Schema):
    id: str
    name: str
    mean: float | None = Field(description="null where withheld to protect anonymity")
    n: int | None


class ActionOut(Schema):
    what: str
    owner: str
    due: dt.date
    status: str = Field(description="'planned', 'in_progress' or 'done'")
    scale: str | None


class PublishedOut(Schema):
    wave_id: int
    title: str
    closed_on: dt.date
    published: dt.datetime
    version: int
    respondents: int | None = Field(
        description="null when too few answered for the whole organisation to be shown"
    )
    scales: list[ScaleFigureOut]
    pattern: str | None
    summary: str
    actions: list[ActionOut]


@router.get("/organisations/{slug}/published-results", response=list[PublishedSummaryOut])
def list_published(request: HttpRequest, slug: str):
    """The surveys whose results and action plans are published, latest first."""
    org, _ = organisation_for(request.auth, slug, "results.read_published")
    return [
        PublishedSummaryOut(
            wave_id=p.wave.pk,
            title=p.wave.title,
            closed_on=p.wave.closes_on,
            published=p.published_version.published,
            version=p.published_version.number,
            actions=len(p.published_version.actions),
        )
        for p in plans.published_plans(org)
    ]


@router.get("/organisations/{slug}/waves/{wave_id}/published-results", response=PublishedOut)
def get_published(request: HttpRequest, slug: str, wave_id: int):
    """A survey's published whole-organisation figures and action plan (404 when nothing
    is published for it)."""
    org, _ = organisation_for(request.auth, slug, "results.read_published")
    wave = get_object_or_404(SurveyWave, pk=wave_id, organisation=org)
    version = plans.published_version(wave)
    if version is None:
        raise Http404("Nothing is published for this survey.")
    shown = plans.published_view(version)
    figures = shown["figures"]
    return PublishedOut(
        wave_id=wave.pk,
        title=wave.title,
        closed_on=wave.closes_on,
        published=version.published,
        version=version.number,
        respondents=figures.n,
        scales=[ScaleFigureOut(id=s.id, name=s.name, mean=s.mean, n=s.n) for s in figures.scales],
        pattern=shown["profile"].pattern if shown["profile"] else None,
        summary=shown["summary"],
        actions=[
            ActionOut(
                what=a["what"],
                owner=a["owner"],
                due=a["due"],
                status=a["status"],
                scale=a["scale"] or None,
            )
            for a in shown["actions"]
        ],
    )
