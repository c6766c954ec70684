"""API endpoints for branching scenarios: the shipped scenarios, the caller's own plays
(start, read, choose; another person's play is "not found", whatever the role), and the
organisation's workshops for facilitators (the room's path and vote splits)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.core.scenarios.story import ScenarioError
from echoorg.core.scenarios.workshop import vote_split
from echoorg.orgs.permissions import organisation_for

from . import services
from .catalogue import scenario, scenarios
from .models import Play, Workshop

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


class WorkshopStepOut(Schema):
    step: int
    text: str = Field(description="The option the room followed.")
    decided_by: str = Field(description='"majority" or "facilitator".')
    codes: list[str]
    votes: list[str] = Field(
        description="How the votes split, one label per option; counts under three are "
        '"fewer than 3".'
    )
    options: list[str]


class WorkshopOut(Schema):
    id: int
    scenario: str
    code: str
    status: str
    step: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    ending_title: str


class WorkshopDetailOut(WorkshopOut):
    steps: list[WorkshopStepOut]


def _workshop_out(w: Workshop) -> dict:
    return {
        "id": w.pk,
        "scenario": w.scenario,
        "code": w.code,
        "status": w.status,
        "step": w.step,
        "started_at": w.started_at,
        "finished_at": w.finished_at,
        "ending_title": w.ending_title,
    }


@router.get("/organisations/{slug}/workshops", response=list[WorkshopOut])
def list_workshops(request: HttpRequest, slug: str):
    """The organisation's scenario workshops, newest first (facilitators)."""
    org, _ = organisation_for(request.auth, slug, "scenarios.facilitate")
    return [
        _workshop_out(w)
        for w in Workshop.objects.filter(organisation=org).order_by("-started_at")[:200]
    ]


@router.get("/organisations/{slug}/workshops/{workshop_id}", response=WorkshopDetailOut)
def get_workshop(request: HttpRequest, slug: str, workshop_id: int):
    """A workshop with the room's path and how the votes split at each decision (counts
    under three as "fewer than 3"; never who voted)."""
    org, _ = organisation_for(request.auth, slug, "scenarios.facilitate")
    found = Workshop.objects.filter(pk=workshop_id, organisation=org).first()
    if found is None:
        raise Http404("No such workshop.")
    return {
        **_workshop_out(found),
        "steps": [
            {
                "step": s.step,
                "text": s.text,
                "decided_by": s.decided_by,
                "codes": s.codes,
                "votes": list(vote_split(s.votes).options),
                "options": s.options,
            }
            for s in found.steps.all()
        ],
    }
