"""Action plans in headless Chromium (issue 10): a leader of the fictional demo council
writes the autumn survey's plan and publishes it; a member of staff finds it from their
overview and reads it, on a desktop and on a 320 px phone.

Every page reached goes through `web.check()`: nothing requested from another host, no
Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation. With
ECHOORG_SCREENSHOT_DIR set, each page is saved there as a PNG at both widths.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from echoorg.diagnostic.demo import load_demo_waves
from echoorg.diagnostic.models import PublishedPlan, SurveyWave
from echoorg.orgs.demo import DEMO_PASSWORD, load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


def _shot(web, name: str) -> None:
    folder = os.environ.get("ECHOORG_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        web.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def autumn(transactional_db) -> SurveyWave:
    """The demo council with its waves and no plan yet: the leader writes it here."""
    cache.clear()
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    load_demo_waves(org)
    return org.waves.filter(status=SurveyWave.CLOSED).order_by("-closes_on").first()


def test_a_leader_writes_and_publishes_and_staff_read_it(open_browser, autumn):
    slug = autumn.organisation.slug
    plan_path = f"/o/{slug}/surveys/{autumn.pk}/plan/"
    web = open_browser(viewport=WIDE)
    page = web.page
    web.log_in("leader@northmoor.example", DEMO_PASSWORD)
    web.goto(f"/o/{slug}/surveys/{autumn.pk}/")
    page.get_by_role("link", name="Action plan for staff").click()
    expect(page).to_have_url(path_is(plan_path))
    expect(heading(page)).to_have_text(f"Action plan: {autumn.title}")
    web.check()

    # A bad action: a clear message, nothing written.
    page.get_by_label("What will be done").fill("")
    page.get_by_label("Who owns it").fill("Head of workforce")
    web.submit(page.get_by_role("button", name="Add the action"))
    expect(page.get_by_role("alert")).to_contain_text("Say what will be done.")
    web.check()

    page.get_by_role("textbox", name=re.compile("^What you told us")).fill(
        "You told us that you do not always hear back after raising a concern."
    )
    web.submit(page.get_by_role("button", name="Save the summary"))
    expect(page.get_by_role("status").first).to_contain_text("Saved")

    due = page.get_by_label("Due by")
    # Pre-filled, in the ISO format a date input takes.
    assert dt.date.fromisoformat(due.input_value()) > dt.date.today()
    page.get_by_label("What will be done").fill("Tell each team what happened after concerns")
    page.get_by_label("Who owns it").fill("Directors")
    due.fill("2027-01-29")
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("Scale of the results it answers").select_option(label="Speaking-up safety")
    web.submit(page.get_by_role("button", name="Add the action"))
    row = page.get_by_role("row").filter(has_text="Tell each team what happened")
    expect(row).to_contain_text("Speaking-up safety")
    expect(row).to_contain_text("29 Jan 2027")
    web.check()
    _shot(web, "leader-plan-1280")

    page.get_by_role("link", name=re.compile("^Publish to staff")).click()
    expect(heading(page)).to_have_text("Publish to staff")
    web.check()
    _shot(web, "leader-publish-preview-1280")
    web.submit(page.get_by_role("button", name=re.compile("^Publish to everyone")))
    expect(page).to_have_url(path_is(plan_path))
    expect(page.get_by_text("Version 1: published")).to_be_visible()
    assert PublishedPlan.objects.filter(plan__wave=autumn, withdrawn=None).count() == 1

    for viewport, suffix in ((WIDE, "1280"), (NARROW, "320")):
        staff = open_browser(viewport=viewport)
        spage = staff.page
        staff.log_in("staff@northmoor.example", DEMO_PASSWORD)
        staff.goto(f"/o/{slug}/")
        panel = spage.get_by_role("region", name="What staff said and what we will do")
        expect(panel).to_be_visible()
        _shot(staff, f"staff-overview-{suffix}")
        panel.get_by_role("link", name=autumn.title).click()
        expect(heading(spage)).to_have_text("What staff said and what we will do")
        expect(spage.get_by_text("you do not always hear back")).to_be_visible()
        expect(spage.get_by_text("Tell each team what happened after concerns")).to_be_visible()
        expect(
            spage.get_by_role("table", name="Each scale for the whole organisation")
        ).to_be_visible()
        staff.check()
        if viewport is NARROW:
            assert_no_horizontal_scroll(spage, NARROW["width"])
        _shot(staff, f"staff-published-{suffix}")
        spage.get_by_role("link", name="What staff said", exact=True).first.click()
        expect(spage.get_by_role("link", name=autumn.title)).to_be_visible()
        staff.check()
        if viewport is NARROW:
            assert_no_horizontal_scroll(spage, NARROW["width"])
        _shot(staff, f"staff-published-list-{suffix}")

    # The leader's plan page at 320 px too.
    narrow = open_browser(viewport=NARROW)
    narrow.log_in("leader@northmoor.example", DEMO_PASSWORD)
    narrow.goto(plan_path)
    narrow.check()
    assert_no_horizontal_scroll(narrow.page, NARROW["width"])
    _shot(narrow, "leader-plan-320")
