"""A closed wave's comments grouped by the theme of their question, counted and paged,
and the anonymity rule for comments kept as it was (groups of at least 10)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from echoorg.core.diagnostic.instrument import load_instrument_text, shipped_instruments
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Invitation, Response, SurveyWave
from echoorg.diagnostic.results import forget_stored_figures

YAML = shipped_instruments()["echo-culture-v1"].read_text()
INSTRUMENT = load_instrument_text(YAML)
ANSWERS = {i.id: 3 for i in INSTRUMENT.items_for("staff")}


def make_wave(org, status=SurveyWave.CLOSED, **kwargs) -> SurveyWave:
    return SurveyWave.objects.create(
        organisation=org,
        title="Autumn wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 9, 30),
        status=status,
        **kwargs,
    )


@pytest.fixture
def wave(org, tree):
    """Adults: 50 people; 45 wrote about pressures (threat), 3 about leaders, 7 wrote in
    the closing question. Recruitment: 8 people (too few for comments), each wrote about
    support; Support: 4 people, no comment."""
    wave = make_wave(org)
    rows = []
    for n in range(50):
        themed = {}
        if n < 45:
            themed["c_pressure"] = f"Pressure comment {n:02d}."
        if n < 3:
            themed["c_leadership"] = f"Leadership comment {n}."
        rows.append(
            Response(
                wave=wave,
                unit=tree["Adults"],
                answers=ANSWERS,
                comment=f"Closing comment {n}." if n >= 43 else "",
                themed_comments=themed or None,
            )
        )
    rows += [
        Response(
            wave=wave,
            unit=tree["Recruitment"],
            answers=ANSWERS,
            themed_comments={"c_support": f"Recruitment comment {n}."},
        )
        for n in range(8)
    ]
    # Support's 4 make Fostering a group of 12, so hiding Recruitment's comments does not
    # hide Adults' too (12 + 50 for the whole organisation).
    rows += [Response(wave=wave, unit=tree["Support"], answers=ANSWERS) for _ in range(4)]
    Response.objects.bulk_create(rows)
    forget_stored_figures()
    return wave


def comments_page(client, org, wave, **query):
    url = reverse("wave_comments", kwargs={"slug": org.slug, "wave_id": wave.pk})
    return client.get(url, query)


def shown(html: str, prefix: str) -> list[str]:
    return re.findall(rf"<li>({prefix} comment [^<]*)</li>", html)


def test_the_results_page_counts_comments_by_theme(login_as, facilitator, org, tree, wave):
    url = reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk})
    html = login_as(facilitator).get(url, {"unit": tree["Adults"].pk}).content.decode()
    assert "Comments (55)" in html
    counts = dict(
        re.findall(
            r'<th scope="row">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</th><td class="num">'
            r"(\d+)</td>",
            html,
        )
    )
    assert {k: counts[k] for k in ("Threat system", "Drive system", "Soothing system")} == {
        "Threat system": "45",
        "Drive system": "0",
        "Soothing system": "0",
    }
    assert counts["Compassionate leadership"] == "3" and counts["Other comments"] == "7"
    assert "Pressure comment" not in html  # the comments themselves are on their own page


def test_every_theme_shows_its_first_page_with_a_count(login_as, facilitator, org, tree, wave):
    html = comments_page(login_as(facilitator), org, wave, unit=tree["Adults"].pk)
    text = html.content.decode()
    assert html.status_code == 200
    assert "Threat system (45)" in text and "Other comments (7)" in text
    assert len(shown(text, "Pressure")) == 20 and len(shown(text, "Leadership")) == 3
    assert "Page 1 of 3 (1–20 of 45)" in text
    assert 'aria-label="Pages of Threat system comments"' in text
    # The closing question's wording says what "Other comments" answered.
    assert "Is there anything else you would like to tell us?" in text


def test_the_pages_of_a_theme_hold_every_comment_once_in_a_fixed_order(
    login_as, facilitator, org, tree, wave
):
    client = login_as(facilitator)
    pages = [
        shown(
            comments_page(
                client, org, wave, unit=tree["Adults"].pk, theme="threat", page=n
            ).content.decode(),
            "Pressure",
        )
        for n in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [20, 20, 5]
    every = [c for p in pages for c in p]
    assert sorted(every) == [f"Pressure comment {n:02d}." for n in range(45)]
    # The same order on every request and in every process: pages never repeat a comment.
    forget_stored_figures()
    again = comments_page(client, org, wave, unit=tree["Adults"].pk, theme="threat", page=2)
    assert shown(again.content.decode(), "Pressure") == pages[1]
    # Not the order of the comments' text either (45 comments; sorted by chance ~ 1e-56).
    assert every != sorted(every)
    page_two = comments_page(client, org, wave, unit=tree["Adults"].pk, theme="threat", page=2)
    text = page_two.content.decode()
    assert '<a href="' in text and 'aria-current="page">2</a>' in text
    assert "Leadership comment" not in text  # one theme only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"theme": "threat", "page": "4"}, "There is no page 4: the pages are 1 to 3."),
        ({"theme": "threat", "page": "0"}, "There is no page 0"),
        ({"theme": "threat", "page": "two"}, "A page number is a whole number"),
        ({"theme": "threat", "page": "-1"}, "A page number is a whole number"),
        ({"theme": "drive", "page": "2"}, "There is no page 2: there is 1 page."),
        ({"theme": "psych_safety"}, "no comment theme of that name"),
        ({"theme": "<script>"}, "no comment theme of that name"),
        ({"page": "2"}, "Choose a theme first"),
    ],
)
def test_a_page_or_theme_that_does_not_exist_is_refused_clearly(
    login_as, facilitator, org, tree, wave, query, message
):
    page = comments_page(login_as(facilitator), org, wave, unit=tree["Adults"].pk, **query)
    assert page.status_code == 404
    text = page.content.decode()
    assert message in text and "Pressure comment" not in text and "<script>" not in text


@pytest.mark.parametrize("unit", ["999999", "abc", ""])
def test_an_unknown_unit_is_refused(login_as, facilitator, org, wave, unit):
    page = comments_page(login_as(facilitator), org, wave, unit=unit)
    assert page.status_code == 404 and "no such unit" in page.content.decode()


def test_a_group_under_ten_shows_no_comment_on_any_theme_or_page(
    login_as, facilitator, org, tree, wave
):
    client = login_as(facilitator)
    for query in ({}, {"theme": "soothing"}, {"theme": "soothing", "page": "1"}):
        page = comments_page(client, org, wave, unit=tree["Recruitment"].pk, **query)
        text = page.content.decode()
        assert page.status_code == 200 and "Recruitment comment" not in text
        assert "Comments are shown only for groups of at least 10 people" in text


def test_the_whole_organisation_includes_every_shown_comment(
    login_as, facilitator, org, tree, wave
):
    page = comments_page(login_as(facilitator), org, wave, theme="soothing").content.decode()
    # 62 people in all: the Recruitment comments count at the whole-organisation level
    # (and Fostering's, 12 people), as the single list did.
    assert "Soothing system (8)" in page and len(shown(page, "Recruitment")) == 8


def test_a_wave_not_closed_has_no_comments_page(login_as, facilitator, org, tree):
    wave = make_wave(org, status=SurveyWave.OPEN)
    page = comments_page(login_as(facilitator), org, wave)
    assert "Pressure comment" not in page.content.decode()
    assert page.status_code == 200 and "results" in page.content.decode().lower()


def test_another_organisations_comments_are_not_found(login_as, make_person, other_org, wave):
    stranger = make_person(other_org, "facilitator")
    page = comments_page(login_as(stranger), other_org, wave)
    assert page.status_code == 404


def test_the_page_costs_the_same_queries_for_few_or_many_comments(
    login_as, facilitator, org, tree, wave
):
    client = login_as(facilitator)
    comments_page(client, org, wave, unit=tree["Adults"].pk)  # the figures stored once
    forget_stored_figures()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        comments_page(client, org, wave, unit=tree["Adults"].pk, theme="threat", page=1)
    Response.objects.bulk_create(
        Response(
            wave=wave,
            unit=tree["Adults"],
            answers=ANSWERS,
            themed_comments={"c_pressure": f"Extra {n}."},
        )
        for n in range(300)
    )
    services.store_wave_figures(None, wave)
    forget_stored_figures()
    with CaptureQueriesContext(connection) as many:
        page = comments_page(client, org, wave, unit=tree["Adults"].pk, theme="threat", page=18)
    assert page.status_code == 200 and "Page 18 of 18" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_answers_to_comment_questions_are_kept_by_question_after_close(org, tree, make_person):
    wave = make_wave(org, status=SurveyWave.OPEN, collection=SurveyWave.LINKS)
    today = dt.date.today()
    wave.opens_on, wave.closes_on = today - dt.timedelta(days=1), today + dt.timedelta(days=9)
    wave.save()
    person = make_person(org, "staff", unit=tree["Adults"])
    invitation = Invitation.objects.create(wave=wave, user=person, unit=tree["Adults"])
    services.save_draft(invitation, {"thr1": 4}, 1)
    services.submit_response(
        invitation,
        {},
        "  Anything else.  ",
        {"c_pressure": " Too many cases. ", "c_support": "   ", "made_up": "Not asked."},
    )
    assert not Response.objects.filter(wave=wave).exists()  # sealed until the close
    services.release_pending_responses(wave)
    response = Response.objects.get(wave=wave)
    assert response.comment == "Anything else."
    # Only questions the instrument asks, without blank answers, trimmed.
    assert response.themed_comments == {"c_pressure": "Too many cases."}


def test_the_instrument_page_lists_the_comment_questions_with_their_themes(
    login_as, facilitator, org
):
    url = reverse("instrument", kwargs={"slug": org.slug, "key": "echo-culture-v1@1"})
    html = login_as(facilitator).get(url).content.decode()
    assert "Comment questions" in html
    assert (
        "What pressures or worries most affect how you do your work? "
        '<span class="meta">(theme: Threat system)</span>'
    ) in html


def test_the_last_page_asks_each_comment_question_and_keeps_the_answers_apart(
    org, tree, make_person, facilitator
):
    from django.core import mail
    from django.test import Client

    from tests.test_diagnostic_collection import emailed_links, new_wave

    person = make_person(org, "staff", unit=tree["Support"])
    wave = new_wave(facilitator, org)
    services.open_wave(facilitator, wave, "http://testserver")
    token = emailed_links()[person.email]
    mail.outbox.clear()
    client = Client()
    client.post(f"/s/{token}/1/", {"thr1": "3", "next": "1"})
    last = 1 + len(INSTRUMENT.items_for("staff")) // 8 + 1
    page = client.get(f"/s/{token}/{last}/").content.decode()
    for question in INSTRUMENT.comments:
        assert f'name="comment_{question.id}"' in page and question.question in page
    # The theme questions come before the closing question.
    assert page.index('name="comment_c_pressure"') < page.index('name="comment"')
    too_long = client.post(f"/s/{token}/{last}/", {"send": "1", "comment_c_goals": "x" * 2001})
    assert too_long.status_code == 200 and "at most 2000 characters" in too_long.content.decode()
    sent = client.post(
        f"/s/{token}/{last}/",
        {"send": "1", "comment_c_goals": "Targets first.", "comment": "Thanks."},
    )
    assert sent.status_code == 302
    services.close_wave(facilitator, wave)
    response = Response.objects.get(wave=wave)
    assert response.themed_comments == {"c_goals": "Targets first."}
    assert response.comment == "Thanks."
