"""A facilitator's day in headless Chromium, at 1280 and at 320 px, on the fictional demo:
landing in the organisation used last, printing survey links for staff without email,
closing a wave after confirming, and reading the audit trail in words.

Every page reached goes through `web.check()` (only the live server asked, no CSP
complaint, no axe WCAG 2.2 A/AA violation) and, at 320 px, must not scroll sideways.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.diagnostic.demo import load_demo_waves
from echoorg.diagnostic.models import Invitation, SurveyWave
from echoorg.orgs.demo import DEMO_PASSWORD, load_demo
from echoorg.orgs.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
VIEWPORTS = pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])


@pytest.fixture
def pulse(transactional_db) -> SurveyWave:
    """The demo council with its waves; returns the open pulse wave."""
    cache.clear()
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    load_demo_waves(org)
    return SurveyWave.objects.get(organisation=org, status=SurveyWave.OPEN)


def facilitator() -> User:
    return User.objects.get(email="facilitator@northmoor.example")


def heading(page):
    return page.get_by_role("heading", level=1)


def fits(web, viewport: dict) -> None:
    """The page's checks, and no sideways scroll at the viewport's width."""
    web.check()
    width = web.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1, f"{web.page.url} is {width} px wide"


def log_in(web, user: User) -> None:
    page = web.page
    web.goto("/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    web.submit(page.get_by_role("button", name="Log in", exact=True))


@VIEWPORTS
def test_the_facilitator_lands_in_the_organisation_used_last(open_browser, pulse, viewport):
    web = open_browser(viewport=viewport)
    page = web.page
    log_in(web, facilitator())
    expect(heading(page)).to_have_text("Your organisations")
    fits(web, viewport)

    web.submit(page.get_by_role("button", name=re.compile(r"^Open Eastbrook")))
    expect(page).to_have_url(re.compile(r"/o/eastbrook/$"))
    fits(web, viewport)

    web.submit(page.get_by_role("button", name="Log out"))
    log_in(web, facilitator())
    expect(page).to_have_url(re.compile(r"/o/eastbrook/$"))
    expect(page.get_by_label("Organisation")).to_have_value("eastbrook")

    page.get_by_label("Organisation").select_option("northmoor")
    web.submit(page.get_by_role("button", name="Switch"))
    expect(page).to_have_url(re.compile(r"/o/northmoor/$"))
    web.submit(page.get_by_role("link", name="All your organisations"))
    expect(heading(page)).to_have_text("Your organisations")
    fits(web, viewport)


@VIEWPORTS
def test_printing_links_for_staff_without_email(open_browser, pulse, viewport, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    web = open_browser(viewport=viewport)
    page = web.page
    web.login_as(facilitator())
    web.goto(f"/o/northmoor/surveys/{pulse.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("written to the console of the server running echoorg")
    expect(main).to_contain_text("Links on printed slips")
    fits(web, viewport)

    web.submit(page.get_by_role("link", name="Print links for staff without email"))
    expect(heading(page)).to_have_text("Printed links for staff without email")
    fits(web, viewport)

    # Refused without a unit, with the field named.
    web.submit(page.get_by_role("button", name="Make the slips"))
    expect(page.get_by_role("alert")).to_contain_text("Unit: This field is required.")
    fits(web, viewport)

    unit = (
        Invitation.objects.filter(wave=pulse, completed=False)
        .values_list("unit__name", flat=True)
        .first()
    )
    waiting = Invitation.objects.filter(wave=pulse, completed=False, unit__name=unit).count()
    page.get_by_label("Unit", exact=True).select_option(label=unit)
    web.submit(page.get_by_role("button", name="Make the slips"))
    expect(heading(page)).to_have_text(f"{waiting} slip{'s' if waiting != 1 else ''} for {unit}")
    slips = page.locator(".slip")
    expect(slips).to_have_count(waiting)
    expect(
        slips.first.get_by_role("img", name="QR code of the survey link on this slip")
    ).to_be_visible()
    fits(web, viewport)

    # On paper: only the slips, without the site's header or the instructions.
    page.emulate_media(media="print")
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(heading(page)).to_be_hidden()
    expect(slips.first).to_be_visible()
    page.emulate_media(media="screen")

    # A slip's link works for whoever holds it, with no login.
    link = slips.first.locator("code").inner_text()
    other = open_browser(viewport=viewport)
    other.goto(link.replace(other.base_url, ""))
    expect(other.page.get_by_role("heading", name="Your answers are anonymous")).to_be_visible()
    fits(other, viewport)


@VIEWPORTS
def test_closing_a_wave_asks_first(open_browser, pulse, viewport):
    web = open_browser(viewport=viewport)
    page = web.page
    web.login_as(facilitator())
    web.goto(f"/o/northmoor/surveys/{pulse.pk}/")
    web.submit(page.get_by_role("link", name="Close the wave…"))
    expect(heading(page)).to_contain_text(f"Close {pulse.title}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("No more answers.")
    expect(main).to_contain_text("The results are released.")
    fits(web, viewport)

    web.submit(page.get_by_role("link", name="Keep it open"))
    expect(main).to_contain_text("Open")
    pulse.refresh_from_db()
    assert pulse.status == SurveyWave.OPEN

    web.submit(page.get_by_role("link", name="Close the wave…"))
    web.submit(page.get_by_role("button", name="Close the wave and release its results"))
    expect(page.get_by_role("main")).to_contain_text(
        "The wave is closed and its results are released."
    )
    expect(page.get_by_role("link", name="See the results")).to_be_visible()
    fits(web, viewport)
    pulse.refresh_from_db()
    assert pulse.status == SurveyWave.CLOSED


@VIEWPORTS
def test_the_audit_trail_reads_as_words(open_browser, pulse, viewport):
    web = open_browser(viewport=viewport)
    page = web.page
    web.login_as(facilitator())
    web.goto("/o/northmoor/audit/")
    expect(heading(page)).to_have_text("Audit trail")
    entries = page.get_by_role("table", name="Audit entries")
    expect(entries).to_contain_text("Loaded the demonstration data")
    expect(entries).not_to_contain_text("demo.loaded")
    kinds = page.get_by_role("table", name="Kinds of audit entry and their meaning")
    expect(kinds.get_by_role("row", name=re.compile("^Read a concern"))).to_contain_text(
        "Who opened a case is part of its record"
    )
    fits(web, viewport)
    web.submit(entries.get_by_role("link", name="Loaded the demonstration data").first)
    expect(page).to_have_url(re.compile(r"#action-demoloaded$"))
