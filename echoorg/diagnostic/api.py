"""API endpoints of the culture diagnostic: instruments, waves, responses from other tools,
and suppressed unit results."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from echoorg.core.diagnostic.instrument import load_instrument_text
from echoorg.core.diagnostic.responses import ResponseFileError, read_responses_rows
from echoorg.core.diagnostic.xlsx_limits import XlsxTooLarge
from echoorg.orgs.models import Unit
from echoorg.orgs.permissions import organisation_for

from . import services
from .forms import MAX_UPLOAD
from .models import ResponseImport, SurveyWave
from .plan_api import router as plan_router
from .results import parent_name, wave_results

router = Router(tags=["culture diagnostic"])
# Published results and action plans: their own module, under the same router.
router.add_router("/", plan_router)


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
    collection: str = Field(
        description="'links' (echoorg's own invitation links) or "
        "'import' (answers imported from another tool); fixed at set-up."
    )
    responses: int


class WaveIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    instrument: str = Field(description="An instrument key, e.g. 'echo-culture-v1@1'.")
    opens_on: dt.date
    closes_on: dt.date
    min_group: int = Field(5, ge=3, le=50)
    collection: str = Field(
        description="'links' or 'import'; cannot be changed later.", pattern="^(links|import)$"
    )
    units: list[str] = Field(
        default_factory=list,
        max_length=10_000,
        description="Unit names; empty for the whole organisation.",
    )


class DetailOut(Schema):
    detail: str


class ImportJobOut(Schema):
    id: str
    status: str
    status_label: str
    finished: bool
    progress: int
    imported: int | None
    message: str
    problems: list[str]


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
def list_instruments(request: HttpRequest, slug: str):
    org, _ = organisation_for(request.auth, slug, "survey.view")
    found = []
    for key, (title, text) in services.instrument_choices(org).items():
        instrument = load_instrument_text(text)
        found.append(
            InstrumentSummary(
                key=key,
                id=instrument.id,
                version=instrument.version,
                title=title,
                items=len(instrument.items),
                scales=[s.id for s in instrument.scales],
            )
        )
    return found


@router.get("/organisations/{slug}/instruments/{key}", response=InstrumentOut)
def get_instrument(request: HttpRequest, slug: str, key: str):
    org, _ = organisation_for(request.auth, slug, "survey.view")
    choices = services.instrument_choices(org)
    if key not in choices:
        raise HttpError(404, "Not found.")
    i = load_instrument_text(choices[key][1])
    return InstrumentOut(
        key=i.key,
        title=i.title,
        response_min=i.response_scale.min,
        response_max=i.response_scale.max,
        labels=list(i.response_scale.labels),
        scales=[
            ScaleOut(id=s.id, name=s.name, description=s.description, source=s.source)
            for s in i.scales
        ],
        items=[
            ItemOut(id=t.id, text=t.text, scale=t.scale, reverse=t.reverse, audience=t.audience)
            for t in i.items
        ],
    )


def _wave_out(wave: SurveyWave, responses: int | None = None) -> WaveOut:
    """The wave as the API shows it; `responses` if already counted (a list of waves)."""
    return WaveOut(
        id=wave.pk,
        title=wave.title,
        instrument=f"{wave.instrument_id}@{wave.instrument_version}",
        opens_on=wave.opens_on,
        closes_on=wave.closes_on,
        status=wave.status,
        min_group=wave.min_group,
        collection=wave.collection,
        responses=services.answered_count(wave) if responses is None else responses,
    )


@router.get("/organisations/{slug}/waves", response=list[WaveOut])
def list_waves(request: HttpRequest, slug: str):
    org, _ = organisation_for(request.auth, slug, "survey.view")
    waves = list(org.waves.all())
    counts = services.answered_counts(waves)  # two queries, not two per wave
    return [_wave_out(w, counts[w.pk]) for w in waves]


@router.post("/organisations/{slug}/waves", response={201: WaveOut, 422: ProblemsOut})
def create_wave(request: HttpRequest, slug: str, payload: WaveIn):
    """Set up a wave; `collection` says whether it takes answers through echoorg's links
    or by import, and can never be changed afterwards."""
    org, _ = organisation_for(request.auth, slug, "survey.manage")
    found = {u.name: u for u in Unit.objects.filter(organisation=org, name__in=payload.units)}
    unknown = [name for name in payload.units if name not in found]
    if unknown:
        return Status(
            422,
            {
                "detail": "The wave was refused; nothing was written.",
                "problems": [
                    {"row": 0, "message": f"units: '{name}' is not a unit of {org.name}."}
                    for name in unknown[:50]
                ],
            },
        )
    try:
        wave = services.create_wave(
            request.auth,
            org,
            title=payload.title,
            instrument_key=payload.instrument,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            min_group=payload.min_group,
            units=[found[n] for n in dict.fromkeys(payload.units)],
            collection=payload.collection,
        )
    except ValidationError as exc:
        return Status(
            422,
            {
                "detail": "The wave was refused; nothing was written.",
                "problems": [
                    {"row": 0, "message": f"{field}: {message}"}
                    for field, messages in exc.message_dict.items()
                    for message in messages
                ],
            },
        )
    return Status(201, _wave_out(wave))


@router.get("/organisations/{slug}/waves/{wave_id}", response=WaveOut)
def get_wave(request: HttpRequest, slug: str, wave_id: int):
    return _wave_out(_wave(request, slug, wave_id, "survey.view"))


@router.post(
    "/organisations/{slug}/waves/{wave_id}/responses",
    response={201: CreatedOut, 409: ProblemsOut, 422: ProblemsOut},
)
def submit_responses(request: HttpRequest, slug: str, wave_id: int, payload: ResponsesIn):
    """Responses collected by another tool; all are stored, or none (422 with rows).

    Only a wave set up to collect by import takes them: 409 for a wave that collects
    through echoorg's links."""
    wave = _wave(request, slug, wave_id, "survey.manage")
    if not wave.uses_import:
        return Status(409, {"detail": services.LINKS_WAVE_REFUSAL, "problems": []})
    if wave.status == SurveyWave.CLOSED:
        return Status(409, {"detail": "The wave is closed.", "problems": []})
    item_ids = list(wave.instrument.item_ids)
    used = sorted({item for r in payload.responses for item in r.answers})
    unknown = [item for item in used if item not in item_ids]
    if unknown:
        return Status(
            422,
            {
                "detail": "The responses were refused; nothing was written.",
                "problems": [
                    {"row": 0, "message": f"'{item}' is not an item of {wave.instrument.key}."}
                    for item in unknown
                ],
            },
        )
    rows = [["respondent", "unit", *item_ids]] + [
        [r.respondent, r.unit, *[r.answers.get(i) for i in item_ids]] for r in payload.responses
    ]
    try:
        table = read_responses_rows(rows, wave.instrument)
        created = services.import_responses(request.auth, wave, table, "api")
    except services.CollectionRefused as exc:
        return Status(409, {"detail": exc.message, "problems": []})
    except ResponseFileError as exc:
        # Rows are numbered from 1 for the first response in the body (files count
        # their header as row 1), in the row field and in the messages alike.
        return Status(
            422,
            {
                "detail": "The responses were refused; nothing was written.",
                "problems": [
                    {"row": max(p.row - 1, 0), "message": _renumber(p.message)}
                    for p in exc.problems
                ],
            },
        )
    return Status(201, {"created": created})


