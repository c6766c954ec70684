"""Issue 10 in headless Chromium, on the fictional demo council: the receipt page after
a reload or a double submission, the public speak-up page found from the login page,
dates that come up filled in, and the guardian's step form. Each page at 1280 and
320 px, through `check()` (nothing from other hosts, no CSP complaint, axe clean)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from echoorg.concerns.insights import quarterly
from echoorg.concerns.models import CaseEvent, Concern
from echoorg.orgs.demo import DEMO_PASSWORD
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is

from .test_speak_up_pages import (  # noqa: F401 (demo is a fixture)
    NARROW,
    RECEIPT,
    SLUG,
    demo,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 800}


def fill_anonymous_concern(page, text: str) -> None:
    page.get_by_role("group", name="How do you want to raise it?").get_by_role(
        "radio", name=re.compile(r"^Anonymous")
    ).check()
    page.get_by_role("group", name="What is it about?").get_by_role(
        "radio", name="Patient safety or quality", exact=True
    ).check()
    page.get_by_role("group", name="Is anyone at risk of harm now?").get_by_role(
        "radio", name="No", exact=True
    ).check()
    page.get_by_label("What is your concern?").fill(text)


def web_concerns(council) -> int:
    return Concern.objects.filter(organisation=council.org, source=Concern.WEB).count()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
def test_reload_and_double_click_raise_one_concern_with_one_receipt(
    open_browser,
    demo,  # noqa: F811
    viewport,
):
    returned_before = quarterly(demo.org, None, None)["total"]
    reporter = open_browser(viewport)
    page = reporter.page
    reporter.goto(f"/speak-up/{SLUG}/")
    fill_anonymous_concern(page, "The fire door on level 2 is wedged open every night.")
    with page.expect_navigation(url=path_is(f"/speak-up/{SLUG}/received/")):
        page.get_by_role("button", name="Send my concern").dblclick()
    expect(heading(page)).to_have_text("Your concern has been received")
    code = page.get_by_role("region", name="Your receipt code").locator("p.code").inner_text()
    assert RECEIPT.match(code.strip())
    assert code.replace(" ", "") not in page.url
    assert_no_horizontal_scroll(page, viewport["width"])
    reporter.check()

    # A reload is a GET of the receipt page: no second concern, and no code again.
    response = page.reload()
    assert response is not None and response.status == 200
    expect(heading(page)).to_have_text("Your concern was already sent")
    expect(page.locator("p.code")).to_have_count(0)
    assert code not in page.content()
    assert_no_horizontal_scroll(page, viewport["width"])
    reporter.check()

    assert web_concerns(demo) == 1
    assert quarterly(demo.org, None, None)["total"] == returned_before + 1


def test_the_same_form_sent_twice_on_the_wire_raises_one_concern(open_browser, demo):  # noqa: F811
    """Below the script's guard: the browser's POST is sent twice, byte for byte (as a
    flaky network or a resubmission would), and the page still shows one receipt."""
    reporter = open_browser()
    page = reporter.page
    reporter.goto(f"/speak-up/{SLUG}/")
    fill_anonymous_concern(page, "Agency staff are signing for drugs they did not give.")
    sent = []

    def twice(route):
        if route.request.method == "POST":
            sent.append(route.fetch(max_redirects=0).status)
        route.continue_()

    page.route(re.compile(rf".*/speak-up/{SLUG}/$"), twice)
    with page.expect_navigation(url=path_is(f"/speak-up/{SLUG}/received/")):
        page.get_by_role("button", name="Send my concern").click()
    page.unroute(re.compile(rf".*/speak-up/{SLUG}/$"))
    assert sent == [302]
    # The browser's own POST came second: it was sent to the receipt page, whose code
    # (if any) is the first POST's, never a second one.
    assert web_concerns(demo) == 1
    expect(heading(page)).to_have_text(
        re.compile(r"^Your concern (has been received|was already sent)$")
    )
    assert page.locator("p.code").count() <= 1
    reporter.check()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
def test_an_anonymous_visitor_finds_how_to_speak_up_from_the_login_page(
    open_browser,
    demo,  # noqa: F811
    viewport,
):
    visitor = open_browser(viewport)
    page = visitor.page
    visitor.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    visitor.check()
    visitor.submit(page.get_by_role("link", name="Speak up without an account"))
    expect(heading(page)).to_have_text("Speak up without an account")
    assert_no_horizontal_scroll(page, viewport["width"])
    visitor.check()

    visitor.submit(page.get_by_role("link", name=demo.org.name))
    expect(page).to_have_url(path_is(f"/speak-up/{SLUG}/ways/"))
    expect(heading(page)).to_have_text(f"How to speak up at {demo.org.name}")
    guardians = page.locator("section.guardians")
    expect(guardians).to_contain_text("How to reach them")
    expect(guardians.get_by_role("listitem").first).to_be_visible()
    for route in (
        "The police, where a crime is happening",
        "The Care Quality Commission",
        "The National Guardian's Office",
        "Protect's advice line",
    ):
        expect(page.get_by_role("heading", name=route)).to_be_visible()
    expect(page.locator(".sources").first).to_contain_text("Source")
    # Nothing about concerns: no reference, no count.
    assert not re.search(r"\bC-\d+", page.content())
    assert_no_horizontal_scroll(page, viewport["width"])
    visitor.check()

    visitor.submit(page.get_by_role("link", name="Raise a concern online"))
    expect(heading(page)).to_have_text("Speak up")


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
def test_the_guardian_records_a_referral_without_touching_the_date(
    open_browser,
    demo,  # noqa: F811
    viewport,
):
    concern = Concern.objects.filter(organisation=demo.org, source=Concern.DEMO).first()
    guardian = open_browser(viewport)
    page = guardian.page
    guardian.log_in(f"guardian@{SLUG}.example", DEMO_PASSWORD)
    guardian.goto(f"/o/{SLUG}/concerns/case/{concern.reference}/")
    date = page.get_by_label("On", exact=True)
    # The browser accepted the value: an input of type date drops "29/11/2026".
    expect(date).to_have_value(timezone.localdate().isoformat())
    referred = page.get_by_label("Referred to (for an external referral)")
    outcome = page.get_by_label("Outcome (for a conclusion)")
    harm = page.get_by_label("Risk of harm to others (for an assessment)")
    expect(referred).to_be_hidden()  # the first kind of step is an acknowledgement
    page.get_by_label("What happened").select_option(label="Referred to an external body")
    expect(referred).to_be_visible()
    expect(outcome).to_be_hidden()
    expect(harm).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport["width"])
    guardian.check()

    page.get_by_label("What happened").select_option(
        label="Concern assessed (triage, risk of harm and of detriment)"
    )
    expect(harm).to_be_visible()
    expect(referred).to_be_hidden()
    page.get_by_label("What happened").select_option(label="Referred to an external body")
    referred.select_option(value="safeguarding_authority")
    guardian.submit(page.get_by_role("button", name="Record the step"))
    expect(page.get_by_role("status")).to_contain_text("Recorded: Referred to an external body")
    steps = page.get_by_role("table").filter(has_text="Referred to an external body")
    expect(steps).to_contain_text("Referred to an external body: Safeguarding authority")
    expect(steps).not_to_contain_text("safeguarding_authority")
    step = CaseEvent.objects.filter(concern=concern, type="external_referral").latest("pk")
    assert step.date == timezone.localdate()
    assert step.detail == {"to": "safeguarding_authority"}
    assert_no_horizontal_scroll(page, viewport["width"])
    guardian.check()


def test_without_javascript_the_step_form_shows_every_detail_with_its_kind(
    browser,
    live_server,
    demo,  # noqa: F811
):
    from .conftest import Browser

    guardian = Browser(browser, live_server.url)
    try:
        guardian.context.close()
        guardian.context = browser.new_context(
            base_url=live_server.url, java_script_enabled=False, locale="en-GB"
        )
        guardian.page = guardian.context.new_page()
        guardian.log_in(f"guardian@{SLUG}.example", DEMO_PASSWORD)
        concern = Concern.objects.filter(organisation=demo.org, source=Concern.DEMO).first()
        guardian.goto(f"/o/{SLUG}/concerns/case/{concern.reference}/")
        page = guardian.page
        for label in (
            "Referred to (for an external referral)",
            "Outcome (for a conclusion)",
            "Risk of harm to others (for an assessment)",
            "Risk of detriment to the reporter (for an assessment)",
        ):
            expect(page.get_by_label(label)).to_be_visible()
        expect(page.get_by_label("On", exact=True)).to_have_value(timezone.localdate().isoformat())
    finally:
        guardian.context.close()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
def test_wave_dates_and_the_clocks_page(open_browser, demo, viewport):  # noqa: F811
    facilitator = open_browser(viewport)
    page = facilitator.page
    facilitator.log_in(f"facilitator@{SLUG}.example", DEMO_PASSWORD)
    facilitator.goto(f"/o/{SLUG}/surveys/new/")
    expect(page.get_by_label("Opens on")).to_have_value(timezone.localdate().isoformat())
    expect(page.get_by_label("Closes on")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    assert_no_horizontal_scroll(page, viewport["width"])
    facilitator.check()

    guardian = open_browser(viewport)
    gpage = guardian.page
    guardian.log_in(f"guardian@{SLUG}.example", DEMO_PASSWORD)
    guardian.goto(f"/o/{SLUG}/concerns/clocks/")
    expect(heading(gpage)).to_have_text("Clocks")
    text = gpage.get_by_role("main").inner_text()
    assert text.index("NHS national speaking up policy") < text.index("EU Whistleblowing")
    expect(gpage.get_by_label("How to reach the guardians")).to_have_value(
        re.compile("fictional council")
    )
    assert_no_horizontal_scroll(gpage, viewport["width"])
    guardian.check()
