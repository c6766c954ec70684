"""Issue 10, landing pages in a real browser: each role's overview at 1280 and 320 px,
checked with axe, with no request to another host and no sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from echoorg.concerns import services as concern_services
from echoorg.diagnostic.models import Response, SurveyWave
from tests.browser.helpers import assert_no_horizontal_scroll
from tests.test_diagnostic_results import YAML, answers

from .test_pages import NARROW

WIDE = {"width": 1280, "height": 800}


@pytest.fixture
def closed_wave(org, tree):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Autumn culture survey",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 9, 30),
        status=SurveyWave.CLOSED,
    )
    for n in range(10):
        Response.objects.create(wave=wave, unit=tree["Adults"], answers=answers(2 + n % 3))
    return wave


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
@pytest.mark.parametrize("role", ["leader", "board", "guardian", "staff", "mentor", "facilitator"])
def test_each_roles_overview(open_browser, org, tree, make_person, closed_wave, role, viewport):
    concern_services.raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text="Alarms on the ward are switched off at night.",
    )
    web = open_browser(viewport=viewport)
    web.login_as(make_person(org, role, unit=tree["Adults"]))
    web.goto(f"/o/{org.slug}/")
    page = web.page
    expect(page.get_by_role("heading", name="What echoorg is for you here")).to_be_visible()
    expect(page.get_by_role("heading", name="Speak up", exact=True)).to_be_visible()
    if role in ("leader", "board", "facilitator"):
        expect(page.locator("figure.profile svg")).to_be_visible()
    if role == "guardian":
        expect(page.get_by_role("heading", name="Concerns waiting for you")).to_be_visible()
        expect(page.get_by_text("Risk of harm", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page, viewport["width"])
    web.check()
