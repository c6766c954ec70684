"""The ECHO case analysis in headless Chromium, as the fictional Northmoor council's demo
leader, mentor and guardian: start an analysis of a library inquiry, walk every step with
the keyboard-usable forms, read the result with its timeline, share it with the mentor;
the worked example; a guardian sharing a concluded concern for learning. At 1280 and
320 px, every page checked with axe (WCAG 2.2 A/AA), for foreign requests and CSP.

Set ECHOORG_SCREENSHOTS to a folder to keep a full-page picture of each page.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.analysis.demo import load as load_analyses
from echoorg.analysis.models import CaseAnalysis
from echoorg.concerns.services import add_event, raise_concern
from echoorg.orgs.demo import load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
SHOTS = os.environ.get("ECHOORG_SCREENSHOTS", "")


@pytest.fixture
def demo(transactional_db) -> Organisation:
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    load_analyses(org)
    return org


def _user(role: str) -> User:
    return User.objects.get(email=f"{role}@northmoor.example")


def _shot(web, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        web.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_leader_walks_every_step_and_shares_the_result(web, demo):
    web.login_as(_user("leader"))
    page = web.page
    web.goto("/o/northmoor/analyses/")
    web.check()
    _shot(web, "01-list-1280")
    page.get_by_label("An inquiry from the case library").check()
    page.get_by_label("Inquiry", exact=True).select_option("countess-of-chester")
    web.submit(page.get_by_role("button", name="Start the analysis"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The facts and their timeline")
    # The library's first event, pre-filled as an ISO date the date input shows.
    expect(page.locator("#event-0-date")).to_have_value("2015-06-01")
    web.check()
    _shot(web, "02-step-facts-1280")
    web.submit(page.get_by_role("button", name="Save and continue"))

    page.get_by_label("Who is most at risk, and of what?").fill("The babies on the unit.")
    page.get_by_label("What is the paramount consideration?").fill("Their safety.")
    web.check()
    web.submit(page.get_by_role("button", name="Save and continue"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Threat, drive and soothing")
    page.locator("#stage-0-starts").fill("2015-06-01")
    page.locator("#stage-0-ends").fill("2016-06-30")
    page.locator("#stage-0-dominant").select_option("threat")
    page.locator("#stage-0-reading").fill("Reputation came first.")
    web.check()
    _shot(web, "03-step-systems-1280")
    web.submit(page.get_by_role("button", name="Save and continue"))
    page.get_by_label("Whose power shaped the story?").fill("The executives'.")
    web.submit(page.get_by_role("button", name="Save and continue"))
    page.get_by_label("Whose voice or perspective was missing?").fill("The parents'.")
    web.submit(page.get_by_role("button", name="Save and continue"))
    page.get_by_label("Person who raised the concern asked to apologise").check()
    web.check()
    _shot(web, "04-step-responses-1280")
    web.submit(page.get_by_role("button", name="Save and continue"))

    # A new action's date comes pre-filled in ISO form.
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    expect(page.locator("#action-0-due")).to_have_value(due)
    page.locator("#action-0-action").fill("Call the police on the next working day.")
    page.locator("#action-0-owner").fill("Medical director")
    web.check()
    web.submit(page.get_by_role("button", name="Save and see the analysis"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Countess of Chester")
    expect(page.locator("svg.analysis-timeline")).to_be_visible()
    expect(page.get_by_role("table", name="Events of the case")).to_be_visible()
    expect(page.get_by_text("Reputation came first.")).to_be_visible()
    web.check()
    _shot(web, "05-analysis-1280")
    page.get_by_label("Mentor who may read it").select_option(label="Dev Ramanathan")
    web.submit(page.get_by_role("button", name="Save who may read it"))
    expect(page.get_by_role("status")).to_contain_text("Shared with")
    analysis = CaseAnalysis.objects.filter(
        author=_user("leader"), inquiry_id="countess-of-chester"
    ).get()
    assert analysis.mentor == _user("mentor")
    assert analysis.steps_saved == [
        "facts",
        "risk",
        "systems",
        "assumptions",
        "unheard",
        "responses",
        "actions",
    ]


def test_pages_are_clean_at_phone_width(open_browser, demo):
    example = CaseAnalysis.objects.get(organisation=demo, is_example=True)
    mine = CaseAnalysis.objects.get(organisation=demo, author=_user("leader"))
    web = open_browser(viewport=NARROW)
    web.login_as(_user("leader"))
    for name, path in [
        ("list", "/o/northmoor/analyses/"),
        ("example", f"/o/northmoor/analyses/{example.pk}/"),
        ("mine", f"/o/northmoor/analyses/{mine.pk}/"),
        ("facts", f"/o/northmoor/analyses/{mine.pk}/steps/facts/"),
        ("systems", f"/o/northmoor/analyses/{mine.pk}/steps/systems/"),
        ("actions", f"/o/northmoor/analyses/{mine.pk}/steps/actions/"),
    ]:
        web.goto(path)
        web.check()
        assert_no_horizontal_scroll(web.page, NARROW["width"])
        _shot(web, f"10-{name}-320")
    # The timeline keeps its size and scrolls in its own region.
    web.goto(f"/o/northmoor/analyses/{example.pk}/")
    assert web.page.locator("svg.analysis-timeline").bounding_box()["width"] == 960
    expect(web.page.get_by_text("Fictional worked example.")).to_be_visible()


def test_the_worked_example_at_desktop_width(web, demo):
    example = CaseAnalysis.objects.get(organisation=demo, is_example=True)
    web.login_as(_user("mentor"))
    web.goto(f"/o/northmoor/analyses/{example.pk}/")
    expect(web.page.get_by_text("Fictional worked example.")).to_be_visible()
    expect(web.page.locator("svg.analysis-timeline rect[fill='#d4351c']").first).to_be_attached()
    web.check()
    _shot(web, "06-example-1280")


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1280", "320"])
def test_a_guardian_shares_a_concluded_concern(open_browser, demo, viewport):
    guardian = _user("guardian")
    concern = raise_concern(
        demo,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=False,
        text="Night staffing on the ward is unsafe.",
        received_on=timezone.localdate() - dt.timedelta(days=40),
        with_receipt=False,
    ).concern
    add_event(
        guardian,
        concern,
        type="concluded",
        date=timezone.localdate(),
        detail={"outcome": "substantiated"},
    )
    web = open_browser(viewport=viewport)
    web.login_as(guardian)
    page = web.page
    web.goto(f"/o/northmoor/concerns/case/{concern.reference}/")
    web.submit(page.get_by_role("link", name="Share this case for learning"))
    page.get_by_label("Title leaders will see").fill("Night staffing on a ward")
    page.get_by_label("Anonymised summary").fill("Staff said nights were unsafe; it was upheld.")
    page.locator("#event-0-date").fill("2026-01-01")
    page.locator("#event-0-precision").select_option("month")
    page.locator("#event-0-description").fill("Concern raised about nights.")
    web.check()
    if viewport:
        assert_no_horizontal_scroll(page, NARROW["width"])
    _shot(web, f"07-guardian-share-{'320' if viewport else '1280'}")
    web.submit(page.get_by_role("button", name="Share for learning"))
    expect(page.get_by_role("status")).to_contain_text("Shared for learning")
    expect(page.get_by_role("button", name="Withdraw from learning")).to_be_visible()
    web.check()
