"""Imports of survey responses: decompression bombs are refused before parsing, and large
files are imported as a background task with progress (issue 8, finding 10)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from echoorg.accounts.models import ApiToken
from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Response, ResponseImport, SurveyWave
from tests.core.test_xlsx_limits import bomb, workbook

YAML = shipped_instruments()["echo-culture-v1"].read_text()


@pytest.fixture
def import_wave(org):
    return SurveyWave.objects.create(
        organisation=org,
        title="Imported wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2099, 1, 1),
        status=SurveyWave.OPEN,
        collection=SurveyWave.IMPORT,
    )


@pytest.fixture
def bearer(facilitator):
    _, token = ApiToken.issue(facilitator, "survey tool")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def page_url(org, wave) -> str:
    return reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})


def api_url(org, wave) -> str:
    return f"/api/organisations/{org.slug}/waves/{wave.pk}/imports"


def csv_rows(n: int, bad_row: int | None = None, prefix: str = "r") -> bytes:
    lines = ["respondent,unit,thr1,thr2"]
    for i in range(n):
        lines.append(f"{prefix}{i},Support,{9 if i + 2 == bad_row else 3},4")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (lambda: bomb(1_500_000), "compressed more than 250 to 1"),
        (lambda: bomb(20, declared=1_500_000), "declares 1,500,000 rows; the limit is 100,000"),
    ],
)
def test_an_xlsx_bomb_is_refused_quickly_on_the_page_and_the_api(
    login_as, facilitator, client, bearer, org, tree, import_wave, sheet, message
):
    data = sheet()
    started = time.perf_counter()
    page = login_as(facilitator).post(
        page_url(org, import_wave), {"file": SimpleUploadedFile("bomb.xlsx", data)}
    )
    assert page.status_code == 400 and message in page.content.decode()
    api = client.post(
        api_url(org, import_wave), {"file": SimpleUploadedFile("bomb.xlsx", data)}, **bearer
    )
    assert api.status_code == 422 and message in api.json()["problems"][0]["message"]
    assert time.perf_counter() - started < 5
    assert not Response.objects.exists() and not ResponseImport.objects.exists()


def test_a_bomb_that_lies_about_its_size_is_counted_and_refused(
    login_as, facilitator, org, tree, import_wave, monkeypatch
):
    monkeypatch.setattr(services, "XLSX_LIMITS", services.XlsxLimits(max_ratio=100_000))
    page = login_as(facilitator).post(
        page_url(org, import_wave),
        {"file": SimpleUploadedFile("lies.xlsx", bomb(150_000, declared=2))},
    )
    assert page.status_code == 400
    assert "more than 100,000 responses" in page.content.decode()
    assert not Response.objects.exists()


def test_an_ordinary_workbook_still_imports_on_the_page_and_the_api(
    login_as, facilitator, client, bearer, org, tree, import_wave
):
    data = workbook([["respondent", "unit", "thr1"], ["A", "Support", 3], ["B", "Adults", 4]])
    page = login_as(facilitator).post(
        page_url(org, import_wave), {"file": SimpleUploadedFile("ok.xlsx", data)}
    )
    assert page.status_code == 302
    data = workbook([["respondent", "unit", "thr1"], ["C", "Support", 3]])
    api = client.post(
        api_url(org, import_wave), {"file": SimpleUploadedFile("ok.xlsx", data)}, **bearer
    )
    assert api.status_code == 201 and api.json() == {"created": 1}
    assert Response.objects.filter(wave=import_wave).count() == 3


def test_a_large_import_runs_as_a_task_and_its_page_shows_the_outcome(
    login_as, facilitator, org, tree, import_wave, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    browser = login_as(facilitator)
    sent = browser.post(
        page_url(org, import_wave), {"file": SimpleUploadedFile("big.csv", csv_rows(25))}
    )
    job = ResponseImport.objects.get()
    assert sent["Location"] == reverse(
        "wave_import_job", kwargs={"slug": org.slug, "wave_id": import_wave.pk, "import_id": job.pk}
    )
    assert (job.status, job.progress, job.imported) == (ResponseImport.DONE, 100, 25)
    assert bytes(job.upload) == b""  # the file is not kept once read
    html = browser.get(sent["Location"]).content.decode()
    assert "Imported 25 responses" in html and '<progress id="import-progress"' in html
    assert 'value="100"' in html and "import-progress.js" in html and "<script>" not in html
    assert Response.objects.filter(wave=import_wave).count() == 25


def test_a_large_bad_import_names_its_rows_and_writes_nothing(
    login_as, facilitator, client, bearer, org, tree, import_wave, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    browser = login_as(facilitator)
    sent = browser.post(
        page_url(org, import_wave),
        {"file": SimpleUploadedFile("big.csv", csv_rows(25, bad_row=17))},
    )
    html = browser.get(sent["Location"]).content.decode()
    assert "Refused" in html and "nothing was imported" in html
    assert "Row 17: thr1 is 9" in html
    job = ResponseImport.objects.get()
    status = client.get(f"{api_url(org, import_wave)}/{job.pk}", **bearer).json()
    assert status["status"] == "failed" and status["finished"]
    assert status["problems"][0].startswith("Row 17: thr1 is 9")
    assert not Response.objects.exists()


def test_the_api_queues_a_large_file_and_reports_its_progress(
    client, bearer, org, tree, import_wave, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    queued = client.post(
        api_url(org, import_wave), {"file": SimpleUploadedFile("big.csv", csv_rows(25))}, **bearer
    )
    assert queued.status_code == 202
    job = client.get(f"{api_url(org, import_wave)}/{queued.json()['id']}", **bearer).json()
    assert job["status"] == "done" and job["imported"] == 25 and job["progress"] == 100
    assert Response.objects.filter(wave=import_wave, source="api").count() == 25


def test_another_organisation_cannot_see_an_import_job(
    login_as, facilitator, org, tree, import_wave, other_org, make_person, monkeypatch
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    login_as(facilitator).post(
        page_url(org, import_wave), {"file": SimpleUploadedFile("big.csv", csv_rows(25))}
    )
    job = ResponseImport.objects.get()
    stranger = login_as(make_person(other_org, "facilitator"))
    url = reverse(
        "wave_import_job", kwargs={"slug": org.slug, "wave_id": import_wave.pk, "import_id": job.pk}
    )
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"{api_url(org, import_wave)}/{job.pk}").status_code == 404
    staff = login_as(make_person(org, "staff"))
    assert staff.get(url).status_code in (403, 404)


def test_the_import_pages_keep_to_a_query_budget(
    login_as, facilitator, org, tree, import_wave, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    browser = login_as(facilitator)
    for batch in "abc":
        job_url = browser.post(
            page_url(org, import_wave),
            {"file": SimpleUploadedFile("big.csv", csv_rows(25, prefix=batch))},
        )["Location"]
    assert Response.objects.count() == 75
    with django_assert_max_num_queries(12):
        assert browser.get(page_url(org, import_wave)).status_code == 200
    with django_assert_max_num_queries(10):
        assert browser.get(job_url).status_code == 200
