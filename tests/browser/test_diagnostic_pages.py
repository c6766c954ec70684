"""The culture diagnostic in headless Chromium: answering a survey, reading results, exports
and the facilitator's forms, on the fictional demo council (Northmoor).

Every page reached goes through `web.check()`: nothing requested from another host, no
Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.diagnostic.demo import load_demo_waves
from echoorg.diagnostic.models import Draft, Invitation, Response, SurveyWave
from echoorg.diagnostic.services import release_pending_responses
from echoorg.orgs.demo import DEMO_PASSWORD, load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll, heading, path_is, path_matches

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NARROW = {"width": 320, "height": 640}
ITEMS_PER_PAGE = 8  # as echoorg.diagnostic.take lays out a survey


@dataclass
class Demo:
    org: Organisation
    spring: SurveyWave
    autumn: SurveyWave
    pulse: SurveyWave

    def user(self, role: str) -> User:
        return User.objects.get(email=f"{role}@northmoor.example")


@pytest.fixture
def demo(transactional_db) -> Demo:
    """The demo council with its two closed waves and the open pulse wave (about a second)."""
    # Results are cached by wave id and response count; start every test from a clean slate.
    cache.clear()
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    assert load_demo_waves(org) == 3
    spring, autumn = SurveyWave.objects.filter(organisation=org, status=SurveyWave.CLOSED).order_by(
        "pk"
    )
    pulse = SurveyWave.objects.get(organisation=org, status=SurveyWave.OPEN)
    return Demo(org, spring, autumn, pulse)


def question(page, text: str):
    """The Likert fieldset of one statement, found by its legend."""
    return page.get_by_role("group", name=text, exact=True)


def answer(page, text: str, label: str) -> None:
    question(page, text).get_by_role("radio", name=label, exact=True).check()


def survey_pages(wave: SurveyWave, audience: str) -> list[list]:
    items = list(wave.instrument.items_for(audience))
    return [items[i : i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)]


def open_pulse_survey(web, demo: Demo) -> None:
    """From 'Your surveys', open the pulse wave and arrive at its start page."""
    page = web.page
    row = page.get_by_role("row").filter(has_text=demo.pulse.title)
    web.submit(row.get_by_role("button", name=re.compile(r"^Answer now")))
    expect(page).to_have_url(path_matches(r"/s/[^/]+/"))
    expect(heading(page)).to_have_text(demo.pulse.title)


# 1. A staff member answers the open pulse survey -------------------------------------------


def test_staff_answers_the_pulse_survey(web, demo):
    page = web.page
    staff = demo.user("staff")
    invitation = Invitation.objects.get(wave=demo.pulse, user=staff)
    assert not invitation.completed
    responses_before = demo.pulse.pending_responses.count()
    scale = demo.pulse.instrument.response_scale
    value = {label: scale.min + i for i, label in enumerate(scale.labels)}
    pages = survey_pages(demo.pulse, invitation.audience)
    total = len(pages) + 1
    assert total >= 3, "the journey needs at least two pages of questions"

    web.log_in(staff.email, DEMO_PASSWORD)

    web.submit(page.get_by_role("banner").get_by_role("link", name="Your surveys"))
    expect(page).to_have_url(path_is("/surveys/"))
    expect(heading(page)).to_have_text("Your surveys")
    web.check()

    open_pulse_survey(web, demo)
    token = re.search(r"/s/([^/]+)/", page.url).group(1)
    expect(page.get_by_role("heading", name="Your answers are anonymous")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        f"Results are only shown for groups of at least {demo.pulse.min_group} people"
    )
    expect(page.get_by_role("main")).to_contain_text("You can skip any question")
    web.check()

    web.submit(page.get_by_role("link", name="Start", exact=True))
    expect(page).to_have_url(path_is(f"/s/{token}/1/"))
    expect(heading(page)).to_have_text(f"Page 1 of {total}")
    expect(page.get_by_role("group")).to_have_count(len(pages[0]))
    first = {
        pages[0][0]: "Agree",
        pages[0][1]: "Strongly disagree",
        pages[0][3]: "Neither agree nor disagree",
    }
    for item, label in first.items():
        answer(page, item.text, label)
    web.check()

    web.submit(page.get_by_role("button", name="Save and continue"))
    expect(page).to_have_url(path_is(f"/s/{token}/2/"))
    expect(heading(page)).to_have_text(f"Page 2 of {total}")
    draft = Draft.objects.get(invitation=invitation)
    assert draft.answers == {item.id: value[label] for item, label in first.items()}
    second = {pages[1][2]: "Strongly agree"}
    for item, label in second.items():
        answer(page, item.text, label)
    web.check()

    # Back saves this page too, and page 1 shows what was saved before.
    web.submit(page.get_by_role("button", name="Back", exact=True))
    expect(page).to_have_url(path_is(f"/s/{token}/1/"))
    for item, label in first.items():
        expect(
            question(page, item.text).get_by_role("radio", name=label, exact=True)
        ).to_be_checked()
    expect(question(page, pages[0][2].text).get_by_role("radio", checked=True)).to_have_count(0)

    web.submit(page.get_by_role("button", name="Save and continue"))
    expect(page).to_have_url(path_is(f"/s/{token}/2/"))
    for item, label in second.items():
        expect(
            question(page, item.text).get_by_role("radio", name=label, exact=True)
        ).to_be_checked()

    # On through the other pages, answering one statement on the last page of questions.
    later = {pages[-1][0]: "Disagree"}
    for number in range(2, len(pages) + 1):
        expect(heading(page)).to_have_text(f"Page {number} of {total}")
        for item, label in later.items():
            if item in pages[number - 1]:
                answer(page, item.text, label)
        web.submit(page.get_by_role("button", name="Save and continue"))

    expect(page).to_have_url(path_is(f"/s/{token}/{total}/"))
    expect(heading(page)).to_have_text("Last page")
    background = demo.pulse.instrument.demographics[0]
    choice = background.options[0]
    page.get_by_role("group", name=background.question).get_by_role(
        "radio", name=choice, exact=True
    ).check()
    comment = "Team meetings feel safer since the spring."
    page.get_by_label("Is there anything else you would like to tell us?").fill(comment)
    web.check()

    web.submit(page.get_by_role("button", name="Send my answers"))
    expect(page).to_have_url(path_is("/s/thanks/"))
    expect(heading(page)).to_have_text("Thank you: your answers are in")
    web.check()

    # The database: one more sealed response waiting for the wave to close (none in the
    # response table, whose order would follow the order of answering); released, it
    # holds exactly what was chosen.
    assert demo.pulse.pending_responses.count() == responses_before + 1
    assert not Response.objects.filter(wave=demo.pulse, comment=comment).exists()
    release_pending_responses(demo.pulse)
    sent = Response.objects.get(wave=demo.pulse, comment=comment)
    expected = {item.id: value[label] for item, label in {**first, **second, **later}.items()}
    assert sent.answers == expected
    assert sent.demographics == {background.id: choice}
    assert sent.unit_id == invitation.unit_id
    assert sent.audience == invitation.audience
    assert sent.source == Response.WEB
    invitation.refresh_from_db()
    assert invitation.completed
    assert not Draft.objects.filter(invitation__wave=demo.pulse, invitation__user=staff).exists()

    # The used link says so; 'Your surveys' shows the survey as sent.
    web.goto(f"/s/{token}/")
    expect(heading(page)).to_have_text("Thank you: your answers are in")
    web.goto("/surveys/")
    row = page.get_by_role("row").filter(has_text=demo.pulse.title)
    expect(row).to_contain_text("Sent")
    expect(row.get_by_role("button", name=re.compile(r"^Answer now"))).to_have_count(0)
    web.check()


# 2. The survey on a narrow screen ----------------------------------------------------------


def test_survey_pages_fit_320_px(open_browser, demo):
    web = open_browser(viewport=NARROW)
    page = web.page
    web.login_as(demo.user("staff"))
    web.goto("/surveys/")
    open_pulse_survey(web, demo)
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()

    web.submit(page.get_by_role("link", name="Start", exact=True))
    expect(heading(page)).to_have_text(re.compile(r"^Page 1 of \d+$"))
    first = survey_pages(demo.pulse, "staff")[0][0]
    answer(page, first.text, "Neither agree nor disagree")
    assert_no_horizontal_scroll(page, NARROW["width"])
    web.check()


# 3. A leader reads the results -------------------------------------------------------------


def test_leader_reads_results_and_drills_down(web, demo):
    page = web.page
    web.login_as(demo.user("leader"))
    web.goto(f"/o/{demo.org.slug}/")
    nav = page.get_by_role("navigation", name=demo.org.name)
    web.submit(nav.get_by_role("link", name="Culture diagnostic"))
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/"))
    expect(heading(page)).to_have_text("Culture diagnostic")
    waves = page.get_by_role("table", name="Survey waves")
    expect(waves.get_by_role("row")).to_have_count(4)
    expect(waves.get_by_role("row").filter(has_text=demo.pulse.title)).to_contain_text(
        "After it closes"
    )
    web.check()

    web.submit(waves.get_by_role("link", name=demo.autumn.title, exact=True))
    wave_path = f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/"
    expect(page).to_have_url(path_is(wave_path))
    expect(heading(page)).to_have_text(demo.autumn.title)
    expect(page.get_by_role("link", name=re.compile("De-identified responses"))).to_have_count(0)
    web.check()

    web.submit(page.get_by_role("link", name="See the results"))
    expect(page).to_have_url(path_is(wave_path + "results/"))
    whole = f"{demo.org.name}: whole organisation"
    expect(heading(page)).to_have_text(whole)
    circles = page.get_by_role("img", name=f"Three-systems profile of {whole}")
    expect(circles).to_be_visible()
    expect(circles.locator("title")).to_have_text(f"Three-systems profile of {whole}")
    scales = page.get_by_role("table", name=re.compile(r"^Scale means for "))
    expect(scales).to_be_visible()
    # Scales down the side (each with its direction), units across.
    for system in ("Threat system", "Drive system", "Soothing system"):
        expect(scales.get_by_role("rowheader", name=re.compile("^" + system))).to_be_visible()
    heatmap = page.get_by_role("table", name=re.compile(r"^Heatmap of scale means"))
    expect(heatmap).to_be_visible()
    expect(heatmap.get_by_role("row")).to_have_count(demo.org.units.count() + 2)
    expect(page.get_by_role("link", name=re.compile("De-identified responses"))).to_have_count(0)
    web.check()

    # Drill down: directorate, service, then a team too small to show.
    for name in ("Children's Services", "Children in Care and Permanence"):
        web.submit(
            page.get_by_role("table", name=re.compile(r"^Scale means for ")).get_by_role(
                "link", name=name, exact=True
            )
        )
        expect(heading(page)).to_have_text(name)
        expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(whole)
        expect(page.get_by_role("img", name=f"Three-systems profile of {name}")).to_be_visible()
        web.check()

    scales = page.get_by_role("table", name=re.compile(r"^Scale means for "))
    headers = [t.strip() for t in scales.get_by_role("columnheader").all_inner_texts()]
    column = headers.index("Private Fostering Team") - 1  # the cells after the row header
    small = [
        [t.strip() for t in row.get_by_role("cell").all_inner_texts()][column]
        for row in scales.locator("tbody tr").all()
    ]
    assert small[0] == f"fewer than {demo.autumn.min_group}", small
    assert set(small[1:]) == {"–"}, f"a suppressed team shows figures: {small}"
    web.submit(scales.get_by_role("link", name="Private Fostering Team", exact=True))
    expect(heading(page)).to_have_text("Private Fostering Team")
    expect(page.get_by_role("main")).to_contain_text("Too few people answered in this unit")
    expect(page.get_by_role("img", name=re.compile("Three-systems profile"))).to_have_count(0)
    web.check()

    # A team large enough to show, and a split by a background question there.
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    web.submit(crumbs.get_by_role("link", name="Children in Care and Permanence"))
    web.submit(
        page.get_by_role("table", name=re.compile(r"^Scale means for ")).get_by_role(
            "link", name="Children in Care Team", exact=True
        )
    )
    expect(heading(page)).to_have_text("Children in Care Team")
    expect(
        page.get_by_role("img", name="Three-systems profile of Children in Care Team")
    ).to_be_visible()
    web.check()

    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    web.submit(crumbs.get_by_role("link", name="Children's Services"))
    background = demo.autumn.instrument.demographics[-1]
    page.get_by_label("Background question", exact=True).select_option(label=background.question)
    web.submit(page.get_by_role("button", name="Show", exact=True))
    cut = page.get_by_role("table", name=f"{background.question} (Children's Services)")
    expect(cut).to_be_visible()
    expect(cut.get_by_role("rowheader")).to_have_text([*background.options, "Not answered"])
    expect(page.get_by_label("Background question", exact=True)).to_have_value(background.id)
    web.check()

    web.submit(
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name=demo.autumn.title
        )
    )
    web.submit(page.get_by_role("link", name="Reliability of the scales"))
    expect(page).to_have_url(path_is(wave_path + "reliability/"))
    expect(heading(page)).to_have_text("How reliable are the scales in this wave?")
    reliability = page.get_by_role("table", name="Reliability by scale")
    expect(reliability.get_by_role("rowheader", name="Threat system")).to_be_visible()
    web.check()

    web.submit(
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Culture diagnostic"
        )
    )
    web.submit(page.get_by_role("link", name="Trends across waves"))
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/trends/"))
    expect(heading(page)).to_have_text("Trends across waves")
    expect(page.get_by_role("heading", name=f"{whole}: one chart per scale")).to_be_visible()
    names = [scale.name for scale in demo.autumn.instrument.scales]
    for name in names:
        expect(
            page.get_by_role("img", name=re.compile(f"^{re.escape(name)} across waves"))
        ).to_be_visible()
    trend = page.get_by_role("table", name=re.compile(r"^Scale means of .* by wave"))
    expect(trend.get_by_role("rowheader")).to_have_text(names)
    expect(trend.get_by_role("columnheader")).to_have_text(
        ["Scale", demo.spring.title, demo.autumn.title, "Change"]
    )
    web.check()


# 4. A researcher downloads the de-identified rows ------------------------------------------


def test_researcher_downloads_deidentified_rows(web, demo):
    page = web.page
    web.login_as(demo.user("researcher"))
    web.goto(f"/o/{demo.org.slug}/surveys/{demo.autumn.pk}/")
    link = page.get_by_role("link", name="De-identified responses (zip of CSV files)")
    expect(link).to_be_visible()
    web.check()

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("-deidentified.zip")
    with zipfile.ZipFile(download.path()) as bundle:
        text = bundle.read("responses.csv").decode("utf-8")
        readme = bundle.read("README.txt").decode("utf-8")
    assert text.startswith("respondent,unit,"), text[:200]
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == demo.autumn.responses.count() + 1
    assert "comment" not in rows[0]
    assert "Variant: K-ANONYMOUS" in readme

    # The full rows need a data-sharing agreement reference.
    page.get_by_text("Full rows, under a data-sharing agreement").click()
    web.submit(page.get_by_role("button", name="Download the full rows"))
    expect(page.get_by_role("alert")).to_contain_text("Data-sharing agreement reference")
    web.check()
    page.get_by_label("Data-sharing agreement reference").fill("DSA-2026-014")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the full rows").click()
    with zipfile.ZipFile(info.value.path()) as bundle:
        assert "Variant: FULL ROWS" in bundle.read("README.txt").decode("utf-8")


# 5. Setting up a wave and importing responses: the refusals --------------------------------


def test_wave_setup_and_import_refusals(web, demo):
    page = web.page
    web.login_as(demo.user("facilitator"))
    waves_before = SurveyWave.objects.filter(organisation=demo.org).count()

    web.goto(f"/o/{demo.org.slug}/surveys/new/")
    expect(heading(page)).to_have_text("Set up a survey wave")
    web.check()
    page.get_by_label("Title").fill("Culture survey, spring 2027")
    page.get_by_label("Opens on").fill("2027-03-15")
    page.get_by_label("Closes on").fill("2027-03-01")
    web.submit(page.get_by_role("button", name="Set up the wave"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    to_field = alert.get_by_role("link", name=re.compile(r"^Closes on: "))
    expect(to_field).to_contain_text("The wave must close on or after the day it opens.")
    expect(to_field).to_have_attribute("href", "#id_closes_on")
    expect(page.get_by_label("Title")).to_have_value("Culture survey, spring 2027")
    web.check()
    assert SurveyWave.objects.filter(organisation=demo.org).count() == waves_before

    # The pulse wave collects through echoorg's links: it offers no import at all.
    web.goto(f"/o/{demo.org.slug}/surveys/{demo.pulse.pk}/")
    expect(page.get_by_text("Through echoorg's links")).to_be_visible()
    expect(
        page.get_by_role("link", name="Import responses from another survey tool")
    ).to_have_count(0)
    web.goto(f"/o/{demo.org.slug}/surveys/{demo.pulse.pk}/import/", status=409)
    expect(page.get_by_role("alert")).to_contain_text("takes no imported responses")
    expect(page.get_by_label("File")).to_have_count(0)
    web.check()

    # A wave set up to collect by import takes a file from another tool.
    web.goto(f"/o/{demo.org.slug}/surveys/new/")
    page.get_by_label("Title").fill("Agency staff survey 2027")
    page.get_by_label("Opens on").fill("2027-03-01")
    page.get_by_label("Closes on").fill("2027-03-15")
    collection = page.get_by_role("group", name="How answers are collected")
    expect(collection.get_by_role("radio", name=re.compile("^Through echoorg"))).to_be_checked()
    collection.get_by_role("radio", name=re.compile("^By import")).check()
    web.submit(page.get_by_role("button", name="Set up the wave"))
    imported = SurveyWave.objects.get(organisation=demo.org, title="Agency staff survey 2027")
    assert imported.collection == SurveyWave.IMPORT
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/{imported.pk}/"))
    expect(page.get_by_text("By import from another tool")).to_be_visible()
    web.check()
    web.submit(page.get_by_role("link", name="Import responses from another survey tool"))
    expect(page).to_have_url(path_is(f"/o/{demo.org.slug}/surveys/{imported.pk}/import/"))
    expect(heading(page)).to_have_text("Import responses")
    web.check()

    responses_before = Response.objects.filter(wave__organisation=demo.org).count()
    first, second = demo.pulse.instrument.item_ids[:2]
    content = (
        f"respondent,unit,{first},{second}\n"
        "ext-1,Leaving Care Team,4,5\n"
        "ext-2,Leaving Care Team,9,3\n"
        "ext-3,Leaving Care Team,2,\n"
    ).encode()
    page.get_by_label("File").set_input_files(
        files=[{"name": "other-tool.csv", "mimeType": "text/csv", "buffer": content}]
    )
    web.submit(page.get_by_role("button", name="Import"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    problems = alert.get_by_role("listitem")
    expect(problems).to_have_count(1)
    expect(problems.first).to_have_text(re.compile(rf"^Row 3: {re.escape(first)} is 9; "))
    web.check()
    assert Response.objects.filter(wave__organisation=demo.org).count() == responses_before


def test_a_large_import_shows_its_progress_and_outcome(web, demo, monkeypatch):
    from echoorg.diagnostic import services

    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    page = web.page
    facilitator = demo.user("facilitator")
    wave = services.create_wave(
        facilitator,
        demo.org,
        title="Imported pulse",
        instrument_key=demo.pulse.instrument.key,
        opens_on=demo.pulse.opens_on,
        closes_on=demo.pulse.closes_on,
        min_group=5,
        collection=SurveyWave.IMPORT,
    )
    web.login_as(facilitator)
    web.goto(f"/o/{demo.org.slug}/surveys/{wave.pk}/import/")
    first = wave.instrument.item_ids[0]
    content = (
        f"respondent,unit,{first}\n"
        + "".join(f"ext-{n},Leaving Care Team,{n % 5 + 1}\n" for n in range(30))
    ).encode()
    page.get_by_label("File").set_input_files(
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": content}]
    )
    web.submit(page.get_by_role("button", name="Import"))
    expect(heading(page)).to_have_text("Importing responses")
    expect(page.get_by_role("status")).to_contain_text("Imported 30 responses")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    web.check()
    assert Response.objects.filter(wave=wave).count() == 30


def test_a_running_import_moves_its_progress_bar_and_shows_the_outcome(web, demo):
    """The job page's script (no inline script under the CSP) polls the job's API and
    reloads once the job has finished."""
    from echoorg.diagnostic import services
    from echoorg.diagnostic.models import ResponseImport

    page = web.page
    facilitator = demo.user("facilitator")
    wave = services.create_wave(
        facilitator,
        demo.org,
        title="Imported pulse",
        instrument_key=demo.pulse.instrument.key,
        opens_on=demo.pulse.opens_on,
        closes_on=demo.pulse.closes_on,
        min_group=5,
        collection=SurveyWave.IMPORT,
    )
    job = ResponseImport.objects.create(
        organisation=demo.org,
        wave=wave,
        created_by=facilitator,
        file_name="big.csv",
        status=ResponseImport.RUNNING,
        progress=40,
    )
    web.login_as(facilitator)
    web.goto(f"/o/{demo.org.slug}/surveys/{wave.pk}/import/{job.pk}/")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    expect(page.get_by_role("status")).to_contain_text("Importing")
    web.check()
    ResponseImport.objects.filter(pk=job.pk).update(
        status=ResponseImport.DONE, progress=100, imported=7, message="Imported 7 responses."
    )
    expect(page.get_by_role("status")).to_contain_text("Imported 7 responses", timeout=8000)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_role("link", name="Reload to see the latest status")).to_have_count(0)
    web.check()
