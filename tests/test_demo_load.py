"""The demo (`echoorg demo`): loaded once for this module (tests/conftest.py, `demo_data`);
every test starts from it as loaded, whatever the tests before it wrote."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from echoorg.accounts.models import User
from echoorg.audit.log import verify
from echoorg.orgs.demo import DEMO_PASSWORD
from echoorg.orgs.models import Membership, Organisation, Unit


def test_the_demo_loads_once_and_a_second_run_changes_nothing(demo_data, capsys):
    first = demo_data
    counts = (
        Organisation.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo")
    second = capsys.readouterr().out
    assert "Loaded" in first and "Already loaded" in second
    assert (
        Organisation.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert DEMO_PASSWORD in first and DEMO_PASSWORD in second
    assert verify().ok


def test_the_demo_council_has_the_promised_size(demo_data):
    council = Organisation.objects.get(slug="northmoor")
    kinds = {k: council.units.filter(kind=k).count() for k in ("directorate", "team")}
    assert kinds["directorate"] >= 3 and kinds["team"] >= 25
    assert council.memberships.count() >= 600
    roles = {r for m in council.memberships.all() for r in m.roles}
    assert roles == {"facilitator", "leader", "staff", "guardian", "mentor", "researcher", "board"}


def test_every_printed_demo_login_works(demo_data):
    out = demo_data
    emails = [line.split()[0] for line in out.splitlines() if "@" in line and ".example" in line]
    assert len(emails) >= 7
    for email in emails:
        client = Client()
        response = client.post("/login/", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/").status_code in (200, 302)


def test_ordinary_demo_staff_cannot_log_in(demo_data):
    ordinary = (
        User.objects.exclude(email__endswith="@eastbrook.example")
        .exclude(
            email__in=[
                f"{r}@northmoor.example"
                for r in (
                    "facilitator",
                    "leader",
                    "staff",
                    "guardian",
                    "mentor",
                    "researcher",
                    "board",
                )
            ]
        )
        .first()
    )
    assert not ordinary.has_usable_password()


def test_the_demo_facilitator_can_switch_organisation(demo_data):
    client = Client()
    client.post("/login/", {"email": "facilitator@northmoor.example", "password": DEMO_PASSWORD})
    home = client.get("/")
    assert home.status_code == 200 and b"Eastbrook" in home.content
    switched = client.post("/organisations/switch/", {"organisation": "eastbrook"})
    assert switched["Location"] == "/o/eastbrook/"
    page = client.get("/o/eastbrook/units/")
    assert b"District Nursing North" in page.content
    assert b'<option value="eastbrook" selected>' in page.content


def test_the_demo_has_two_closed_waves_with_varied_climates_and_an_open_one(demo_data):
    from echoorg.diagnostic.models import SurveyWave
    from echoorg.diagnostic.results import wave_results

    council = Organisation.objects.get(slug="northmoor")
    closed = list(SurveyWave.objects.filter(organisation=council, status="closed"))
    assert len(closed) == 2
    assert SurveyWave.objects.filter(organisation=council, status="open").count() == 1
    results = wave_results(closed[0])
    patterns = {r.profile.pattern for r in results if r.profile}
    assert "threat-dominant" in patterns and "balanced" in patterns
    assert any(not r.shown for r in results)  # some teams are too small to show
    call_command("demo", "--quiet")
    assert SurveyWave.objects.filter(organisation=council).count() == 3


def test_the_demo_has_about_200_cases_and_a_labelled_fictional_composite(demo_data):
    from echoorg.concerns import services
    from echoorg.concerns.models import Concern

    council = Organisation.objects.get(slug="northmoor")
    cases = Concern.objects.filter(organisation=council)
    assert 180 <= cases.count() <= 230
    composite = cases.get(title__icontains="fictional composite")
    analysis = services.analysis(composite)
    assert analysis["breaches"] == ["acknowledge_late", "feedback_late", "protection_late"]
    assert "reporter_asked_to_apologise" in analysis["defensive_responses"]
    assert composite.events.filter(type="external_referral", detail__to="police").exists()
    assert "fictional" in composite.text.lower()
    call_command("demo", "--quiet")
    assert Concern.objects.filter(organisation=council).count() == cases.count()


def test_the_demo_refuses_a_scale_below_one(db):
    before = Organisation.objects.count()  # the module's demo may be loaded already
    with pytest.raises(CommandError, match="--scale must be at least 1"):
        call_command("demo", "--quiet", "--scale", "0")
    assert Organisation.objects.count() == before
