"""Speak up in headless Chromium: raising a concern anonymously and following it up with
the receipt code, a confidential concern from a staff account, the guardian's workspace,
and what leaders and the board may see, on the fictional demo council (Northmoor).

Every page reached goes through `web.check()`: nothing requested from another host, no
Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.concerns.demo import load_demo_concerns
from echoorg.concerns.models import Attachment, CaseEvent, Concern, Message
from echoorg.concerns.services import policy_for, refresh
from echoorg.orgs.demo import DEMO_PASSWORD, load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
SLUG = "northmoor"
RECEIPT = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")
# A tiny but well-formed PDF: enough for the browser to send it as application/pdf.
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Demo:
    org: Organisation

    def user(self, role: str) -> User:
        return User.objects.get(email=f"{role}@{SLUG}.example")


@pytest.fixture
def demo(transactional_db) -> Demo:
    """The demo council with its ~200 fictional cases and the fictional composite case."""
    # The guardian's navigation caches the overdue count by organisation id.
    cache.clear()
    load_demo()
    org = Organisation.objects.get(slug=SLUG)
    assert load_demo_concerns(org) > 100
    return Demo(org)


def submit_for_status(web, locator) -> int:
    """Click a submit button, wait for the page it leads to and return its HTTP status."""
    with web.page.expect_navigation() as navigation:
        locator.click()
    response = navigation.value
    assert response is not None
    return response.status


def org_nav(web, demo: Demo):
    return web.page.get_by_role("navigation", name=demo.org.name)


def database_holds(needles: list[str]) -> list[str]:
    """Every table and column whose stored value contains one of `needles` (as text or as
    UTF-8 bytes), searched in every row of every table of the test database."""
    found = []
    encoded = [(n, n.encode()) for n in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        raw = bytes(value)
                    elif isinstance(value, str):
                        raw = value.encode()
                    else:
                        raw = json.dumps(value, default=str).encode()
                    for needle, needle_bytes in encoded:
                        if needle_bytes in raw:
                            found.append(f"{table}.{column} holds {needle!r}")
    return found


# 1. The anonymous journey ------------------------------------------------------------------


def test_anonymous_concern_followed_up_with_the_receipt_code(open_browser, demo):
    today = timezone.localdate()
    text = (
        "On the night shift the medicines trolley was left open beside the children's "
        "beds and nobody wrote it down. Marigold-7731 is the trolley's asset tag."
    )
    reply = "Thank you. It happened again on Tuesday; the new lock is not being used."
    to_reporter = "We have received your concern and will look into it this week."
    concerns_before = Concern.objects.filter(organisation=demo.org).count()

    # A visitor who is not logged in raises an anonymous concern with a file.
    reporter = open_browser()
    page = reporter.page
    reporter.goto(f"/speak-up/{SLUG}/")
    expect(heading(page)).to_have_text("Speak up")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    reporter.check()

    page.get_by_role("group", name="How do you want to raise it?").get_by_role(
        "radio", name=re.compile(r"^Anonymous")
    ).check()
    page.get_by_role("group", name="What is it about?").get_by_role(
        "radio", name="Patient safety or quality", exact=True
    ).check()
    page.get_by_role("group", name="Who may be at risk?").get_by_role(
        "checkbox", name="Children or babies", exact=True
    ).check()
    page.get_by_role("group", name="Is anyone at risk of harm now?").get_by_role(
        "radio", name="Yes", exact=True
    ).check()
    page.get_by_label("What is your concern?").fill(text)
    page.get_by_label("Files that help explain it").set_input_files(
        files=[{"name": "trolley-log.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send my concern").click()
    received = navigation.value
    assert received.status == 200
    assert "no-store" in received.headers.get("cache-control", "")
    expect(heading(page)).to_have_text("Your concern has been received")
    expect(page.get_by_role("alert")).to_contain_text("call 999")
    box = page.get_by_role("region", name="Your receipt code")
    expect(box).to_be_visible()
    code = box.locator("p.code").inner_text().strip()
    assert RECEIPT.match(code), f"not a 16-digit code in groups of four: {code!r}"
    expect(box).to_contain_text("It is shown only this once")
    # The code is in the page only: not in the address.
    assert code.replace(" ", "") not in page.url.replace(" ", "")
    reporter.check()

    assert Concern.objects.filter(organisation=demo.org).count() == concerns_before + 1
    concern = Concern.objects.filter(organisation=demo.org, source=Concern.WEB).get()
    reference = concern.reference
    case_path = f"/o/{SLUG}/concerns/case/{reference}/"

    # The guardian logs in, finds it in the queue and opens the case.
    guardian = open_browser()
    gpage = guardian.page
    guardian.log_in(f"guardian@{SLUG}.example", DEMO_PASSWORD)
    guardian.submit(org_nav(guardian, demo).get_by_role("link", name=re.compile(r"^Concerns")))
    expect(gpage).to_have_url(path_is(f"/o/{SLUG}/concerns/"))
    expect(heading(gpage)).to_have_text("Concerns")
    row = gpage.get_by_role("row").filter(has=gpage.get_by_role("link", name=reference, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Risk of harm")
    expect(row).to_contain_text("Patient safety or quality")
    expect(row).to_contain_text("Anonymous")
    guardian.check()

    guardian.submit(row.get_by_role("link", name=reference, exact=True))
    expect(gpage).to_have_url(path_is(case_path))
    expect(heading(gpage)).to_have_text(f"Concern {reference}")
    main = gpage.get_by_role("main")
    expect(main.locator(".concern-text")).to_contain_text("medicines trolley was left open")
    expect(main).to_contain_text("Children or babies")
    expect(main.get_by_role("link", name="trolley-log.pdf")).to_be_visible()
    timeline = gpage.get_by_role("img", name=re.compile(rf"^Timeline of concern {reference}"))
    expect(timeline).to_be_visible()
    expect(timeline.locator("title").first).to_have_text(f"Timeline of concern {reference}")
    expect(timeline.locator("desc")).to_contain_text("Concern received on")
    guardian.check()

    # The reporter's file comes back intact, as a download.
    with gpage.expect_download() as info:
        main.get_by_role("link", name="trolley-log.pdf").click()
    with open(info.value.path(), "rb") as handle:
        assert handle.read() == PDF

    gpage.get_by_label("What happened").select_option(
        label="Receipt acknowledged to the person who raised it"
    )
    gpage.get_by_label("On", exact=True).fill(today.isoformat())
    guardian.submit(gpage.get_by_role("button", name="Record the step"))
    expect(gpage).to_have_url(path_is(case_path))
    expect(gpage.get_by_role("status")).to_contain_text(
        "Recorded: Receipt acknowledged to the person who raised it."
    )
    steps = gpage.get_by_role("table").filter(has_text="Receipt acknowledged")
    expect(steps).to_contain_text("Receipt acknowledged to the person who raised it")
    expect(
        gpage.get_by_role("img", name=re.compile(rf"^Timeline of concern {reference}")).locator(
            "desc"
        )
    ).to_contain_text("Receipt acknowledged")
    guardian.check()

    gpage.get_by_label("Your message").fill(to_reporter)
    guardian.submit(gpage.get_by_role("button", name="Send to the reporter"))
    expect(gpage.get_by_role("status")).to_contain_text("Message sent.")
    expect(gpage.locator("ul.thread")).to_contain_text(to_reporter)
    guardian.check()

    # The reporter comes back in a fresh browser, not logged in. A wrong code first.
    back = open_browser()
    bpage = back.page
    back.goto(f"/speak-up/{SLUG}/follow-up/")
    expect(heading(bpage)).to_have_text("Follow up your concern")
    back.check()

    wrong = "0000 0000 0000 0000" if code != "0000 0000 0000 0000" else "1111 1111 1111 1111"
    bpage.get_by_label("Your 16-digit receipt code").fill(wrong)
    assert submit_for_status(back, bpage.get_by_role("button", name="Open my concern")) == 400
    alert = bpage.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    expect(alert.get_by_role("link")).to_contain_text("That code does not match a concern here")
    expect(alert.get_by_role("link")).to_have_attribute("href", "#id_code")
    back.check()

    bpage.get_by_label("Your 16-digit receipt code").fill(code)
    back.submit(bpage.get_by_role("button", name="Open my concern"))
    expect(bpage).to_have_url(path_is(f"/speak-up/{SLUG}/case/"))
    expect(heading(bpage)).to_have_text(f"Your concern {reference}")
    stages = bpage.locator("ol.stages > li")
    expect(stages.first).to_contain_text("Concern received")
    expect(stages.first).to_have_class("done")
    acknowledged = stages.filter(has_text="Receipt acknowledged")
    expect(acknowledged).to_have_class("done")
    expect(acknowledged).to_contain_text("(done)")
    expect(stages.filter(has_text="Concluded")).not_to_have_class("done")
    expect(bpage.locator("ul.thread li.theirs")).to_contain_text(to_reporter)
    expect(bpage.locator("ul.thread li.theirs")).to_contain_text("The guardian")
    back.check()

    bpage.get_by_label("Your message").fill(reply)
    back.submit(bpage.get_by_role("button", name="Send to the guardian"))
    expect(bpage).to_have_url(path_is(f"/speak-up/{SLUG}/case/"))
    expect(bpage.get_by_role("status")).to_contain_text(
        "Your message has been sent to the guardian."
    )
    expect(bpage.locator("ul.thread li.mine")).to_contain_text(reply)
    back.check()

    # The guardian sees the reply on the case page.
    guardian.goto(case_path)
    reporter_says = gpage.locator("ul.thread li.theirs")
    expect(reporter_says).to_contain_text(reply)
    expect(reporter_says).to_contain_text("Reporter")
    guardian.check()

    # The database: nothing that could identify the reporter, nothing in plain text, and
    # the receipt code nowhere at all.
    concern.refresh_from_db()
    assert concern.mode == "anonymous"
    assert concern.reporter_id is None
    assert not concern.reporter_name_encrypted
    assert not concern.reporter_contact_encrypted
    assert concern.risk_of_harm is True
    assert concern.category == "patient_safety"
    assert concern.at_risk == ["children"]
    assert text.encode() not in bytes(concern.text_encrypted)
    assert b"Marigold-7731" not in bytes(concern.text_encrypted)
    assert concern.text == text
    digits = code.replace(" ", "")
    assert concern.receipt_hash and concern.receipt_hash not in (digits, code)
    assert len(concern.receipt_hash) == 64
    stored = Attachment.objects.get(concern=concern)
    assert stored.from_reporter and stored.content_type == "application/pdf"
    assert PDF not in bytes(stored.data_encrypted)
    assert stored.content() == PDF
    assert list(CaseEvent.objects.filter(concern=concern).values_list("type", flat=True)) == [
        "received",
        "acknowledged",
    ]
    assert [m.from_reporter for m in Message.objects.filter(concern=concern)] == [False, True]
    assert all(
        m.author_id is None for m in Message.objects.filter(concern=concern, from_reporter=True)
    )
    # The search itself works: it finds what is stored in plain text on purpose.
    assert any(f"{Concern._meta.db_table}.reference" in hit for hit in database_holds([reference]))
    leaks = database_holds([digits, code, "Marigold-7731", to_reporter, reply, "trolley-log.pdf"])
    assert not leaks, "stored in plain text:\n  " + "\n  ".join(leaks)


# 2. A confidential concern from a staff account ------------------------------------------


def test_staff_raises_a_confidential_concern_and_finds_it_in_your_concerns(web, demo):
    page = web.page
    staff = demo.user("staff")
    web.login_as(staff)
    web.goto(f"/o/{SLUG}/")
    web.submit(org_nav(web, demo).get_by_role("link", name="Speak up", exact=True))
    expect(page).to_have_url(path_is(f"/speak-up/{SLUG}/"))
    expect(heading(page)).to_have_text("Speak up")
    expect(page.get_by_label("Your name")).to_be_visible()
    web.check()

    page.get_by_role("group", name="How do you want to raise it?").get_by_role(
        "radio", name=re.compile(r"^Confidential")
    ).check()
    page.get_by_role("group", name="What is it about?").get_by_role(
        "radio", name="Bullying or harassment", exact=True
    ).check()
    page.get_by_role("group", name="Is anyone at risk of harm now?").get_by_role(
        "radio", name="No", exact=True
    ).check()
    page.get_by_label("What is your concern?").fill(
        "A team manager shouts at newly qualified workers in supervision."
    )
    web.submit(page.get_by_role("button", name="Send my concern"))
    expect(heading(page)).to_have_text("Your concern has been received")
    expect(page.get_by_role("region", name="Your receipt code")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    main = page.get_by_role("main")
    expect(main).to_contain_text("You can follow it in Your concerns")
    expect(main).not_to_contain_text("receipt code")
    web.check()

    concern = Concern.objects.get(organisation=demo.org, source=Concern.WEB)
    assert concern.mode == "confidential"
    assert concern.reporter_id == staff.pk
    assert concern.reporter_name == staff.display_name
    assert concern.receipt_hash is None
    assert concern.risk_of_harm is False

    web.submit(main.get_by_role("link", name="Your concerns"))
    expect(page).to_have_url(path_is("/concerns/mine/"))
    expect(heading(page)).to_have_text("Your concerns")
    items = main.get_by_role("listitem")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Bullying or harassment")
    expect(items.first).to_contain_text(demo.org.name)
    web.check()

    web.submit(main.get_by_role("link", name=concern.reference, exact=True))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/my-concerns/{concern.reference}/"))
    expect(heading(page)).to_have_text(f"Your concern {concern.reference}")
    expect(page.locator("ol.stages > li.done")).to_have_count(1)
    expect(main).to_contain_text("No messages yet.")
    # In the app there is no receipt session to leave.
    expect(page.get_by_role("button", name="Leave this page")).to_have_count(0)
    web.check()


# 3. The guardian's other pages -----------------------------------------------------------


def test_guardian_pages_composite_case_statistics_return_import_and_clocks(web, demo):
    page = web.page
    web.login_as(demo.user("guardian"))
    composite = Concern.objects.get(
        organisation=demo.org, title__contains="Fictional composite case"
    )

    web.goto(f"/o/{SLUG}/concerns/case/{composite.reference}/")
    expect(heading(page)).to_have_text(f"Concern {composite.reference}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Fictional composite case (not a real case)")
    timeline = page.get_by_role(
        "img", name=re.compile(rf"^Timeline of concern {re.escape(composite.reference)}")
    )
    expect(timeline).to_be_visible()
    missed = timeline.locator("text").filter(has_text="(missed)")
    for clock in ("Acknowledge by", "Feedback by", "Refer or protect by"):
        expect(missed.filter(has_text=clock)).to_have_count(1)
    expect(timeline.locator("desc")).to_contain_text("(missed)")
    expect(main.locator(".notice.error").filter(has_text="Clocks missed")).to_be_visible()
    defensive = main.locator(".notice.error").filter(has_text="Defensive responses recorded")
    expect(defensive).to_contain_text("Person who raised the concern asked to apologise")
    expect(defensive).to_contain_text("Told to stop raising concerns")
    expect(main.locator("tr.defensive")).to_have_count(5)
    web.check()

    # Statistics, by unit then by responsible leader.
    web.goto(f"/o/{SLUG}/concerns/")
    web.submit(main.get_by_role("link", name="Statistics", exact=True))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/statistics/"))
    expect(heading(page)).to_have_text("How concerns are handled")
    stats = page.get_by_role("table", name="Handling of concerns by unit")
    expect(stats).to_be_visible()
    expect(stats.get_by_role("rowheader", name="Whole organisation")).to_be_visible()
    expect(page.get_by_role("region", name="Handling of concerns by unit")).to_be_visible()
    web.check()

    web.submit(main.get_by_role("link", name="responsible leader", exact=True))
    expect(page).to_have_url(re.compile(r"/concerns/statistics/\?by=leader$"))
    stats = page.get_by_role("table", name="Handling of concerns by responsible leader")
    expect(stats.get_by_role("columnheader", name="Leader", exact=True)).to_be_visible()
    expect(stats.get_by_role("rowheader", name="Whole organisation")).to_be_visible()
    web.check()

    # The quarterly return and its CSV.
    web.submit(main.get_by_role("link", name="Quarterly return"))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/return/"))
    expect(heading(page)).to_have_text(re.compile(r"^Quarterly return: "))
    expect(main).to_contain_text("These are the true counts")
    expect(
        page.get_by_role("table", name=re.compile(r"^Concerns by category"))
    ).not_to_contain_text("hidden")
    web.check()

    with page.expect_download() as info:
        main.get_by_role("link", name="Download as CSV").click()
    download = info.value
    assert download.suggested_filename.startswith(f"{SLUG}-speak-up-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0] == ["period", "measure", "label", "value"]
    measures = {r[1]: r[3] for r in rows[1:]}
    assert {"total", "anonymous", "detriment", "patient_safety"} <= set(measures)
    assert measures["total"].isdigit()

    # Import: an unknown event type is reported with its row, and nothing is imported.
    before = Concern.objects.filter(organisation=demo.org).count()
    web.goto(f"/o/{SLUG}/concerns/")
    web.submit(main.get_by_role("link", name="Import earlier cases"))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/import/"))
    expect(heading(page)).to_have_text("Import earlier cases")
    web.check()

    bad = (
        b"case,type,date,risk_of_harm,category,mode,unit,leader,to,outcome,note\n"
        b"OLD-1,received,2024-05-02,false,fraud,named,,,,,\n"
        b"OLD-1,acknowledged,2024-05-06,,,,,,,,\n"
        b"OLD-1,tea_break,2024-05-07,,,,,,,,\n"
    )
    page.get_by_label("Cases (CSV or JSON)").set_input_files(
        files=[{"name": "history.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    assert submit_for_status(web, page.get_by_role("button", name="Import")) == 400
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    problems = alert.get_by_role("listitem")
    expect(problems).to_have_count(1)
    expect(problems.first).to_have_text("Row 4: 'tea_break' is not an event type.")
    web.check()
    assert Concern.objects.filter(organisation=demo.org).count() == before
    assert not Concern.objects.filter(reference__startswith="H-").exists()

    # The clocks.
    web.goto(f"/o/{SLUG}/concerns/")
    web.submit(main.get_by_role("link", name="Clocks", exact=True))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/clocks/"))
    expect(heading(page)).to_have_text("Clocks")
    expect(page.get_by_label("Acknowledge within (days)")).to_have_value("7")
    expect(page.get_by_label("Give feedback within (months)")).to_have_value("3")
    web.check()


# 4. Leaders and the board --------------------------------------------------------------


def test_leader_sees_statistics_but_no_case(open_browser, demo):
    web = open_browser()
    page = web.page
    web.login_as(demo.user("leader"))
    composite = Concern.objects.get(
        organisation=demo.org, title__contains="Fictional composite case"
    )

    web.goto(f"/o/{SLUG}/")
    nav = org_nav(web, demo)
    expect(nav.get_by_role("link", name=re.compile(r"^Concerns"))).to_have_count(0)
    web.submit(nav.get_by_role("link", name="Speak-up statistics"))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/statistics/"))
    expect(heading(page)).to_have_text("How concerns are handled")
    expect(page.get_by_role("table", name="Handling of concerns by unit")).to_be_visible()
    # A leader does not make the quarterly return.
    expect(page.get_by_role("link", name="Quarterly return")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(composite.reference)
    web.check()

    for path in (
        f"/o/{SLUG}/concerns/",
        f"/o/{SLUG}/concerns/case/{composite.reference}/",
        f"/o/{SLUG}/concerns/return/",
    ):
        response = web.goto(path, status=None)
        assert response.status in (403, 404), f"GET {path} as a leader: {response.status}"
        expect(page.get_by_role("main")).not_to_contain_text("Fictional composite case")
        web.check()


def test_board_member_sees_the_return_with_small_counts_hidden(open_browser, demo):
    web = open_browser()
    page = web.page
    web.login_as(demo.user("board"))
    k = policy_for(demo.org).min_group

    web.goto(f"/o/{SLUG}/concerns/statistics/")
    web.submit(page.get_by_role("main").get_by_role("link", name="Quarterly return"))
    expect(page).to_have_url(path_is(f"/o/{SLUG}/concerns/return/"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("are hidden, so no reporter can be picked out")
    expect(main).not_to_contain_text("These are the true counts")
    table = page.get_by_role("table", name=re.compile(r"^Concerns by category"))
    cells = [c.strip() for c in table.get_by_role("cell").all_inner_texts()]
    assert cells, "the return shows no counts"
    for cell in cells:
        count = re.match(r"^(hidden|\d+)", cell)
        assert count, f"unexpected cell {cell!r}"
        if count.group(1) != "hidden":
            assert int(count.group(1)) == 0 or int(count.group(1)) >= k, (
                f"a count smaller than {k} is shown to the board: {cells}"
            )
    web.check()

    # The board has no case workspace either.
    response = web.goto(f"/o/{SLUG}/concerns/", status=None)
    assert response.status in (403, 404)
    web.check()


# 5. The form on a narrow screen, and its errors ------------------------------------------


def test_speak_up_form_at_320_px_and_its_error_summary(open_browser, demo):
    web = open_browser(viewport=NARROW)
    page = web.page
    web.goto(f"/speak-up/{SLUG}/")
    expect(heading(page)).to_have_text("Speak up")
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()

    before = Concern.objects.count()
    assert submit_for_status(web, page.get_by_role("button", name="Send my concern")) == 400
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("There is a problem")
    targets = {
        "How do you want to raise it?": "#id_mode_0",
        "What is it about?": "#id_category_0",
        "Is anyone at risk of harm now?": "#id_risk_now_0",
        "What is your concern?": "#id_text",
    }
    links = alert.get_by_role("link")
    expect(links).to_have_count(len(targets))
    for label, href in targets.items():
        link = alert.get_by_role("link", name=re.compile("^" + re.escape(label + ": ")))
        expect(link).to_have_attribute("href", href)
        assert page.locator(href).count() == 1, f"{label}: the link's target {href} is missing"
    # Each group of options names its own error too, not only the summary.
    expect(
        page.get_by_role("group", name="Is anyone at risk of harm now?")
    ).to_have_accessible_description(re.compile(r"call 999 as well\. .*required"))
    expect(page.get_by_role("group", name="What is it about?")).to_have_accessible_description(
        re.compile(r"required")
    )
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()

    alert.get_by_role("link", name=re.compile(r"^What is your concern\?: ")).click()
    expect(page.get_by_label("What is your concern?")).to_be_focused()
    alert.get_by_role("link", name=re.compile(r"^How do you want to raise it\?: ")).click()
    expect(page.get_by_role("radio", name=re.compile(r"^Named"))).to_be_focused()
    assert Concern.objects.count() == before

    # Filled in, it is sent, and the receipt code fits the narrow screen too.
    page.get_by_role("radio", name=re.compile(r"^Anonymous")).check()
    page.get_by_role("radio", name="Other", exact=True).check()
    page.get_by_role("group", name="Is anyone at risk of harm now?").get_by_role(
        "radio", name="I don't know", exact=True
    ).check()
    page.get_by_label("What is your concern?").fill("Agency staff are not given handovers.")
    web.submit(page.get_by_role("button", name="Send my concern"))
    expect(heading(page)).to_have_text("Your concern has been received")
    expect(page.get_by_role("region", name="Your receipt code").locator("p.code")).to_have_text(
        RECEIPT
    )
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()
    assert Concern.objects.count() == before + 1


# 6. The guardian's pages on a narrow screen ----------------------------------------------


def test_guardian_pages_fit_320_px(open_browser, demo):
    web = open_browser(viewport=NARROW)
    page = web.page
    web.login_as(demo.user("guardian"))
    composite = Concern.objects.get(
        organisation=demo.org, title__contains="Fictional composite case"
    )
    for path, title in (
        (f"/o/{SLUG}/concerns/", "Concerns"),
        (f"/o/{SLUG}/concerns/case/{composite.reference}/", f"Concern {composite.reference}"),
        (f"/o/{SLUG}/concerns/statistics/", "How concerns are handled"),
        (f"/o/{SLUG}/concerns/import/", "Import earlier cases"),
    ):
        web.goto(path)
        expect(heading(page)).to_have_text(title)
        assert_no_horizontal_scroll(page, NARROW["width"])
        web.check()


# 7. A case dated 9999 in the database (issue 8, finding 7) ----------------------------


def test_a_stored_case_dated_9999_is_marked_and_every_page_still_opens(web, demo):
    page = web.page
    far = Concern.objects.filter(organisation=demo.org).order_by("pk").first()
    Concern.objects.filter(pk=far.pk).update(received_on=dt.date(9999, 12, 31))
    CaseEvent.objects.filter(concern=far).update(date=dt.date(9999, 12, 31))
    # Written past the services: the stored clock figures are computed again as
    # `echoorg concerns refresh --all` does.
    refresh(everything=True)
    cache.clear()
    web.login_as(demo.user("guardian"))

    web.goto(f"/o/{SLUG}/concerns/")
    row = page.get_by_role("row").filter(has_text=far.reference).first
    expect(row).to_contain_text("Date out of range: check the case")
    web.check()

    web.goto(f"/o/{SLUG}/concerns/case/{far.reference}/")
    main = page.get_by_role("main")
    notice = main.locator(".notice.error").filter(has_text="Date out of range.")
    expect(notice).to_contain_text("is after today")
    expect(page.get_by_role("img", name=re.compile(r"^Timeline"))).to_have_count(0)
    web.check()

    web.goto(f"/o/{SLUG}/concerns/statistics/")
    expect(main).to_contain_text("their dates are out of range")
    web.check()
    web.goto(f"/o/{SLUG}/concerns/return/?year=9999&quarter=4")
    expect(main).to_contain_text("There is no return for the year or quarter asked for")


# 6. The proof of work: solved by the browser, by keyboard, and said aloud -----------------

STATUS_LOG = """() => {
  const status = document.querySelector('[data-pow-status]');
  new MutationObserver(() => {
    const log = JSON.parse(sessionStorage.getItem('pow-status') || '[]');
    log.push(status.textContent);
    sessionStorage.setItem('pow-status', JSON.stringify(log));
  }).observe(status, {childList: true, characterData: true, subtree: true});
}"""


def raised_with_receipt(demo: Demo) -> tuple[Concern, str]:
    from echoorg.concerns.services import raise_concern

    raised = raise_concern(
        demo.org,
        mode="anonymous",
        category="fraud",
        at_risk=[],
        risk_of_harm=False,
        text="Invoices are paid twice.",
    )
    return raised.concern, raised.receipt


def test_the_follow_up_check_runs_from_the_keyboard_and_tells_screen_readers(
    open_browser, demo, settings
):
    settings.ECHOORG_POW_BITS = settings.ECHOORG_POW_MAX_BITS = 10
    concern, code = raised_with_receipt(demo)
    web = open_browser()
    page = web.page
    web.goto(f"/speak-up/{SLUG}/follow-up/")
    status = page.locator("[data-pow-status]")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_text("This form needs JavaScript")).to_be_hidden()
    assert page.locator("input[name=pow_challenge]").get_attribute("data-bits") == "10"
    web.check()

    # The script's own SHA-256 (used where Web Crypto is missing, on plain HTTP) agrees
    # with Python's, across block boundaries.
    import hashlib

    for text in ("", "abc", "x" * 55, "y" * 56, "z" * 64, "pow1.raise.3.18.99.ab.cd:12345"):
        ours = page.evaluate(
            "t => Array.from(window.echoorgSha256Ascii(t))"
            ".map(b => b.toString(16).padStart(2, '0')).join('')",
            text,
        )
        assert ours == hashlib.sha256(text.encode()).hexdigest(), text

    page.evaluate(STATUS_LOG)
    page.get_by_label("Your 16-digit receipt code").focus()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(path_is(f"/speak-up/{SLUG}/case/"))
    expect(heading(page)).to_have_text(f"Your concern {concern.reference}")
    said = page.evaluate("() => JSON.parse(sessionStorage.getItem('pow-status') || '[]')")
    assert any(s.startswith("Checking the form before sending it") for s in said), said
    assert any(s.startswith("Check done in") for s in said), said
    web.check()

    # Without Web Crypto (a plain-HTTP address) the script solves the check itself.
    again = open_browser()
    again.goto(f"/speak-up/{SLUG}/follow-up/")
    again.page.evaluate("() => Object.defineProperty(window.crypto, 'subtle', {value: undefined})")
    again.page.get_by_label("Your 16-digit receipt code").fill(code)
    again.submit(again.page.get_by_role("button", name="Open my concern"))
    expect(again.page).to_have_url(path_is(f"/speak-up/{SLUG}/case/"))
    again.check()


def test_without_javascript_the_forms_say_what_to_do_instead(browser, live_server, demo):
    _, code = raised_with_receipt(demo)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/speak-up/{SLUG}/")
        expect(page.get_by_text("This form needs JavaScript")).to_be_visible()
        expect(page.get_by_text("raise your concern another way")).to_be_visible()
        page.goto(f"/speak-up/{SLUG}/follow-up/")
        page.get_by_label("Your 16-digit receipt code").fill(code)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Open my concern").click()
        assert navigation.value.status == 400
        expect(page.get_by_role("alert")).to_contain_text("Turn on JavaScript")
        expect(page.get_by_text("reach the guardian another way")).to_be_visible()
    finally:
        context.close()


def test_a_form_that_has_reached_its_hourly_limit_says_how_else_to_speak_up(
    open_browser, demo, settings
):
    from echoorg.concerns import protection

    settings.ECHOORG_SPEAKUP_MAX_PER_HOUR = 1
    protection.count_raised(demo.org)
    before = Concern.objects.count()
    web = open_browser()
    page = web.page
    web.goto(f"/speak-up/{SLUG}/")
    page.get_by_role("radio", name=re.compile(r"^Anonymous")).check()
    page.get_by_role("radio", name="Fraud", exact=True).check()
    page.get_by_role("group", name="Is anyone at risk of harm now?").get_by_role(
        "radio", name="No", exact=True
    ).check()
    page.get_by_label("What is your concern?").fill("Invoices are paid twice.")
    assert submit_for_status(web, page.get_by_role("button", name="Send my concern")) == 429
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your concern could not be sent")
    expect(alert).to_contain_text("speak to the Freedom to Speak Up guardian")
    expect(page.get_by_label("What is your concern?")).to_have_value("Invoices are paid twice.")
    assert Concern.objects.count() == before
    web.check()
