"""Guided critical reflection in headless Chromium, on the fictional Northmoor council: a
leader starts a reflection, types, and sees it autosave; shares it with the mentor, who
reads it and comments; every page at 1280 and 320 px, checked with axe and for requests
to other hosts (`web.check()`).

Screenshots go to $ECHOORG_REFLECT_SHOTS when it is set (the pages as a person sees them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.development.demo import demo as load_development_demo
from echoorg.development.models import Reflection
from echoorg.orgs.demo import load_demo
from tests.browser.helpers import assert_no_horizontal_scroll, heading

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
SLUG = "northmoor"


@pytest.fixture
def demo(transactional_db):
    load_demo()
    load_development_demo()


def _user(role: str) -> User:
    return User.objects.get(email=f"{role}@northmoor.example")


def _shot(page, name: str, element: str | None = None) -> None:
    folder = os.environ.get("ECHOORG_REFLECT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = str(Path(folder) / f"{name}.png")
        if element:
            page.locator(element).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1280", "320"])
def test_a_leader_writes_a_reflection_that_saves_as_they_type(open_browser, demo, viewport):
    web = open_browser(viewport=viewport)
    width = "320" if viewport else "1280"
    web.login_as(_user("leader"))
    page = web.page
    web.goto(f"/o/{SLUG}/development/")
    expect(heading(page)).to_have_text("My development")
    expect(page.get_by_role("link", name=re.compile("Weekend staffing"))).to_be_visible()
    web.check()
    _shot(page, f"development-{width}")
    web.submit(page.get_by_role("link", name="Start a new reflection"))
    page.get_by_label("Title").fill("The Monday bed meeting")
    page.get_by_label(re.compile("What happened")).fill("A fictional incident for the test.")
    web.submit(page.get_by_role("button", name="Start the reflection"))
    expect(heading(page)).to_have_text("The Monday bed meeting")
    web.check()
    created = Reflection.objects.get(author=_user("leader"), revision=0)

    # Typing, then a pause: the draft saves itself and the aid follows the text.
    status = page.locator("#save-status")
    page.get_by_label(re.compile("Who was most at risk")).fill(
        "The patients on the ward, and the children of one of them, were at risk."
    )
    expect(status).to_have_text("Changes not saved yet.")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d\.$"), timeout=10_000)
    created.refresh_from_db()
    assert "patients on the ward" in created.answers["curiosity_most_at_risk"]
    aid = page.locator("#reflection-aid-body")
    expect(aid).to_contain_text("patient* (1)")
    expect(aid).to_contain_text("child* (1)")

    # The grid: a choice is saved too, and drawn on the grid (and in its table).
    page.locator("fieldset", has_text="At the time, where did I stand").get_by_label(
        "Unsafe certainty"
    ).check()
    expect(status).to_have_text(re.compile(r"^Saved at"), timeout=10_000)
    expect(aid.locator("svg.uncertainty-grid text.grid-mark")).to_have_text("◆ Before")
    created.refresh_from_db()
    assert created.answers["grid_before"] == "unsafe_certainty"
    assert created.revision == 2
    web.check()
    if viewport is NARROW:
        assert_no_horizontal_scroll(page, NARROW["width"])
    _shot(page, f"reflection-autosaved-{width}")
    _shot(page, f"reflection-aid-{width}", "#reflection-aid")
    _shot(page, f"reflection-status-{width}", ".save-row + p")

    # After a reload everything typed is there, and the Save button still works.
    page.reload()
    expect(page.get_by_label(re.compile("Who was most at risk"))).to_have_value(
        re.compile("patients on the ward")
    )
    page.get_by_label(re.compile("Why does this incident matter")).fill("It changed my mind.")
    web.submit(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("status").first).to_contain_text("Saved at")
    created.refresh_from_db()
    assert created.answers["incident_why"] == "It changed my mind."

    # Shared with the demo mentor.
    page.get_by_label("Mentor", exact=True).select_option(label="Dev Ramanathan")
    web.submit(page.get_by_role("button", name="Share with this mentor"))
    expect(page.locator("#sharing")).to_contain_text("Shared with")
    web.check()
    created.refresh_from_db()
    assert created.shared_with == _user("mentor")


def test_a_failed_autosave_says_so_and_keeps_the_text(web, demo):
    leader = _user("leader")
    reflection = Reflection.objects.get(author=leader)
    web.login_as(leader)
    page = web.page
    web.goto(f"/o/{SLUG}/development/reflections/{reflection.pk}/")
    # Another window saves first: this page's revision is now stale.
    Reflection.objects.filter(pk=reflection.pk).update(revision=reflection.revision + 5)
    box = page.get_by_label(re.compile("What am I still assuming"))
    box.fill("Typed in the stale window.")
    expect(page.locator("#save-status")).to_have_text(
        re.compile("^Not saved: This reflection was saved from another window"), timeout=10_000
    )
    expect(box).to_have_value("Typed in the stale window.")
    web.check()


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1280", "320"])
def test_every_development_page_is_clean_at_desktop_and_phone_width(open_browser, demo, viewport):
    leader = _user("leader")
    reflection = Reflection.objects.get(author=leader)
    width = "320" if viewport else "1280"
    pages = {
        "leader": [
            ("development", f"/o/{SLUG}/development/"),
            ("reflection", f"/o/{SLUG}/development/reflections/{reflection.pk}/"),
            ("new", f"/o/{SLUG}/development/reflections/new/"),
            ("delete", f"/o/{SLUG}/development/reflections/{reflection.pk}/delete/"),
            ("overview-leader", f"/o/{SLUG}/"),
        ],
        "mentor": [
            ("shared-list", f"/o/{SLUG}/development/shared/"),
            ("shared-read", f"/o/{SLUG}/development/shared/{reflection.pk}/"),
            ("development-mentor", f"/o/{SLUG}/development/"),
        ],
        "facilitator": [
            ("words", f"/o/{SLUG}/development/words/"),
            ("uptake", f"/o/{SLUG}/development/uptake/"),
        ],
    }
    for role, paths in pages.items():
        web = open_browser(viewport=viewport)
        web.login_as(_user(role))
        for name, path in paths:
            web.goto(path)
            web.check()
            if viewport is NARROW:
                assert_no_horizontal_scroll(web.page, NARROW["width"])
            _shot(web.page, f"{name}-{width}")
            if name in ("reflection", "shared-read"):
                _shot(web.page, f"{name}-grid-{width}", "figure.uncertainty-grid >> nth=0")
        web.close()


def test_a_mentor_comments_on_a_shared_reflection(web, demo):
    reflection = Reflection.objects.get(author=_user("leader"))
    web.login_as(_user("mentor"))
    page = web.page
    web.goto(f"/o/{SLUG}/development/shared/")
    web.submit(page.get_by_role("link", name=re.compile("Weekend staffing")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Weekend staffing")
    page.get_by_label(re.compile("Add a comment")).fill("What did the boy say when he came back?")
    web.submit(page.get_by_role("button", name="Add the comment"))
    expect(page.locator(".thread")).to_contain_text("What did the boy say")
    web.check()
    assert reflection.comments.count() == 1
