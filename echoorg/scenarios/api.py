"""API endpoints for branching scenarios: the shipped scenarios, and the caller's own
plays (start, read, choose). Another person's play is "not found", whatever the role."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.core.scenarios.story import ScenarioError
from echoorg.orgs.permissions import organisation_for

from . import services
from .catalogue import scenario, scenarios
from .models import Play

router = Router(tags=["scenarios"])
ACTION = "scenarios.play"


class ScenarioOut(Schema):
    id: str
    title: str
    summary: str
    fictional: str
    role: str


class OptionOut(Schema):
    index: int
    text: str
    codes: list[str]


class ChoiceOut(Schema):
    step: int
    knot: str
    choice_index: int
    text: str
    codes: list[str]
    threat: int
    drive: int
    soothing: int
    safety: int
    made_at: dt.datetime


class PlayOut(Schema):
    id: int
    scenario: str
    status: str
    started_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None
    ending: str
    ending_title: str


class PlayDetailOut(PlayOut):
    passage: list[str] = Field(description="The text shown at the current point.")
    options: list[OptionOut] = Field(description="The choices on offer (none when finished).")
    choices: list[ChoiceOut]
    reflection_prefill: str


class StartIn(Schema):
    scenario: str = Field(max_length=80)


class ChoiceIn(Schema):
    step: int = Field(ge=1, description="The decision's number: one more than those made.")
    index: int = Field(ge=0, description="The option's index, as listed in `options`.")


def _play_out(play: Play) -> dict:
    return {
        "id": play.pk,
        "scenario": play.scenario,
        "status": play.status,
        "started_at": play.started_at,
        "updated_at": play.updated_at,
        "finished_at": play.finished_at,
        "ending": play.ending,
        "ending_title": play.ending_title,
    }


def _detail(play: Play) -> dict:
    return {
        **_play_out(play),
        "passage": [line["text"] for line in play.passage.get("lines", []) if line["text"]],
        "options": play.passage.get("options", []),
        "choices": list(play.choices.all()),
        "reflection_prefill": services.reflection_prefill(play),
    }


def _own(request: HttpRequest, slug: str, play_id: int):
    org, member = organisation_for(request.auth, slug, ACTION)
    play = services.own_play(member, play_id)
    if play is None:
        raise Http404("No such play.")
    return org, member, play


@router.get("/organisations/{slug}/scenarios", response=list[ScenarioOut])
def list_scenarios(request: HttpRequest, slug: str):
    """The scenarios echoorg ships (each a fictional composite)."""
    organisation_for(request.auth, slug, ACTION)
    return [
        {
            "id": s.id,
            "title": s.title,
            "summary": s.info.summary,
            "fictional": s.info.fictional,
            "role": s.info.role,
        }
        for s in scenarios().values()
    ]


@router.get("/organisations/{slug}/scenario-plays", response=list[PlayOut])
def list_plays(request: HttpRequest, slug: str):
    """The caller's own plays, most recently changed first."""
    _, member = organisation_for(request.auth, slug, ACTION)
    return [_play_out(p) for p in services.plays_of(member)]


@router.post("/organisations/{slug}/scenario-plays", response={201: PlayDetailOut})
def start_play(request: HttpRequest, slug: str, payload: StartIn):
    """Start a scenario, or return the caller's play of it still in progress."""
    org, member = organisation_for(request.auth, slug, ACTION)
    if scenario(payload.scenario) is None:
        raise HttpError(400, "There is no such scenario.")
    play = services.start_play(request.auth, org, member, payload.scenario)
    return Status(201, _detail(play))


@router.get("/organisations/{slug}/scenario-plays/{play_id}", response=PlayDetailOut)
def get_play(request: HttpRequest, slug: str, play_id: int):
    """One of the caller's plays: where it stands, the choices made and on offer."""
    _, _, play = _own(request, slug, play_id)
    return _detail(play)


@router.post("/organisations/{slug}/scenario-plays/{play_id}/choices", response=PlayDetailOut)
def make_choice(request: HttpRequest, slug: str, play_id: int, payload: ChoiceIn):
    """Make decision number `step` (refused with 409 if that decision was already made)."""
    _, _, play = _own(request, slug, play_id)
    try:
        services.make_choice(request.auth, play, payload.step, payload.index)
    except services.StaleChoice:
        raise HttpError(409, "That decision was already made, or the play has finished.")
    except ScenarioError as exc:
        raise HttpError(400, str(exc))
    return _detail(play)
