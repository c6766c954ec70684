"""A wave's instrument is parsed once per process (issue 9), not on every page load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from echoorg.core.diagnostic import instrument as instruments
from echoorg.core.diagnostic.instrument import InstrumentError, cached_instrument
from echoorg.diagnostic.models import Response, SurveyWave

# A comment makes the text (and so its hash) this module's own: nothing cached it yet.
YAML = instruments.shipped_instruments()["echo-culture-v1"].read_text() + "\n# cache test\n"


@pytest.fixture
def parses(monkeypatch):
    counted: list[str] = []
    parse = instruments.load_instrument_text

    def counting(text: str):
        counted.append(text)
        return parse(text)

    monkeypatch.setattr(instruments, "load_instrument_text", counting)
    return counted


def test_a_second_page_load_does_not_parse_the_instrument_again(
    login_as, facilitator, org, tree, parses
):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Closed wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 1, 31),
        status=SurveyWave.CLOSED,
    )
    items = cached_instrument(YAML, "echo-culture-v1", 1).items
    for _ in range(6):
        Response.objects.create(
            wave=wave, unit=tree["Recruitment"], answers={i.id: 3 for i in items}
        )
    assert len(parses) == 1
    client = login_as(facilitator)
    url = reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk})
    for _ in range(2):
        assert client.get(url).status_code == 200
    assert len(parses) == 1


def test_a_changed_text_or_version_is_parsed_afresh(parses):
    text = YAML + "# another test\n"
    first = cached_instrument(text, "echo-culture-v1", 1)
    assert cached_instrument(text, "echo-culture-v1", 1) is first
    assert cached_instrument(text + "# changed\n", "echo-culture-v1", 1) is not first
    assert cached_instrument(text, "echo-culture-v1", 2) is not first
    assert len(parses) == 3


def test_a_bad_instrument_is_refused_every_time(parses):
    for _ in range(2):
        with pytest.raises(InstrumentError):
            cached_instrument("id: [unclosed", "bad", 1)
    assert len(parses) == 2
