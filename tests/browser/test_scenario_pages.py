"""Branching scenarios in headless Chromium, as the demo leader of the fictional Northmoor
council: the list, a whole scenario played by clicking one button per decision (no
JavaScript needed), leaving and resuming, and the debrief with its chart and table, at
1280 and 320 px. Every page goes through `web.check()`: nothing from another host, no
Content-Security-Policy complaint and no axe WCAG 2.2 A/AA violation.

Screenshots go to the folder named by ECHOORG_SCENARIO_SHOTS when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.orgs.demo import load_demo
from echoorg.scenarios.demo import load as load_scenario_demo
from echoorg.scenarios.models import Play
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_matches

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
# The option taken at each decision of the acute ward scenario: the first on offer.
PATH = [0] * 13


@pytest.fixture
def demo(transactional_db):
    load_demo()
    load_scenario_demo()


def _shot(web, name: str, section: str = "") -> None:
    """A full-page screenshot, or one section's (`section`: its heading's id)."""
    folder = os.environ.get("ECHOORG_SCENARIO_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = str(Path(folder) / f"{name}.png")
        if section:
            web.page.locator(f"section[aria-labelledby={section}]").screenshot(path=path)
        else:
            web.page.screenshot(path=path, full_page=True)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1280px", "320px"])
def test_a_leader_plays_a_scenario_leaves_resumes_and_reads_the_debrief(
    open_browser, demo, viewport
):
    width = "320" if viewport else "1280"
    web = open_browser(viewport=viewport)
    web.login_as(User.objects.get(email="leader@northmoor.example"))
    page = web.page
    web.goto("/o/northmoor/scenarios/")
    web.check()
    _shot(web, f"list-{width}")
    expect(heading(page)).to_have_text("Branching scenarios")
    web.submit(page.get_by_role("button", name="Start “Targets against care on an acute ward”"))
    expect(page).to_have_url(path_matches(r"/o/northmoor/scenarios/plays/\d+/"))
    web.check()
    _shot(web, f"play-{width}")
    if viewport:
        assert_no_horizontal_scroll(page, NARROW["width"])
    for _ in range(3):
        web.submit(page.locator("button[name=choice]").first)
    expect(page.get_by_text("Decision 4.")).to_be_visible()
    # Leave, come back through the list, and carry on from the same decision.
    web.goto("/o/northmoor/")
    web.goto("/o/northmoor/scenarios/")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Resume “Targets against care on an acute ward”"
        ).first.click()
    expect(page.get_by_text("Decision 4.")).to_be_visible()
    web.check()
    while "/debrief/" not in page.url:
        web.submit(page.locator("button[name=choice]").first)
    web.check()
    _shot(web, f"debrief-{width}")
    for section in ("outcome-heading", "systems-heading", "reflect-heading"):
        _shot(web, f"debrief-{width}-{section}", section)
    expect(heading(page)).to_have_text("Debrief: Targets against care on an acute ward")
    expect(
        page.get_by_role("img", name="Three systems during Targets against care on an acute ward")
    ).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Soothing")
    expect(page.get_by_label("Your choices as text (copy them anywhere)")).to_contain_text(
        "1. Ask what the eleven posts mean"
    )
    if viewport:
        assert_no_horizontal_scroll(page, NARROW["width"])
    play = Play.objects.get(scenario="acute-ward-targets")
    assert play.finished and play.choices.count() == 12
    # The demo leader's finished demo scenario has its debrief too.
    demo_play = Play.objects.get(scenario="neonatal-unit", member__user=play.member.user)
    web.goto(f"/o/northmoor/scenarios/plays/{demo_play.pk}/debrief/")
    web.check()
    _shot(web, f"demo-debrief-{width}")
