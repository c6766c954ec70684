"""The results page in headless Chromium at 1280 and 320 px (issue 10): the tables fit
or scroll with their first column fixed, cells are coloured by each scale's direction
with a legend, the reader chooses the scales of the all-units table, each scale says what
it means and leads to its conversation guide; axe finds nothing on any of it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from echoorg.diagnostic.demo import load_demo_waves
from echoorg.diagnostic.models import SurveyWave
from echoorg.orgs.demo import load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is
from tests.browser.test_diagnostic_pages import Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def council(transactional_db) -> Demo:
    """The demo council with its two closed waves (spring, autumn) and the open pulse."""
    cache.clear()
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    load_demo_waves(org)
    spring, autumn = SurveyWave.objects.filter(organisation=org, status=SurveyWave.CLOSED).order_by(
        "pk"
    )
    return Demo(org, spring, autumn, SurveyWave.objects.get(organisation=org, status="open"))


def results_path(demo: Demo) -> str:
    return f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/results/"


def scroller(page, heading_id: str):
    """The scrolling box around a table (named by its section's heading)."""
    return page.locator(f'.table-scroll[aria-labelledby="{heading_id}"]')


def region_widths(page, heading_id: str) -> tuple[int, int]:
    """(visible width, full width) of the scrolling box around a table."""
    return scroller(page, heading_id).evaluate("r => [r.clientWidth, r.scrollWidth]")


def test_the_results_fit_1280_px_and_say_what_they_mean(open_browser, council):
    demo = council
    web = open_browser(viewport=WIDE)
    page = web.page
    web.login_as(demo.user("leader"))
    web.goto(results_path(demo))
    assert_no_horizontal_scroll(page, WIDE["width"])
    # Both tables fit the page: nothing of them is off screen at 1280 px.
    for name in ("scales-h", "heat-h"):
        visible, full = region_widths(page, name)
        assert full <= visible, f"{name}: {full} px in a {visible} px box"
    scales = page.get_by_role("table", name=re.compile(r"^Scale means for "))
    expect(scales.get_by_role("rowheader", name="Threat system ▲ higher is worse")).to_be_visible()
    expect(
        scales.get_by_role("rowheader", name="Speaking-up safety ▲ higher is better")
    ).to_be_visible()
    heatmap = page.get_by_role("table", name=re.compile(r"^Heatmap of scale means"))
    threat = heatmap.locator("tbody tr").first.locator("td").first
    expect(threat).to_have_class(re.compile(r"\bheat-threat-\d\b"))
    expect(heatmap.locator("tbody tr").first.locator("td").nth(3)).to_have_class(
        re.compile(r"\bheat-concern-\d\b")
    )
    expect(page.get_by_role("heading", name="How to read the colours")).to_be_visible()
    # A sentence per scale, with the previous wave beside it.
    note = page.locator("#scale-threat")
    expect(note).to_contain_text("watch their backs")
    expect(note).to_contain_text(re.compile(rf"in {re.escape(demo.spring.title)} \(\d\.\d\d"))
    hubris = page.locator("section[aria-labelledby=hubris-h]")
    expect(hubris).to_contain_text(re.compile(r"(Staff see|Leaders report|Leaders and staff)"))
    web.check()

    # The reader keeps two scales in the all-units table.
    chooser = page.get_by_role("group", name="Scales to show in this table")
    for box in chooser.get_by_role("checkbox").all():
        box.uncheck()
    chooser.get_by_label("Threat system").check()
    chooser.get_by_label("Moral distress").check()
    web.submit(page.get_by_role("button", name="Show these scales"))
    heatmap = page.get_by_role("table", name=re.compile(r"^Heatmap of scale means"))
    expect(heatmap.get_by_role("columnheader")).to_have_count(3)
    expect(chooser.get_by_label("Drive system")).not_to_be_checked()
    web.check()

    # From a scale to its conversation guide.
    web.submit(
        page.locator("#scale-speaking_up").get_by_role(
            "link", name=re.compile("^Conversation guide for a team")
        )
    )
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/conversations/voice/"))
    expect(heading(page)).to_have_text("Conversation guide: Speaking up and psychological safety")
    expect(page.get_by_role("heading", name="Questions to talk through")).to_be_visible()
    web.check()


def test_the_results_are_readable_at_320_px_with_the_first_column_fixed(open_browser, council):
    demo = council
    web = open_browser(viewport=NARROW)
    page = web.page
    web.login_as(demo.user("leader"))
    web.goto(results_path(demo))
    assert_no_horizontal_scroll(page, NARROW["width"])
    region = scroller(page, "heat-h")
    visible, full = region_widths(page, "heat-h")
    assert full > visible  # the table scrolls inside its own box, not the page
    first = page.get_by_role("table", name=re.compile(r"^Heatmap")).get_by_role("rowheader").first
    before = first.bounding_box()["x"]
    region.evaluate("r => { r.scrollLeft = 400; }")
    assert region.evaluate("r => r.scrollLeft") > 0
    assert abs(first.bounding_box()["x"] - before) < 1, "the unit column scrolled away"
    web.check()

    web.goto(f"/o/{demo.org.slug}/surveys/conversations/harm/")
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()
