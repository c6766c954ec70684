"""Files uploaded through the web are read without the C accelerator, and files it cannot
read are refused with a message, not a 500 (issue 8, findings 11 and 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from echoorg.core.diagnostic import fastread
from echoorg.core.diagnostic.instrument import find_instrument, shipped_instruments
from echoorg.core.diagnostic.responses import ResponseFileError, read_responses_csv
from echoorg.diagnostic.models import Response, SurveyWave

YAML = shipped_instruments()["echo-culture-v1"].read_text()
INSTRUMENT = find_instrument("echo-culture-v1")
CR_ONLY = b"respondent,unit,thr1\rA,Recruitment,1\rB,Support,2\r"
LONG_HEADER = b"respondent,unit," + b"x" * 140_000 + b"\nA,Recruitment,1\n"


class NoNativeCode:
    """Stands in for the C module: any use of it fails the test."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the web import called the C accelerator ({name})")


@pytest.fixture
def open_wave(org):
    return SurveyWave.objects.create(
        organisation=org,
        title="Open wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2099, 1, 1),
        status=SurveyWave.OPEN,
        collection=SurveyWave.IMPORT,
    )


def upload(client, org, wave, data: bytes):
    url = reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})
    return client.post(url, {"file": SimpleUploadedFile("r.csv", data)})


def test_the_reader_uses_the_accelerator_only_when_asked(monkeypatch):
    monkeypatch.setattr(fastread, "native", NoNativeCode())
    data = b"respondent,unit,thr1\nA,U,1\nB,U,2\n"
    assert len(read_responses_csv(data, INSTRUMENT)) == 2
    with pytest.raises(AssertionError, match="C accelerator"):
        read_responses_csv(data, INSTRUMENT, accelerated=True)


def test_a_web_import_never_calls_the_native_module(
    login_as, facilitator, org, tree, open_wave, monkeypatch
):
    monkeypatch.setattr(fastread, "native", NoNativeCode())
    # plain: the very form the accelerator would take
    data = b"respondent,unit,thr1,thr2\nA1,Recruitment,4,5\nA2,Support,3,2\nA3,Support,1,"
    response = upload(login_as(facilitator), org, open_wave, data)
    assert response.status_code == 302
    assert Response.objects.filter(wave=open_wave).count() == 3


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (CR_ONLY, ["line endings", "carriage return"]),
        (LONG_HEADER, ["Row 1", "column 3", "at most 1,000"]),
    ],
)
def test_the_reader_refuses_unreadable_files_with_a_message(data, words):
    with pytest.raises(ResponseFileError) as refused:
        read_responses_csv(data, INSTRUMENT)
    for word in words:
        assert word in str(refused.value)


@pytest.mark.parametrize("data", [CR_ONLY, LONG_HEADER])
def test_the_import_page_refuses_them_without_a_server_error(
    login_as, facilitator, org, tree, open_wave, data
):
    response = upload(login_as(facilitator), org, open_wave, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "line endings" in html or "at most 1,000" in html
    assert not Response.objects.exists()