def _job_out(job: ResponseImport) -> ImportJobOut:
    return ImportJobOut(
        id=str(job.pk),
        status=job.status,
        status_label=job.get_status_display(),
        finished=job.finished,
        progress=job.progress,
        imported=job.imported,
        message=job.message,
        problems=list(job.problems),
    )


@router.post(
    "/organisations/{slug}/waves/{wave_id}/imports",
    response={
        201: CreatedOut,
        202: ImportJobOut,
        409: ProblemsOut,
        413: ProblemsOut,
        422: ProblemsOut,
    },
)
def import_file(
    request: HttpRequest, slug: str, wave_id: int, file: UploadedFile | None = File(None)
):
    """A responses file (CSV or XLSX, as on the import page) for an import wave.

    Small files are imported at once (201); files of more than the background threshold
    of rows become a background job (202; follow it with GET .../imports/{id}). A
    workbook is size-checked before it is parsed and refused with the limit it passed."""
    wave = _wave(request, slug, wave_id, "survey.manage")
    if not wave.uses_import:
        return Status(409, {"detail": services.LINKS_WAVE_REFUSAL, "problems": []})
    if file is None:
        return Status(
            422, {"detail": "Send the responses file in the 'file' field.", "problems": []}
        )
    if file.size > MAX_UPLOAD:
        return Status(
            413, {"detail": "The file is larger than 50 MB; nothing was written.", "problems": []}
        )
    data = file.read()
    refused = "The file was refused; nothing was written."
    try:
        if services.count_rows(file.name or "", data) > services.BACKGROUND_ROWS:
            job = services.queue_import(request.auth, wave, file.name or "", data, "api")
            return Status(202, _job_out(job))
        table = services.read_upload(file.name or "", data, wave.instrument)
        created = services.import_responses(request.auth, wave, table, "api")
    except XlsxTooLarge as exc:
        return Status(422, {"detail": refused, "problems": [{"row": 0, "message": str(exc)}]})
    except ResponseFileError as exc:
        return Status(
            422,
            {
                "detail": refused,
                "problems": [{"row": p.row, "message": p.message} for p in exc.problems],
            },
        )
    except services.CollectionRefused as exc:
        return Status(409, {"detail": exc.message, "problems": []})
    return Status(201, {"created": created})


@router.get("/organisations/{slug}/waves/{wave_id}/imports/{import_id}", response=ImportJobOut)
def get_import(request: HttpRequest, slug: str, wave_id: int, import_id: str):
    """A background import's status and progress (percent), and its outcome once finished."""
    wave = _wave(request, slug, wave_id, "survey.manage")
    try:
        key = uuid.UUID(import_id)
    except ValueError:
        raise HttpError(404, "Not found.") from None
    return _job_out(
        get_object_or_404(ResponseImport, pk=key, wave=wave, organisation=wave.organisation)
    )


def _renumber(message: str) -> str:
    return re.sub(r"\brow (\d+)", lambda m: f"row {int(m.group(1)) - 1}", message)


@router.get(
    "/organisations/{slug}/waves/{wave_id}/results",
    response={200: list[UnitResultOut], 409: ProblemsOut},
)
def get_results(request: HttpRequest, slug: str, wave_id: int):
    """Unit figures with suppression applied: a withheld figure is null."""
    wave = _wave(request, slug, wave_id, "survey.view")
    if wave.status != SurveyWave.CLOSED:
        return Status(
            409, {"detail": "Results are available once the wave has closed.", "problems": []}
        )
    services.ensure_wave_figures(wave)
    results = wave_results(wave)
    return [
        UnitResultOut(
            unit=r.unit.name,
            parent=parent_name(r, results) or None,
            n=r.n if r.shown else None,
            suppressed=not r.shown,
            means=r.means,
            pattern=r.profile.pattern if r.profile else None,
        )
        for r in results
    ]
