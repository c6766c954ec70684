"""Issue 11: links into the library from the rest of echoorg. A concern's step of a kind
the library's inquiries show (a defensive response such as asking the reporter to
apologise) links to those events; the results page links each scale to the codes it
gives evidence about."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from echoorg.concerns import services
from echoorg.core.concerns.clocks import DEFENSIVE_RESPONSES
from echoorg.core.library.shipped import library
from echoorg.diagnostic.models import Response, SurveyWave
from tests.test_diagnostic_results import YAML, answers


def test_a_defensive_step_the_library_shows_links_to_the_inquiries(login_as, org, make_person):
    guardian = make_person(org, "guardian")
    raised = services.raise_concern(
        org,
        mode="named",
        category="bullying_harassment",
        at_risk=["staff"],
        risk_of_harm=False,
        text="My manager shouts at the team.",
        name="Sam Reporter",
    )
    shown = sorted(library().speak_up_steps & set(DEFENSIVE_RESPONSES))
    missing = sorted(set(DEFENSIVE_RESPONSES) - library().speak_up_steps)
    assert "reporter_asked_to_apologise" in shown
    today = timezone.localdate()
    services.add_event(guardian, raised.concern, type="reporter_asked_to_apologise", date=today)
    if missing:
        services.add_event(guardian, raised.concern, type=missing[0], date=today)
    page = login_as(guardian).get(f"/o/{org.slug}/concerns/case/{raised.concern.reference}/")
    html = page.content.decode()
    link = f"/o/{org.slug}/library/events/?step=reporter_asked_to_apologise"
    assert f'href="{link}"' in html
    if missing:  # a step no inquiry in the library shows gets no link to an empty page
        assert f"?step={missing[0]}" not in html
    events = login_as(guardian).get(link).content.decode()
    assert "countess-of-chester" in events


def test_results_link_each_scale_to_the_taxonomy(login_as, org, tree, make_person):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Autumn",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 9, 30),
        status=SurveyWave.CLOSED,
    )
    for _ in range(6):
        Response.objects.create(wave=wave, unit=tree["Adults"], answers=answers(3))
    client = login_as(make_person(org, "leader"))
    html = client.get(f"/o/{org.slug}/surveys/{wave.pk}/results/").content.decode()
    for scale in ("threat", "speaking_up", "coercive_control", "hubris_staff"):
        assert f'/o/{org.slug}/library/taxonomy/?scale={scale}"' in html
    taxonomy = client.get(f"/o/{org.slug}/library/taxonomy/?scale=coercive_control")
    assert taxonomy.status_code == 200
