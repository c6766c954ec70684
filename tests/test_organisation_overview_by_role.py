"""Issue 10, landing pages: each role's overview says what echoorg is for them and what to
do next, with blocks the parts contribute (echoorg.common.parts.overview_panels)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from echoorg.concerns import services as concern_services
from echoorg.diagnostic import services as survey_services
from echoorg.diagnostic.models import Response, SurveyWave
from tests.test_diagnostic_results import YAML, answers


def _page(client, org) -> str:
    reply = client.get(f"/o/{org.slug}/")
    assert reply.status_code == 200
    return reply.content.decode()


@pytest.fixture
def closed_wave(org, tree):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Autumn culture survey",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 9, 30),
        status=SurveyWave.CLOSED,
    )
    for n in range(12):
        Response.objects.create(
            wave=wave, unit=tree["Recruitment" if n % 2 else "Adults"], answers=answers(4)
        )
    return wave


def test_a_leader_sees_the_three_systems_of_the_latest_closed_wave(
    login_as, org, make_person, closed_wave
):
    older = SurveyWave.objects.create(
        organisation=org,
        title="Spring survey",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 3, 31),
        status=SurveyWave.CLOSED,
    )
    page = _page(login_as(make_person(org, "leader")), org)
    assert "As a leader" in page and "The three systems in the latest survey" in page
    assert "Autumn culture survey" in page and older.title not in page
    assert "12 people answered" in page and "<svg" in page
    assert f"/o/{org.slug}/surveys/{closed_wave.pk}/results/" in page
    # A leader runs waves too, but sees no guardian's queue.
    assert "Surveys in progress" in page and "Concerns waiting for you" not in page


def test_too_few_answers_are_not_drawn(login_as, org, make_person, tree):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Small survey",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 3, 31),
        status=SurveyWave.CLOSED,
    )
    for _ in range(3):
        Response.objects.create(wave=wave, unit=tree["Adults"], answers=answers(2))
    page = _page(login_as(make_person(org, "board")), org)
    assert "too few people answered" in page and "<svg" not in page
    assert "3 people answered" not in page


def test_before_any_wave_closes_the_board_is_told_what_will_appear(login_as, org, make_person):
    page = _page(login_as(make_person(org, "board")), org)
    assert "As a board member" in page and "No survey has closed yet" in page
    assert "speak-up statistics" in page and "quarterly return" in page


def test_a_facilitator_sees_the_waves_in_progress_with_response_rates(
    login_as, org, tree, make_person, facilitator
):
    for _ in range(4):
        make_person(org, "staff", unit=tree["Recruitment"])
    today = timezone.localdate()
    wave = survey_services.create_wave(
        facilitator,
        org,
        title="Pulse",
        instrument_key="echo-culture-v1@1",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=9),
        min_group=5,
    )
    invited = survey_services.open_wave(facilitator, wave, "http://testserver")
    draft = survey_services.create_wave(
        facilitator,
        org,
        title="Next year",
        instrument_key="echo-culture-v1@1",
        opens_on=today + dt.timedelta(days=100),
        closes_on=today + dt.timedelta(days=120),
        min_group=5,
    )
    page = _page(login_as(facilitator), org)
    assert "As facilitator" in page and "Surveys in progress" in page
    assert f"0 of {invited}" in page and "0%" in page
    assert draft.title in page and "Not yet invited" in page


def test_staff_are_shown_the_survey_waiting_for_them_and_how_to_speak_up(
    login_as, org, tree, make_person, facilitator
):
    person = make_person(org, "staff", unit=tree["Recruitment"])
    today = timezone.localdate()
    wave = survey_services.create_wave(
        facilitator,
        org,
        title="Pulse",
        instrument_key="echo-culture-v1@1",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=9),
        min_group=5,
    )
    survey_services.open_wave(facilitator, wave, "http://testserver")
    client = login_as(person)
    page = _page(client, org)
    assert "As a member of staff" in page and "A survey is waiting for you" in page
    assert f"/speak-up/{org.slug}/" in page
    # Staff see neither results nor other people's waves.
    assert "three systems in the latest survey" not in page and "Surveys in progress" not in page
    invitation = person.survey_invitations.get()
    answer = client.post(f"/surveys/{invitation.pk}/answer/")
    assert answer.status_code == 302 and answer["Location"].startswith("/s/")


def test_a_guardian_sees_the_open_concerns_with_the_nearest_clocks(login_as, org, make_person):
    guardian = make_person(org, "guardian")
    raised = concern_services.raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text="Medicines are left unlocked on the ward at night.",
    )
    page = _page(login_as(guardian), org)
    assert "As a speak-up guardian" in page and "Concerns waiting for you" in page
    assert raised.concern.reference in page and "Risk of harm" in page
    assert "1 open concern" in page
    assert "Medicines are left unlocked" not in page  # references and clocks only


def test_a_mentor_is_told_plainly_what_is_available_today(login_as, org, make_person):
    page = _page(login_as(make_person(org, "mentor")), org)
    assert "mentoring is not yet part of echoorg" in page
    assert "Concerns waiting for you" not in page and "Surveys in progress" not in page


def test_the_overview_does_not_show_another_organisations_figures(
    login_as, org, other_org, make_person, closed_wave
):
    page = _page(login_as(make_person(other_org, "leader")), other_org)
    assert closed_wave.title not in page and "No survey has closed yet" in page
