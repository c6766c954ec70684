"""Trends as small multiples and comments by theme, in headless Chromium at 1280 and
320 px, on the fictional demo council (Northmoor). Every page goes through `web.check()`
(no foreign request, no CSP complaint, no axe WCAG 2.2 A/AA violation).

With ECHOORG_TREND_SCREENSHOTS set to a folder, each page is also saved there as a PNG.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is
from tests.browser.test_diagnostic_pages import NARROW, demo  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 900}
SMALL_TEAM = "Private Fostering Team"  # too few answers in the demo for any figure


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("ECHOORG_TREND_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])
def test_trends_show_one_chart_per_scale_and_say_why_a_wave_is_hidden(
    open_browser,
    demo,  # noqa: F811
    viewport,
):
    web = open_browser(viewport=viewport)
    page = web.page
    web.login_as(demo.user("leader"))
    web.goto(f"/o/{demo.org.slug}/surveys/trends/")
    expect(heading(page)).to_have_text("Trends across waves")
    scales = demo.autumn.instrument.scales
    charts = page.locator("ul.small-multiples > li")
    expect(charts).to_have_count(len(scales))
    for scale in scales:
        chart = page.get_by_role("img", name=re.compile(f"^{re.escape(scale.name)} across waves"))
        expect(chart).to_be_visible()
        expect(chart.locator("desc")).to_contain_text(demo.autumn.title)
    # The three systems in their colours; the other scales neutral.
    threat = page.get_by_role("img", name=re.compile("^Threat system across waves"))
    assert threat.locator("polyline").get_attribute("stroke") == "#b3261e"
    safety = page.get_by_role("img", name=re.compile("^Team psychological safety across"))
    assert safety.locator("polyline").get_attribute("stroke") == "#4a4a55"
    boxes = [charts.nth(n).bounding_box() for n in range(3)]
    if viewport is NARROW:
        assert_no_horizontal_scroll(page, NARROW["width"])
        assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]  # one column
    else:
        assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]  # a row of charts
    _screenshot(page, f"trends-{viewport['width']}")
    web.check()

    # A team too small to show: every wave is a gap, and the page says why.
    page.get_by_label("Unit").select_option(label=SMALL_TEAM)
    web.submit(page.get_by_role("button", name="Show"))
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/trends/"))
    expect(page.locator("svg.small-trend circle")).to_have_count(0)
    # Every chart hides the same waves for the same reason: said once, above the charts.
    expect(page.get_by_role("heading", name="Hidden in every chart")).to_be_visible()
    notes = page.locator("#hidden-waves")
    expect(notes).to_contain_text(
        f"{demo.autumn.title}: not shown (fewer than {demo.autumn.min_group} people answered"
    )
    table = page.get_by_role("table", name=re.compile(rf"^Scale means of {SMALL_TEAM} by wave"))
    expect(table.get_by_role("cell").first).to_contain_text("hidden")
    if viewport is NARROW:
        assert_no_horizontal_scroll(page, NARROW["width"])
    _screenshot(page, f"trends-hidden-{viewport['width']}")
    web.check()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])
def test_comments_are_grouped_by_theme_counted_and_paged(
    open_browser,
    demo,  # noqa: F811
    viewport,
):
    web = open_browser(viewport=viewport)
    page = web.page
    web.login_as(demo.user("leader"))
    web.goto(f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/results/")
    whole = f"{demo.org.name}: whole organisation"
    summary = page.get_by_role(
        "table", name=re.compile(rf"^Comments of {re.escape(whole)} by theme")
    )
    expect(summary).to_be_visible()
    expect(summary.get_by_role("rowheader")).to_have_text(
        [
            "Threat system",
            "Drive system",
            "Soothing system",
            "Speaking-up safety",
            "Compassionate leadership",
            "Other comments",
        ]
    )
    expect(page.locator("ul.comments")).to_have_count(0)  # the list is on its own page
    web.check()

    web.submit(page.get_by_role("link", name=f"Read the comments of {whole}, by theme"))
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/comments/"))
    expect(heading(page)).to_have_text(f"Comments: {whole}")
    speaking_up = page.get_by_role("heading", name=re.compile(r"^Speaking-up safety \(\d+\)$"))
    expect(speaking_up).to_be_visible()
    count = int(re.search(r"\((\d+)\)", speaking_up.inner_text()).group(1))
    assert count > 20, "the demo has more than a page of comments about speaking up"
    section = page.locator("section.comment-theme").filter(has=speaking_up)
    expect(section.locator("ul.comments > li")).to_have_count(20)
    if viewport is NARROW:
        assert_no_horizontal_scroll(page, NARROW["width"])
    _screenshot(page, f"comments-{viewport['width']}")
    web.check()

    pages = page.get_by_role("navigation", name="Pages of Speaking-up safety comments")
    web.submit(pages.get_by_role("link", name="Next page"))
    expect(page.get_by_role("heading", level=2)).to_have_count(1)
    expect(page.locator("ul.comments > li")).to_have_count(count - 20)
    pages = page.get_by_role("navigation", name="Pages of Speaking-up safety comments")
    expect(pages.locator('[aria-current="page"]')).to_have_text("2")
    expect(pages).to_contain_text(f"Page 2 of {-(-count // 20)}")
    if viewport is NARROW:
        assert_no_horizontal_scroll(page, NARROW["width"])
    _screenshot(page, f"comments-page-2-{viewport['width']}")
    web.check()

    # A page that does not exist says so, on a page that is itself accessible.
    web.goto(
        f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/comments/?unit=0&theme=threat&page=99",
        status=404,
    )
    expect(page.get_by_role("alert")).to_contain_text("There is no page 99")
    web.check()
