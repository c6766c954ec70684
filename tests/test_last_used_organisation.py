"""Someone in several organisations lands, after logging in, in the one they chose last;
the choice is kept with their membership, so it survives the session."""

from __future__ import annotations

import pytest
from django.test import Client

from echoorg.orgs.models import Membership
from tests.conftest import PASSWORD


@pytest.fixture
def two_orgs(org, other_org, facilitator):
    Membership.objects.create(user=facilitator, organisation=other_org, roles=["facilitator"])
    return org, other_org


def log_in(user) -> tuple[Client, str]:
    client = Client()
    response = client.post("/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def test_with_no_choice_yet_the_list_is_shown(two_orgs, facilitator):
    client, landing = log_in(facilitator)
    page = client.get(landing)
    html = page.content.decode()
    assert page.status_code == 200 and "Alpha Council" in html and "Beta Trust" in html
    assert "where echoorg takes you the next time you log in" in html


def test_the_next_login_lands_in_the_organisation_chosen_last(two_orgs, facilitator):
    _, other_org = two_orgs
    client, landing = log_in(facilitator)
    chosen = client.post("/organisations/switch/", {"organisation": other_org.slug})
    assert chosen["Location"] == f"/o/{other_org.slug}/"
    client.post("/logout/")
    # A new browser: nothing is left in any session, the choice is kept with the person.
    fresh, landing = log_in(facilitator)
    assert fresh.get(landing)["Location"] == f"/o/{other_org.slug}/"
    page = fresh.get(f"/o/{other_org.slug}/").content.decode()
    assert f'<option value="{other_org.slug}" selected>' in page


def test_the_latest_choice_wins_and_the_full_list_stays_at_hand(two_orgs, facilitator):
    org, other_org = two_orgs
    client, _ = log_in(facilitator)
    client.post("/organisations/switch/", {"organisation": other_org.slug})
    client.post("/organisations/switch/", {"organisation": org.slug})
    assert client.get("/")["Location"] == f"/o/{org.slug}/"
    listed = client.get("/?choose=1")
    assert listed.status_code == 200 and "Beta Trust" in listed.content.decode()
    assert 'href="/?choose=1"' in client.get(f"/o/{org.slug}/").content.decode()


def test_an_organisation_one_has_left_is_not_a_landing_place(two_orgs, facilitator):
    org, other_org = two_orgs
    client, _ = log_in(facilitator)
    client.post("/organisations/switch/", {"organisation": org.slug})
    client.post("/organisations/switch/", {"organisation": other_org.slug})
    Membership.objects.filter(user=facilitator, organisation=other_org).delete()
    # One organisation left: straight there, as for everyone with one.
    assert client.get("/")["Location"] == f"/o/{org.slug}/"


def test_choosing_an_organisation_one_is_not_in_is_refused_and_not_kept(
    two_orgs, facilitator, make_org
):
    stranger = make_org("gamma", "Gamma Board")
    client, _ = log_in(facilitator)
    assert client.post("/organisations/switch/", {"organisation": stranger.slug}).status_code == 404
    assert client.post("/organisations/switch/", {"organisation": ""}).status_code == 404
    assert not Membership.objects.filter(user=facilitator, last_used__isnull=False).exists()
    assert client.get("/").status_code == 200  # still the list


def test_the_choice_is_per_person(two_orgs, facilitator, make_person):
    org, other_org = two_orgs
    colleague = make_person(org, "facilitator")
    Membership.objects.create(user=colleague, organisation=other_org, roles=["staff"])
    client, _ = log_in(facilitator)
    client.post("/organisations/switch/", {"organisation": other_org.slug})
    theirs, landing = log_in(colleague)
    assert theirs.get(landing).status_code == 200  # they have chosen nothing yet


def test_the_landing_costs_few_queries(two_orgs, facilitator, django_assert_max_num_queries):
    _, other_org = two_orgs
    client, _ = log_in(facilitator)
    client.post("/organisations/switch/", {"organisation": other_org.slug})
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 302
