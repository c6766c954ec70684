"""Learning from inquiries in headless Chromium, as a demo staff member and a leader of
the fictional Northmoor council: the library and its filters, a case page with its
timeline and table, the cross-inquiry view and the taxonomy, at 1280 and 320 px.

Every page reached goes through `web.check()`: nothing requested from another host, no
Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.orgs.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
PAGES = [
    "/o/northmoor/library/",
    "/o/northmoor/library/?sector=health&mechanism=silencing",
    "/o/northmoor/library/cases/countess-of-chester/",
    "/o/northmoor/library/cases/post-office-horizon/",
    "/o/northmoor/library/compare/",
    "/o/northmoor/library/taxonomy/?scale=threat",
    "/o/northmoor/library/events/?step=told_to_stop_raising",
]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _user(role: str) -> User:
    return User.objects.get(email=f"{role}@northmoor.example")


def assert_no_horizontal_scroll(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, (
        f"{page.url} scrolls sideways at {width} px: content is {scroll_width} px wide"
    )


@pytest.mark.parametrize("role", ["staff", "leader"])
def test_every_library_page_is_clean_at_desktop_and_phone_width(open_browser, demo, role):
    for viewport in (None, NARROW):
        web = open_browser(viewport=viewport)
        web.login_as(_user(role))
        for path in PAGES:
            web.goto(path)
            web.check()
            if viewport is NARROW:
                assert_no_horizontal_scroll(web.page, NARROW["width"])
                if "/cases/" in path:
                    # The timeline keeps its size (readable text) and scrolls in its region.
                    box = web.page.locator("svg.inquiry-timeline").bounding_box()
                    assert box["width"] == 960


def test_filtering_by_mechanism_with_the_form(web, demo):
    web.login_as(_user("staff"))
    web.goto("/o/northmoor/library/")
    page = web.page
    page.get_by_label("Mechanism").select_option("silencing")
    web.submit(page.get_by_role("button", name="Show cases"))
    expect(page.get_by_role("heading", level=2, name="1 of 10 cases")).to_be_visible()
    expect(
        page.get_by_role("link", name="Countess of Chester Hospital neonatal unit")
    ).to_be_visible()
    web.check()


def test_timeline_marks_are_links_reached_with_the_keyboard(web, demo):
    web.login_as(_user("leader"))
    web.goto("/o/northmoor/library/cases/winterbourne-view/")
    page = web.page
    marks = page.locator("svg.inquiry-timeline a")
    expect(marks).to_have_count(10)
    marks.first.focus()
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("Concern raised, October 2010:")
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert second and second != focused
    # A mark whose source has no public address leads to its row in the table.
    web.goto("/o/northmoor/library/cases/mid-staffordshire/")
    page.locator('svg.inquiry-timeline a[href="#event-pcg_concerns"]').click()
    expect(page.locator("#event-pcg_concerns")).to_be_in_viewport()
    web.check()
