"""Workshop mode in headless Chromium: the demo facilitator runs a scenario on a shared
screen (1280 px) while three participants join from phones (320 px) with the code and no
account, vote at each decision, and see the next decision arrive. The shared screen's
vote labels update by themselves (workshop.js, a static file under the strict CSP); the
room follows the majority to the debrief. Every page goes through `web.check()` (no other
host, no CSP complaint, no axe WCAG 2.2 A/AA violation).

Screenshots go to the folder named by ECHOORG_SCENARIO_SHOTS when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.orgs.demo import load_demo
from echoorg.scenarios.models import Workshop, WorkshopVote
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_matches

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def demo(transactional_db):
    load_demo()


def _shot(web, name: str) -> None:
    folder = os.environ.get("ECHOORG_SCENARIO_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        web.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_facilitator_and_three_phones_run_a_workshop_to_its_debrief(open_browser, demo):
    screen = open_browser()
    screen.login_as(User.objects.get(email="facilitator@northmoor.example"))
    page = screen.page
    screen.goto("/o/northmoor/workshops/")
    screen.check()
    page.get_by_label("Scenario").select_option(label="Targets against care on an acute ward")
    screen.submit(page.get_by_role("button", name="Start the workshop"))
    expect(page).to_have_url(path_matches(r"/o/northmoor/workshops/\d+/"))
    workshop = Workshop.objects.get()
    expect(page.locator(".join-code")).to_have_text(workshop.code)
    screen.check()

    phones = []
    for _ in range(3):
        phone = open_browser(viewport=PHONE)
        phone.goto("/w/")
        phone.check()
        phone.page.get_by_label("Workshop code").fill(workshop.code.lower())
        phone.submit(phone.page.get_by_role("button", name="Join"))
        expect(phone.page).to_have_url(path_matches(f"/w/{workshop.code}/"))
        phone.check()
        assert_no_horizontal_scroll(phone.page, PHONE["width"])
        phones.append(phone)
    _shot(phones[0], "workshop-phone-320")

    decisions = 0
    while True:
        workshop.refresh_from_db()
        if workshop.finished:
            break
        for n, phone in enumerate(phones):
            # Two of three vote for the first option, one for the second.
            phone.submit(phone.page.locator("button[name=choice]").nth(1 if n == 2 else 0))
            expect(phone.page.get_by_role("status")).to_contain_text("Your vote:")
        # The shared screen updates itself: no reload pressed.
        expect(page.locator('[data-option="1"]')).to_have_text("fewer than 3", timeout=10000)
        expect(page.locator('[data-option="0"]')).to_have_text("fewer than 3")
        if decisions == 0:
            screen.check()
            _shot(screen, "workshop-screen-1280")
        screen.submit(page.get_by_role("button", name="Follow the room's majority"))
        decisions += 1
        # Each phone moves on to the next decision by itself (workshop.js), or to the end.
        workshop.refresh_from_db()
        for phone in phones:
            if workshop.finished:
                expect(phone.page.get_by_text("The scenario has ended.")).to_be_visible(
                    timeout=10000
                )
            else:
                expect(phone.page.get_by_role("heading", level=2)).to_have_text(
                    f"Decision {workshop.step}", timeout=10000
                )
    assert decisions >= 12
    assert not WorkshopVote.objects.exists()
    expect(heading(page)).to_have_text("Workshop debrief: Targets against care on an acute ward")
    expect(page.get_by_text("the room's majority").first).to_be_visible()
    screen.check()
    _shot(screen, "workshop-debrief-1280")
    phones[0].page.reload()
    expect(phones[0].page.get_by_text("The scenario has ended.")).to_be_visible()
    phones[0].check()
