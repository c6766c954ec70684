"""A facilitator's wave page: how invitations went out (email or printed slips), printed
links with QR codes for staff without email, and closing a wave only after confirming."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from echoorg.audit.models import AuditEntry
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Invitation, SurveyWave, digest
from echoorg.diagnostic.views.links import ONCE_KEYS

LINK = re.compile(r"https?://testserver/s/([A-Za-z0-9_-]+)/")


@pytest.fixture
def staffed(org, tree, make_person):
    """Eight people in Recruitment, three in Support."""
    recruitment = [make_person(org, "staff", unit=tree["Recruitment"]) for _ in range(8)]
    support = [make_person(org, "staff", unit=tree["Support"]) for _ in range(3)]
    return recruitment, support


@pytest.fixture
def wave(org, facilitator, staffed):
    today = timezone.localdate()
    wave = services.create_wave(
        facilitator,
        org,
        title="Spring survey",
        instrument_key="echo-culture-v1@1",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=9),
        min_group=5,
    )
    services.open_wave(facilitator, wave, "http://testserver")
    return wave


def url(name: str, org, wave) -> str:
    return reverse(name, kwargs={"slug": org.slug, "wave_id": wave.pk})


def post_links(client, org, wave, data: dict):
    """Send the print form as a browser would: with the one-time key of a fresh form."""
    client.get(url("wave_links", org, wave))
    once = client.session[ONCE_KEYS][-1]
    return client.post(url("wave_links", org, wave), {**data, "once": once})


def answer(token: str) -> None:
    client = Client()
    client.post(f"/s/{token}/1/", {"thr1": "4", "next": "1"})
    invitation = Invitation.by_token(token)
    services.submit_response(invitation, {}, "")


def emailed_token(person) -> str:
    for message in mail.outbox:
        if message.to == [person.email]:
            found = LINK.search(message.body)
            return found.group(1)
    raise AssertionError(f"no email to {person.email}")


def test_the_slips_are_fresh_single_use_links_without_names(
    login_as, org, tree, wave, staffed, facilitator
):
    recruitment, _ = staffed
    old = emailed_token(recruitment[0])
    answer(emailed_token(recruitment[1]))  # answered: never issued again
    page = post_links(login_as(facilitator), org, wave, {"unit": tree["Recruitment"].pk})
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    tokens = LINK.findall(html)
    assert len(tokens) == len(set(tokens)) == 7
    assert html.count("<svg") == 7 and "QR code of the survey link on this slip" in html
    for person in recruitment:
        assert person.email not in html and person.full_name not in html
    # Every slip works; the emailed link it replaced does not; only hashes are stored.
    assert Client().get(f"/s/{old}/").status_code == 404
    assert all(Client().get(f"/s/{t}/").status_code == 200 for t in tokens)
    stored = set(Invitation.objects.values_list("token_digest", flat=True))
    assert not set(tokens) & stored and {digest(t) for t in tokens} <= stored
    answered = Invitation.objects.get(user=recruitment[1])
    assert answered.completed and answered.delivery == Invitation.EMAIL
    # The audit trail keeps the unit and the count, never who got a slip.
    entry = AuditEntry.objects.get(action="wave.links_printed")
    assert entry.detail == {"unit": "Recruitment", "printed": 7, "replaced_printed": 0}


def test_the_slips_are_not_in_the_order_of_the_invitations(login_as, org, tree, wave, facilitator):
    orders = set()
    for _ in range(4):
        html = post_links(
            login_as(facilitator), org, wave, {"unit": tree["Recruitment"].pk, "replace": "on"}
        )
        tokens = LINK.findall(html.content.decode())
        by_token = {digest(t): i for i, t in enumerate(tokens)}
        invitations = Invitation.objects.filter(unit=tree["Recruitment"]).order_by("pk")
        orders.add(tuple(by_token[i.token_digest] for i in invitations))
    assert len(orders) > 1  # shuffled every time (8! orders; four equal draws ~ 1e-14)


def test_sending_the_form_again_does_not_void_slips_handed_out(
    login_as, org, tree, wave, facilitator
):
    client = login_as(facilitator)
    first = LINK.findall(
        post_links(client, org, wave, {"unit": tree["Support"].pk}).content.decode()
    )
    again = post_links(client, org, wave, {"unit": tree["Support"].pk})
    assert "already has a printed link" in again.content.decode()
    assert not LINK.findall(again.content.decode())
    assert all(Client().get(f"/s/{t}/").status_code == 200 for t in first)
    # Replacing a lost sheet voids the old slips and issues new ones.
    replaced = LINK.findall(
        post_links(
            client, org, wave, {"unit": tree["Support"].pk, "replace": "on"}
        ).content.decode()
    )
    assert len(replaced) == 3
    assert all(Client().get(f"/s/{t}/").status_code == 404 for t in first)


def test_reminders_leave_printed_links_alone(org, tree, wave, staffed, facilitator):
    recruitment, support = staffed
    printed = services.print_links(facilitator, wave, tree["Support"], "http://testserver")
    mail.outbox.clear()
    assert services.send_reminders(facilitator, wave, "http://testserver") == 8
    assert {m.to[0] for m in mail.outbox} == {p.email for p in recruitment}
    tokens = [LINK.search(link).group(1) for link in printed.links]
    assert all(Client().get(f"/s/{t}/").status_code == 200 for t in tokens)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Unit: This field is required."),
        ({"unit": "abc"}, "Unit: Select a valid choice."),
        ({"unit": "999999"}, "Unit: Select a valid choice."),
    ],
)
def test_a_bad_unit_is_refused_and_nothing_is_renewed(
    login_as, org, wave, facilitator, data, message
):
    before = sorted(Invitation.objects.values_list("token_digest", flat=True))
    page = post_links(login_as(facilitator), org, wave, data)
    assert page.status_code == 400 and message in page.content.decode()
    assert sorted(Invitation.objects.values_list("token_digest", flat=True)) == before
    assert not AuditEntry.objects.filter(action="wave.links_printed").exists()


def test_another_organisations_unit_is_refused(
    login_as, org, other_org, wave, facilitator, make_person
):
    from echoorg.orgs.models import Unit

    foreign = Unit.objects.create(organisation=other_org, name="Elsewhere")
    page = post_links(login_as(facilitator), org, wave, {"unit": foreign.pk})
    assert page.status_code == 400 and "Select a valid choice" in page.content.decode()


def test_links_are_printed_only_while_the_wave_is_open(login_as, org, tree, wave, facilitator):
    services.close_wave(facilitator, wave)
    client = login_as(facilitator)
    assert (
        "only be printed while the wave is open"
        in client.get(url("wave_links", org, wave)).content.decode()
    )
    refused = post_links(client, org, wave, {"unit": tree["Recruitment"].pk})
    assert refused.status_code == 409 and not LINK.findall(refused.content.decode())


def test_the_wave_page_says_how_invitations_went_and_where_demo_emails_go(
    login_as, org, tree, wave, facilitator, settings
):
    services.print_links(facilitator, wave, tree["Support"], "http://testserver")
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    html = login_as(facilitator).get(url("wave", org, wave)).content.decode()
    assert "<dt>Links sent by email</dt><dd>8</dd>" in html
    assert "<dt>Links on printed slips</dt><dd>3</dd>" in html
    assert "written to the console of the server" in html
    assert reverse("wave_links", kwargs={"slug": org.slug, "wave_id": wave.pk}) in html
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    html = login_as(facilitator).get(url("wave", org, wave)).content.decode()
    assert "written to the console" not in html


def test_the_links_page_keeps_to_its_query_budget(
    login_as, org, tree, wave, facilitator, django_assert_max_num_queries
):
    client = login_as(facilitator)
    with django_assert_max_num_queries(14):
        assert client.get(url("wave_links", org, wave)).status_code == 200
    data = {"unit": tree["Recruitment"].pk, "once": client.session[ONCE_KEYS][-1]}
    with django_assert_max_num_queries(24):
        page = client.post(url("wave_links", org, wave), data)
        assert len(LINK.findall(page.content.decode())) == 8


def test_a_reload_of_the_sheet_prints_nothing_again(login_as, org, tree, wave, facilitator):
    client = login_as(facilitator)
    client.get(url("wave_links", org, wave))
    data = {"unit": tree["Support"].pk, "replace": "on", "once": client.session[ONCE_KEYS][-1]}
    first = LINK.findall(client.post(url("wave_links", org, wave), data).content.decode())
    assert len(first) == 3
    reloaded = client.post(url("wave_links", org, wave), data)
    assert reloaded.status_code == 409 and "This form was sent already" in (
        reloaded.content.decode()
    )
    assert not LINK.findall(reloaded.content.decode())
    assert all(Client().get(f"/s/{t}/").status_code == 200 for t in first)
    assert AuditEntry.objects.filter(action="wave.links_printed").count() == 1
    # Without the form's key at all: refused the same way.
    assert (
        client.post(url("wave_links", org, wave), {"unit": tree["Support"].pk}).status_code == 409
    )


# --- closing a wave --------------------------------------------------------------------


def test_closing_asks_first_and_says_what_it_means(login_as, org, wave, facilitator):
    client = login_as(facilitator)
    page = client.get(url("wave_close", org, wave))
    html = page.content.decode()
    assert page.status_code == 200 and "Close Spring survey early?" in html
    assert "9 days from now" in html
    assert "No more answers." in html and "The results are released." in html
    assert "cannot be undone" in html.lower()
    wave.refresh_from_db()
    assert wave.status == SurveyWave.OPEN  # asking changed nothing


def test_the_old_close_button_only_leads_to_the_question(login_as, org, wave, facilitator):
    response = login_as(facilitator).post(url("wave", org, wave), {"close": "1"})
    assert response["Location"] == url("wave_close", org, wave)
    wave.refresh_from_db()
    assert wave.status == SurveyWave.OPEN


def test_confirming_closes_the_wave(login_as, org, wave, facilitator):
    client = login_as(facilitator)
    response = client.post(url("wave_close", org, wave), {"close": "1"})
    assert response["Location"] == url("wave", org, wave)
    wave.refresh_from_db()
    assert wave.status == SurveyWave.CLOSED
    assert AuditEntry.objects.filter(action="wave.closed").count() == 1
    # A second confirmation (a reload, a double click) closes nothing twice.
    again = client.post(url("wave_close", org, wave), {"close": "1"}, follow=True)
    assert "Only an open wave can be closed." in again.content.decode()
    assert AuditEntry.objects.filter(action="wave.closed").count() == 1


def test_a_member_without_the_role_cannot_close(login_as, org, wave, staffed):
    recruitment, _ = staffed
    client = login_as(recruitment[0])
    assert client.get(url("wave_close", org, wave)).status_code == 403
    assert client.post(url("wave_close", org, wave)).status_code == 403
    wave.refresh_from_db()
    assert wave.status == SurveyWave.OPEN


def test_someone_whose_team_got_slips_answers_with_a_slip_not_from_their_list(
    login_as, org, tree, wave, staffed, facilitator
):
    _, support = staffed
    printed = services.print_links(facilitator, wave, tree["Support"], "http://testserver")
    client = login_as(support[0])
    listed = client.get(reverse("my_surveys")).content.decode()
    assert "answer with one of them" in listed and "Answer now" not in listed
    invitation = Invitation.objects.get(user=support[0])
    assert client.post(reverse("answer_now", args=[invitation.pk]))["Location"] == reverse(
        "my_surveys"
    )
    # Every slip still works: none was voided by the person's own list.
    tokens = [LINK.search(link).group(1) for link in printed.links]
    assert all(Client().get(f"/s/{t}/").status_code == 200 for t in tokens)
