"""The trends page: one small chart per scale, hidden waves marked and explained."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from echoorg.core.diagnostic.instrument import load_instrument_text, shipped_instruments
from echoorg.diagnostic.models import Response, SurveyWave
from echoorg.diagnostic.results import forget_stored_figures
from echoorg.orgs.models import Unit

YAML = shipped_instruments()["echo-culture-v1"].read_text()
INSTRUMENT = load_instrument_text(YAML)


def answers(level: int) -> dict[str, int]:
    return {i.id: (6 - level if i.reverse else level) for i in INSTRUMENT.items_for("staff")}


def closed_wave(org, title: str, month: int, rows) -> SurveyWave:
    wave = SurveyWave.objects.create(
        organisation=org,
        title=title,
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, month, 1),
        closes_on=dt.date(2026, month, 20),
        status=SurveyWave.CLOSED,
    )
    Response.objects.bulk_create(
        Response(wave=wave, unit=unit, answers=answers(level))
        for unit, count, level in rows
        for _ in range(count)
    )
    wave.freeze_unit_tree()
    wave.save(update_fields=["unit_tree"])
    return wave


@pytest.fixture
def waves(org, tree):
    """Adults: 12 answers in March (level 4), 3 in June (too few: hidden). Recruitment
    and Support answer enough in both, so nothing else forces Adults to be hidden."""
    forget_stored_figures()
    march = closed_wave(
        org,
        "Culture survey, March",
        3,
        [(tree["Adults"], 12, 4), (tree["Recruitment"], 9, 2), (tree["Support"], 9, 3)],
    )
    june = closed_wave(
        org,
        "Culture survey, June",
        6,
        [(tree["Adults"], 3, 2), (tree["Recruitment"], 9, 2), (tree["Support"], 9, 3)],
    )
    return march, june


def trends(client, org, **query):
    return client.get(reverse("trends", kwargs={"slug": org.slug}), query)


def test_a_hidden_wave_has_no_point_and_says_why(login_as, facilitator, org, tree, waves):
    page = trends(login_as(facilitator), org, unit=tree["Adults"].pk)
    html = page.content.decode()
    charts = re.findall(r'<svg class="small-trend".*?</svg>', html, flags=re.S)
    assert len(charts) == len(INSTRUMENT.scales)
    # Staff answered here, so the leaders' self-view has no figure in either wave.
    answered = [s.name for s in INSTRUMENT.scales if s.id != "hubris_self"]
    for name, chart in zip([s.name for s in INSTRUMENT.scales], charts, strict=True):
        assert chart.count("<circle") == (1 if name in answered else 0)  # March only
        assert 'class="gap"' in chart and ">hidden</text>" in chart
        assert "<polyline" not in chart  # no line into a hidden wave
    # Every chart hides June for the same reason: said once, above the charts; the
    # self-view's own reason for March is under its chart.
    assert "Culture survey, March: not shown (fewer than 5 people answered this scale" in html
    notice = re.search(r'<div class="notice" id="hidden-waves">(.*?)</div>', html, re.S)
    assert notice and "Culture survey, June: not shown (fewer than 5 people answered" in (
        notice.group(1)
    )
    assert "Culture survey, March 4.00; Culture survey, June not shown" in html  # the desc
    table = html[html.index('<table class="trend-table">') :]
    assert table.count(">hidden<") == len(INSTRUMENT.scales) + 1
    # The x axis names the waves without the words they share.
    assert ">March</text>" in charts[0] and ">June</text>" in charts[0]


def test_the_systems_are_red_blue_and_green_and_other_scales_neutral(
    login_as, facilitator, org, tree, waves
):
    html = trends(login_as(facilitator), org, unit=tree["Fostering"].pk).content.decode()
    lines = dict(
        re.findall(
            r'<title id="trend-\d+-t">([^<]+) across waves</title>.*?stroke="(#[0-9a-f]+)" '
            r'stroke-width="2.5"',
            html,
            flags=re.S,
        )
    )
    assert lines["Threat system"] == "#b3261e"
    assert lines["Drive system"] == "#1d4f91"
    assert lines["Soothing system"] == "#1e6b3a"
    assert lines["Speaking-up safety"] == lines["Moral distress"] == "#4a4a55"


def test_every_chart_has_the_same_value_axis(login_as, facilitator, org, tree, waves):
    html = trends(login_as(facilitator), org, unit=tree["Fostering"].pk).content.decode()
    charts = re.findall(r'<svg class="small-trend".*?</svg>', html, flags=re.S)
    axes = {tuple(re.findall(r'text-anchor="end" fill="#4a4a55">(\d)</text>', c)) for c in charts}
    assert axes == {("1", "2", "3", "4", "5")}


def test_a_unit_added_after_a_wave_was_not_part_of_it(login_as, facilitator, org, tree, waves):
    later = Unit.objects.create(organisation=org, name="New team", parent=tree["Adults"])
    html = trends(login_as(facilitator), org, unit=later.pk).content.decode()
    assert "Culture survey, March: not shown (this unit was not part of this wave)." in html


@pytest.mark.parametrize("unit", ["999999", "abc", "-1"])
def test_an_unknown_unit_shows_the_whole_organisation(login_as, facilitator, org, waves, unit):
    page = trends(login_as(facilitator), org, unit=unit)
    assert page.status_code == 200
    assert "Alpha Council: whole organisation: one chart per scale" in page.content.decode()


def test_no_closed_wave_means_no_chart(login_as, facilitator, org, tree):
    html = trends(login_as(facilitator), org).content.decode()
    assert "Trends appear when at least one wave has closed." in html and "<svg" not in html
