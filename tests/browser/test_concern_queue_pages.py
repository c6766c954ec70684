"""The guardian's triaged queue in headless Chromium (issue 10), at 1280 and 320 px with
axe: a new risk-of-harm concern among the demo's cases is on the first row; the lists,
the search by reference and the pages work; a case shows its status at a glance."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.concerns.demo import load_demo_concerns
from echoorg.concerns.services import raise_concern, stale_concerns
from echoorg.orgs.demo import load_demo
from echoorg.orgs.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SLUG = "northmoor"
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def urgent(transactional_db):
    """The demo council with its cases, and a new risk-of-harm concern raised today."""
    load_demo()
    org = Organisation.objects.get(slug=SLUG)
    assert load_demo_concerns(org) > 100
    assert not stale_concerns(org, timezone.localdate()).exists()
    return raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text="A door to the ward's roof is propped open every night.",
        with_receipt=False,
    ).concern


def _no_sideways_scroll(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"{page.url} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1280px", "320px"])
def test_the_queue_puts_a_new_risk_of_harm_case_first(open_browser, urgent, viewport):
    web = open_browser(viewport)
    page = web.page
    guardian = User.objects.get(email=f"guardian@{SLUG}.example")
    web.login_as(guardian)
    web.goto(f"/o/{SLUG}/concerns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns")
    first = page.locator("tbody tr").first
    expect(first.get_by_role("link", name=urgent.reference, exact=True)).to_be_visible()
    expect(first).to_contain_text("Risk of harm")
    expect(first).to_contain_text("New")
    web.check()
    if viewport:
        _no_sideways_scroll(page, viewport["width"])

    # Follow-up checks of concluded cases are a list of their own.
    lists = page.get_by_role("navigation", name="Lists of concerns")
    web.submit(lists.get_by_role("link", name=re.compile(r"^Follow-up checks")))
    expect(page.get_by_role("heading", level=2, name="Follow-up checks")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("Detriment check")
    web.check()
    if viewport:
        _no_sideways_scroll(page, viewport["width"])
    pager = page.get_by_role("navigation", name="Pages of this list")
    if pager.count():
        web.submit(pager.get_by_role("link", name="Next page"))
        expect(pager).to_contain_text("Page 2 of")
        web.check()

    # Search by reference.
    page.get_by_label("Find by reference").fill(urgent.reference)
    web.submit(page.get_by_role("button", name="Find"))
    expect(page.locator("tbody tr")).to_have_count(1)
    web.submit(page.get_by_role("link", name=urgent.reference, exact=True))

    # The case page: its status at a glance, and giving it to a guardian.
    status = page.get_by_role("region", name="Status at a glance")
    expect(status).to_contain_text("Next: Protect people at risk or refer")
    expect(page.get_by_role("table", name="The case's clocks")).to_contain_text("Running")
    web.check()
    if viewport:
        _no_sideways_scroll(page, viewport["width"])
    page.get_by_label("Guardian with the case").select_option(label=guardian.display_name)
    web.submit(page.get_by_role("button", name="Give the case"))
    expect(page.get_by_role("status")).to_contain_text("Given to")
    web.goto(f"/o/{SLUG}/concerns/?tab=mine")
    expect(page.locator("tbody tr").first).to_contain_text(urgent.reference)
    web.check()
