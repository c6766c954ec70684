"""Importing answers collected by another tool into a wave, and a background import's
progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from echoorg.common.forms import submitted, submitted_files
from echoorg.core.diagnostic.responses import ResponseFileError, missing_items_note
from echoorg.core.diagnostic.xlsx_limits import XlsxTooLarge

from .. import services
from ..forms import UploadForm
from ..models import ResponseImport
from ._common import wave_for


@login_required
@require_http_methods(["GET", "POST"])
def wave_import(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.manage")
    if not wave.uses_import:
        # Not offered, and a POST is refused before its file is even read.
        return render(
            request,
            "diagnostic/wave_import.html",
            {"org": org, "wave": wave, "refusal": services.LINKS_WAVE_REFUSAL},
            status=409,
        )
    form = UploadForm(submitted(request), submitted_files(request))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            if services.count_rows(upload.name, data) > services.BACKGROUND_ROWS:
                job = services.queue_import(request.user, wave, upload.name, data)
                return redirect("wave_import_job", slug=org.slug, wave_id=wave.pk, import_id=job.pk)
            table = services.read_upload(upload.name, data, wave.instrument)
            count = services.import_responses(request.user, wave, table, "import")
        except ResponseFileError as exc:
            problems = [str(p) for p in exc.problems]
        except XlsxTooLarge as exc:
            problems = [str(exc)]
        except services.CollectionRefused as exc:
            problems = [exc.message]
        else:
            messages.success(
                request,
                " ".join(filter(None, [f"Imported {count} responses.", missing_items_note(table)])),
            )
            return redirect("wave", slug=org.slug, wave_id=wave.pk)
    status = 400 if request.method == "POST" and (problems or form.errors) else 200
    return render(
        request,
        "diagnostic/wave_import.html",
        {
            "org": org,
            "wave": wave,
            "form": form,
            "problems": problems,
            "items": wave.instrument.item_ids,
            "background_rows": services.BACKGROUND_ROWS,
            "limits": services.XLSX_LIMITS,
            "jobs": wave.imports.all()[:5],
        },
        status=status,
    )


@login_required
def wave_import_job(request: HttpRequest, slug: str, wave_id: int, import_id: str) -> HttpResponse:
    """A background import's progress and final status (the page polls the API)."""
    org, wave = wave_for(request, slug, wave_id, "survey.manage")
    job = get_object_or_404(ResponseImport, pk=import_id, wave=wave, organisation=org)
    return render(
        request,
        "diagnostic/wave_import_job.html",
        {
            "org": org,
            "wave": wave,
            "job": job,
            "poll_url": f"/api/organisations/{org.slug}/waves/{wave.pk}/imports/{job.pk}",
        },
    )
