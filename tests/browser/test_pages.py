"""Journeys through echoorg in headless Chromium.

Each page reached is checked with `web.check()`: nothing requested from any host but the
live server, no Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from echoorg.orgs.models import Unit
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}


def tree_item(page, name: str):
    """The <li> of the units tree whose own link is `name`."""
    return (
        page.locator("ul.tree li").filter(has=page.get_by_role("link", name=name, exact=True)).last
    )


# 1. Logging in and out --------------------------------------------------------------------


def test_login_journey(web, org, make_person):
    make_person(org, "staff", email="sam@alpha.example")
    page = web.page

    web.goto("/")
    expect(page).to_have_url(path_is("/login/"))
    expect(heading(page)).to_have_text("Log in to echoorg")
    web.check()

    page.get_by_label("Email address").fill("sam@alpha.example")
    page.get_by_label("Password").fill("not the password")
    web.submit(page.get_by_role("button", name="Log in", exact=True))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("There is a problem")
    expect(alert).to_contain_text("The email address or password is not right.")
    web.check()

    page.get_by_label("Email address").fill("sam@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    web.submit(page.get_by_role("button", name="Log in", exact=True))
    expect(page).to_have_url(path_is("/o/alpha/"))
    expect(heading(page)).to_have_text("Alpha Council")
    web.check()

    web.submit(page.get_by_role("button", name="Log out"))
    expect(page).to_have_url(path_is("/login/"))
    expect(page.get_by_role("status")).to_contain_text("You have logged out.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    web.check()


# 2. Organisation, units and account pages ---------------------------------------------------


def test_facilitator_pages(web, org, tree, facilitator, make_person, screenshot_dir):
    for unit, count in (("Recruitment", 3), ("Support", 2), ("Adults", 4)):
        for _ in range(count):
            make_person(org, "staff", unit=tree[unit])
    web.login_as(facilitator)
    page = web.page

    web.goto("/o/alpha/")
    expect(heading(page)).to_have_text("Alpha Council")
    expect(page.get_by_role("navigation", name="Alpha Council")).to_be_visible()
    web.check()

    web.goto("/o/alpha/units/")
    expect(heading(page)).to_have_text("Units")
    expect(page.get_by_text("5 units in Alpha Council.")).to_be_visible()
    for name in tree:
        expect(page.locator("ul.tree").get_by_role("link", name=name, exact=True)).to_be_visible()
    # a flat list in tree order; the level shows as indentation
    expect(tree_item(page, "Fostering")).to_have_class("tree-level-1")
    expect(tree_item(page, "Recruitment")).to_have_class("tree-level-2")
    expect(tree_item(page, "Support")).to_have_class("tree-level-2")
    names = page.locator("ul.tree li > a").all_inner_texts()
    assert names.index("Fostering") < names.index("Recruitment") < names.index("Support")
    expect(tree_item(page, "Recruitment")).to_contain_text("3 people")
    web.check()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "screenshot.png"), full_page=True)

    web.goto(f"/o/alpha/units/{tree['Fostering'].pk}/")
    expect(heading(page)).to_have_text("Fostering")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("listitem")).to_have_text(["Units", "Children", "Fostering"])
    expect(page.get_by_role("link", name="Recruitment", exact=True)).to_be_visible()
    web.check()

    for path, title in (
        ("/o/alpha/people/", "People"),
        ("/o/alpha/settings/", "Settings"),
        ("/o/alpha/audit/", "Audit trail"),
        ("/account/", "Your account"),
        ("/account/2fa/setup/", "Set up two-factor authentication"),
    ):
        web.goto(path)
        expect(heading(page)).to_have_text(title)
        web.check()


def test_add_unit_and_empty_form(web, org, tree, facilitator):
    web.login_as(facilitator)
    page = web.page
    web.goto("/o/alpha/units/")

    page.get_by_label("Unit name").fill("Kinship Care")
    page.get_by_label("Kind of unit").select_option(label="Team")
    page.get_by_label("Parent unit").select_option(label="Fostering")
    web.submit(page.get_by_role("button", name="Add unit"))
    expect(page).to_have_url(path_is("/o/alpha/units/"))
    expect(page.get_by_role("status")).to_contain_text("Unit 'Kinship Care' added.")
    expect(tree_item(page, "Kinship Care")).to_have_class("tree-level-2")
    names = page.locator("ul.tree li > a").all_inner_texts()
    assert names.index("Fostering") < names.index("Kinship Care") < names.index("Recruitment")
    web.check()
    assert Unit.objects.filter(organisation=org).count() == 6

    web.submit(page.get_by_role("button", name="Add unit"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    to_field = alert.get_by_role("link", name=re.compile(r"^Unit name: "))
    expect(to_field).to_have_attribute("href", "#id_name")
    web.check()
    to_field.click()
    expect(page.get_by_label("Unit name")).to_be_focused()
    assert Unit.objects.filter(organisation=org).count() == 6


# 3. Importing units from CSV ------------------------------------------------------------------


def upload(web, name: str, content: bytes) -> None:
    page = web.page
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    web.submit(page.get_by_role("button", name="Import"))


def test_import_refuses_a_cycle_then_accepts_a_good_file(web, org, tree, facilitator):
    web.login_as(facilitator)
    page = web.page
    before = Unit.objects.filter(organisation=org).count()

    web.goto("/o/alpha/units/import/")
    expect(heading(page)).to_have_text("Import units")
    web.check()

    upload(web, "cycle.csv", b"unit,parent\nA,B\nB,A\n")
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    problems = alert.get_by_role("listitem")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text(re.compile(r"^Row 2: .*cycle"))
    expect(problems.nth(1)).to_contain_text(re.compile(r"^Row 3: .*cycle"))
    web.check()
    assert Unit.objects.filter(organisation=org).count() == before

    upload(web, "good.csv", b"unit,parent\nSafeguarding Hub,Children\nQuality,Safeguarding Hub\n")
    expect(page).to_have_url(path_is("/o/alpha/units/"))
    expect(page.get_by_role("status")).to_contain_text("Imported 2 units.")
    expect(tree_item(page, "Safeguarding Hub")).to_have_class("tree-level-1")
    expect(tree_item(page, "Quality")).to_have_class("tree-level-2")
    names = page.locator("ul.tree li > a").all_inner_texts()
    assert names.index("Children") < names.index("Safeguarding Hub") < names.index("Quality")
    web.check()
    assert Unit.objects.filter(organisation=org).count() == before + 2


# 4. Narrow screens ----------------------------------------------------------------------------


def test_no_sideways_scrolling_at_320_px(open_browser, org, tree, facilitator):
    web = open_browser(viewport=NARROW)
    page = web.page

    web.goto("/login/")
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()

    web.login_as(facilitator)
    web.goto("/o/alpha/units/")
    expect(page.locator("ul.tree")).to_be_visible()
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()


def test_a_deep_tree_stays_on_the_page_at_320_px(open_browser, org, facilitator):
    """Indentation stops at twelve steps; deeper units say their level instead."""
    parent = None
    for level in range(40):
        parent = Unit.objects.create(organisation=org, name=f"Level {level}", parent=parent)
    web = open_browser(viewport=NARROW)
    page = web.page
    web.login_as(facilitator)
    web.goto("/o/alpha/units/")
    expect(tree_item(page, "Level 39")).to_have_class("tree-level-12")
    expect(tree_item(page, "Level 39")).to_contain_text("level 40")
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()


# 5. Skip link ---------------------------------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True], ids=["login-page", "units-page"])
def test_skip_link_is_first_and_moves_focus_to_main(web, org, tree, facilitator, logged_in):
    page = web.page
    if logged_in:
        web.login_as(facilitator)
        web.goto("/o/alpha/units/")
    else:
        web.goto("/login/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    web.check()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "after the skip link, the next Tab should land inside <main>"
    )


# 6. Password reset ----------------------------------------------------------------------------


def test_password_reset(web, org, make_person, mailoutbox):
    make_person(org, "staff", email="robin@alpha.example")
    page = web.page

    web.goto("/password-reset/")
    expect(heading(page)).to_have_text("Reset your password")
    web.check()

    page.get_by_label("Email").fill("robin@alpha.example")
    web.submit(page.get_by_role("button", name="Send the link"))
    expect(page).to_have_url(path_is("/password-reset/sent/"))
    expect(heading(page)).to_have_text("Check your email")
    web.check()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["robin@alpha.example"]
    link = re.search(r"https?://\S+/password-reset/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    assert link.group(0).startswith(web.base_url), link.group(0)
    web.goto(link.group(0))
    expect(heading(page)).to_have_text("Choose a new password")
    web.check()


# 7. Two-factor authentication and recovery codes ----------------------------------------------


def test_two_factor_setup_recovery_codes_and_login(web, org, make_person):
    import pyotp

    person = make_person(org, "staff", email="tess@alpha.example")
    web.login_as(person)
    page = web.page

    web.goto("/account/")
    web.submit(page.get_by_role("link", name="Set up two-factor authentication"))
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    secret = page.locator("figcaption code.token").inner_text().strip()
    page.get_by_label("Six-digit code from your authenticator app").fill(pyotp.TOTP(secret).now())
    web.submit(page.get_by_role("button", name="Turn on"))

    # The codes are shown once, with a download and a print button.
    expect(page).to_have_url(path_is("/account/2fa/recovery-codes/"))
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    web.check()
    first, second = codes.nth(0).inner_text().strip(), codes.nth(1).inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert download.value.suggested_filename == "echoorg-recovery-codes.txt"
    text = open(download.value.path(), encoding="utf-8").read()
    assert first in text and second in text
    web.submit(page.get_by_role("link", name="I have saved my codes"))
    expect(page.get_by_text("10 of 10")).to_be_visible()
    web.check()

    # Log out, then in with the password and a recovery code instead of the app.
    web.submit(page.get_by_role("button", name="Log out"))
    web.log_in("tess@alpha.example", PASSWORD, expect_logged_in=False)
    expect(heading(page)).to_have_text("Enter your code")
    web.check()
    page.get_by_label("Code").fill("wxyz-wxyz-wxyz-wxyz")
    web.submit(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("alert")).to_contain_text("Code: That code is not right")
    web.check()
    page.get_by_label("Code").fill(first)
    web.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(path_is("/o/alpha/"))
    expect(page.get_by_role("status")).to_contain_text("You have 9 left")
    web.check()

    # Regenerate, with the password as confirmation.
    web.goto("/account/")
    expect(page.get_by_text("9 of 10")).to_be_visible()
    web.submit(page.get_by_role("link", name="Make new recovery codes"))
    expect(heading(page)).to_have_text("Make new recovery codes")
    web.check()
    web.submit(page.get_by_role("button", name="Make new codes"))
    expect(page.get_by_role("alert")).to_contain_text("Your password: This field is required.")
    web.check()
    page.get_by_label("Your password").fill(PASSWORD)
    web.submit(page.get_by_role("button", name="Make new codes"))
    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_text(second)).to_have_count(0)


# 8. The guardian role needs a second person (issue 8, finding 6) --------------------------


def test_guardian_request_and_confirmation(open_browser, org, facilitator, make_person):
    make_person(org, "board", email="board@alpha.example")
    staff = make_person(org, "staff", email="kim@alpha.example")
    member = staff.memberships.get()
    web = open_browser()
    web.login_as(facilitator)
    page = web.page

    web.goto(f"/o/alpha/people/{member.pk}/")
    expect(heading(page)).to_have_text(member.display_name)
    web.check()
    page.get_by_label("Speak-up guardian").check()
    web.submit(page.get_by_role("button", name="Save"))
    expect(page).to_have_url(path_is("/o/alpha/people/"))
    expect(page.get_by_role("status")).to_contain_text("waits until a guardian or board member")
    expect(page.get_by_role("row", name=re.compile(member.display_name))).to_contain_text(
        "guardian role awaiting confirmation"
    )
    web.check()

    web.goto(f"/o/alpha/people/{member.pk}/")
    expect(
        page.get_by_role("heading", name="Speak-up guardian role awaiting confirmation")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Confirm"))).to_have_count(0)
    web.check()

    # Trying to make oneself guardian is refused on the form, with the field named.
    web.goto(f"/o/alpha/people/{facilitator.memberships.get().pk}/")
    page.get_by_label("Speak-up guardian").check()
    web.submit(page.get_by_role("button", name="Save"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You cannot give yourself the speak-up guardian role")
    web.check()

    board = open_browser()
    from echoorg.accounts.models import User

    board.login_as(User.objects.get(email="board@alpha.example"))
    bpage = board.page
    board.goto("/o/alpha/")
    requests = bpage.get_by_role("region", name="Requests for you to confirm or decline")
    expect(requests.get_by_role("link", name=member.display_name, exact=True)).to_be_visible()
    board.check()
    board.submit(requests.get_by_role("link", name=member.display_name, exact=True))
    expect(bpage.get_by_role("button", name="Save")).to_have_count(0)
    board.check()
    board.submit(bpage.get_by_role("button", name="Confirm: make them a speak-up guardian"))
    expect(bpage.get_by_role("status")).to_contain_text("is now a speak-up guardian")
    expect(bpage.get_by_text("Roles: Staff member, Speak-up guardian.")).to_be_visible()
    board.check()


# 9. Login throttle (issue 8, finding 15) and unit names (finding 19) -----------------------


def test_a_client_that_keeps_failing_is_told_how_long_to_wait(web, org, make_person, settings):
    make_person(org, "staff", email="sam@alpha.example")
    page = web.page
    web.goto("/login/")
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 2):
        page.get_by_label("Email address").fill("sam@alpha.example")
        page.get_by_label("Password").fill("not the password")
        web.submit(page.get_by_role("button", name="Log in", exact=True))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"Try again in \d+ seconds\."))
    web.check()


def test_a_unit_name_of_invisible_characters_is_refused_by_field(web, org, tree, facilitator):
    web.login_as(facilitator)
    page = web.page
    web.goto("/o/alpha/units/")
    page.get_by_label("Unit name").fill("\u200b\u2060")
    web.submit(page.get_by_role("button", name="Add unit"))
    alert = page.get_by_role("alert")
    expect(
        alert.get_by_role("link", name=re.compile(r"^Unit name: Give the unit a name"))
    ).to_be_visible()
    web.check()
    page.get_by_label("Unit name").fill("FOSTER\u200bING")
    web.submit(page.get_by_role("button", name="Add unit"))
    expect(page.get_by_role("alert")).to_contain_text("There is already a unit called 'Fostering'")
    web.check()
