"""API endpoints of the culture diagnostic: instruments, waves, responses from other tools,
and suppressed unit results."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.core.diagnostic.instrument import load_instrument_text
from echoorg.core.diagnostic.responses import ResponseFileError, read_responses_rows
from echoorg.orgs.permissions import organisation_for

from . import services
from .models import SurveyWave
from .results import parent_name, wave_results

router = Router(tags=["culture diagnostic"])


class InstrumentSummary(Schema):
    key: str
    id: str
    version: int
    title: str
    items: int
    scales: list[str]


class ItemOut(Schema):
    id: str
    text: str
    scale: str
    reverse: bool
    audience: str


class ScaleOut(Schema):
    id: str
    name: str
    description: str
    source: str


class InstrumentOut(Schema):
    key: str
    title: str
    response_min: int
    response_max: int
    labels: list[str]
    scales: list[ScaleOut]
    items: list[ItemOut]


class WaveOut(Schema):
    id: int
    title: str
    instrument: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    min_group: int
    responses: int


class ResponseIn(Schema):
    respondent: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=200)
    answers: dict[str, int | None]


class ResponsesIn(Schema):
    responses: list[ResponseIn] = Field(max_length=100_000)


class Problem(Schema):
    row: int
    message: str


class ProblemsOut(Schema):
    detail: str
    problems: list[Problem]


class CreatedOut(Schema):
    created: int


class UnitResultOut(Schema):
    unit: str
    parent: str | None
    n: int | None
    suppressed: bool
    means: dict[str, float | None]
    pattern: str | None


def _wave(request: HttpRequest, slug: str, wave_id: int, action: str) -> SurveyWave:
    org, _ = organisation_for(request.auth, slug, action)
    return get_object_or_404(SurveyWave, pk=wave_id, organisation=org)


@router.get("/organisations/{slug}/instruments", response=list[InstrumentSummary])
def list_instruments(request: HttpRequest, slug: str):  # noqa: ANN201
    org, _ = organisation_for(request.auth, slug, "survey.view")
    found = []
    for key, (title, text) in services.instrument_choices(org).items():
        instrument = load_instrument_text(text)
        found.append(InstrumentSummary(key=key, id=instrument.id, version=instrument.version,
                                       title=title, items=len(instrument.items),
                                       scales=[s.id for s in instrument.scales]))
    return found


@router.get("/organisations/{slug}/instruments/{key}", response=InstrumentOut)
def get_instrument(request: HttpRequest, slug: str, key: str):  # noqa: ANN201
    org, _ = organisation_for(request.auth, slug, "survey.view")
    choices = services.instrument_choices(org)
    if key not in choices:
        raise HttpError(404, "Not found.")
    i = load_instrument_text(choices[key][1])
    return InstrumentOut(
        key=i.key, title=i.title, response_min=i.response_scale.min,
        response_max=i.response_scale.max, labels=list(i.response_scale.labels),
        scales=[ScaleOut(id=s.id, name=s.name, description=s.description, source=s.source)
                for s in i.scales],
        items=[ItemOut(id=t.id, text=t.text, scale=t.scale, reverse=t.reverse,
                       audience=t.audience) for t in i.items])


def _wave_out(wave: SurveyWave) -> WaveOut:
    return WaveOut(id=wave.pk, title=wave.title, instrument=f"{wave.instrument_id}@"
                   f"{wave.instrument_version}", opens_on=wave.opens_on,
                   closes_on=wave.closes_on, status=wave.status, min_group=wave.min_group,
                   responses=services.answered_count(wave))


@router.get("/organisations/{slug}/waves", response=list[WaveOut])
def list_waves(request: HttpRequest, slug: str):  # noqa: ANN201
    org, _ = organisation_for(request.auth, slug, "survey.view")
    return [_wave_out(w) for w in org.waves.all()]


@router.get("/organisations/{slug}/waves/{wave_id}", response=WaveOut)
def get_wave(request: HttpRequest, slug: str, wave_id: int):  # noqa: ANN201
    return _wave_out(_wave(request, slug, wave_id, "survey.view"))


@router.post("/organisations/{slug}/waves/{wave_id}/responses",
             response={201: CreatedOut, 409: ProblemsOut, 422: ProblemsOut})
def submit_responses(request: HttpRequest, slug: str, wave_id: int, payload: ResponsesIn):  # noqa: ANN201
    """Responses collected by another tool; all are stored, or none (422 with rows)."""
    wave = _wave(request, slug, wave_id, "survey.manage")
    if wave.status == SurveyWave.CLOSED:
        return Status(409, {"detail": "The wave is closed.", "problems": []})
    item_ids = list(wave.instrument.item_ids)
    used = sorted({item for r in payload.responses for item in r.answers})
    unknown = [item for item in used if item not in item_ids]
    if unknown:
        return Status(422, {"detail": "The responses were refused; nothing was written.",
                            "problems": [{"row": 0, "message": f"'{item}' is not an item of "
                                          f"{wave.instrument.key}."} for item in unknown]})
    rows = [["respondent", "unit", *item_ids]] + [
        [r.respondent, r.unit, *[r.answers.get(i) for i in item_ids]]
        for r in payload.responses]
    try:
        table = read_responses_rows(rows, wave.instrument)
        created = services.import_responses(request.auth, wave, table, "api")
    except ResponseFileError as exc:
        # Rows are numbered from 1 for the first response in the body (files count
        # their header as row 1), in the row field and in the messages alike.
        return Status(422, {"detail": "The responses were refused; nothing was written.",
                            "problems": [{"row": max(p.row - 1, 0),
                                          "message": _renumber(p.message)}
                                         for p in exc.problems]})
    return Status(201, {"created": created})


def _renumber(message: str) -> str:
    return re.sub(r"\brow (\d+)", lambda m: f"row {int(m.group(1)) - 1}", message)


@router.get("/organisations/{slug}/waves/{wave_id}/results",
            response={200: list[UnitResultOut], 409: ProblemsOut})
def get_results(request: HttpRequest, slug: str, wave_id: int):  # noqa: ANN201
    """Unit figures with suppression applied: a withheld figure is null."""
    wave = _wave(request, slug, wave_id, "survey.view")
    if wave.status != SurveyWave.CLOSED:
        return Status(409, {"detail": "Results are available once the wave has closed.",
                            "problems": []})
    results = wave_results(wave)
    return [UnitResultOut(unit=r.unit.name, parent=parent_name(r, results) or None,
                          n=r.n if r.shown else None, suppressed=not r.shown,
                          means=r.means, pattern=r.profile.pattern if r.profile else None)
            for r in results]
