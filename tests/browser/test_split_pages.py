"""Splits by a background question in headless Chromium (issue 10): a leader of the fictional
demo council splits the whole organisation's results by each background question, at
1,280 and 320 px, and a unit whose groups are hidden says why in words.

Every page reached goes through `web.check()`: nothing requested from another host, no
Content-Security-Policy complaint, and no axe WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from echoorg.accounts.models import User
from echoorg.diagnostic.demo import load_demo_waves
from echoorg.diagnostic.models import SurveyWave
from echoorg.diagnostic.results import stored_figures
from echoorg.orgs.demo import load_demo
from echoorg.orgs.models import Organisation
from tests.browser.helpers import assert_no_horizontal_scroll, heading

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def autumn(transactional_db) -> SurveyWave:
    load_demo()
    org = Organisation.objects.get(slug="northmoor")
    load_demo_waves(org)
    return SurveyWave.objects.filter(organisation=org, status=SurveyWave.CLOSED).latest("pk")


def split_at(web, wave: SurveyWave, question_text: str, unit: int | None = None):
    page = web.page
    query = f"?unit={unit}" if unit is not None else ""
    web.goto(f"/o/northmoor/surveys/{wave.pk}/results/{query}")
    page.get_by_label("Background question", exact=True).select_option(label=question_text)
    web.submit(page.get_by_role("button", name="Show", exact=True))
    return page.get_by_role("table", name=re.compile(re.escape(question_text)))


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])
def test_the_whole_organisations_split_shows_its_groups(open_browser, autumn, viewport):
    web = open_browser(viewport=viewport)
    web.login_as(User.objects.get(email="leader@northmoor.example"))
    for demographic in autumn.instrument.demographics:
        table = split_at(web, autumn, demographic.question)
        expect(heading(web.page)).to_have_text(re.compile("whole organisation"))
        expect(table).to_be_visible()
        for row in stored_figures(autumn).cut(demographic.id)[0]:
            line = table.get_by_role("row").filter(
                has=web.page.get_by_role("rowheader", name=row.value, exact=True)
            )
            cells = [c.strip() for c in line.get_by_role("cell").all_inner_texts()]
            assert cells[0] == str(row.n), cells
            assert all(re.fullmatch(r"\d\.\d\d|hidden", c) for c in cells[1:]), cells
        assert_no_horizontal_scroll(web.page, viewport["width"])
        web.check()


def test_a_unit_whose_groups_are_hidden_says_why(open_browser, autumn):
    web = open_browser(viewport=WIDE)
    web.login_as(User.objects.get(email="leader@northmoor.example"))
    demographic = autumn.instrument.demographics[0]
    table = stored_figures(autumn).cut(demographic.id)
    # A unit whose groups are all hidden: one sentence instead of a table of hidden rows.
    unit = next(pk for pk, rows in table.items() if all(r.n is None for r in rows))
    split_at(web, autumn, demographic.question, unit)
    section = web.page.locator("section", has=web.page.get_by_role("heading", name="Split by"))
    expect(section).to_contain_text(f"each answer here was given by fewer than {autumn.min_group}")
    expect(section.get_by_role("table")).to_have_count(0)
    web.check()
