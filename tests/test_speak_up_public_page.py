"""Issue 10: the public speak-up page could not be found. Every organisation has a page
that says how to speak up (no login), linked from the login page; it names the guardians
and how to reach them once the guardians switch that on (decision 0010), gives the
routes outside the organisation with their sources, and tells nothing about concerns."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.concerns import services
from echoorg.concerns.models import ConcernPolicy
from echoorg.concerns.routes import check_routes, speak_up_routes
from echoorg.orgs.models import Membership

CONTACT = "Ring 01234 000000 (extension 5), or find us in the chapel, Tuesdays 2-4pm."


def ways_url(org) -> str:
    return reverse("speak_up_ways", kwargs={"slug": org.slug})


@pytest.fixture
def guardian(org, make_person):
    person = make_person(org, "guardian")
    # The name the organisation knows its guardian by is the one the page shows.
    Membership.objects.filter(user=person, organisation=org).update(name="Gwen Guardian")
    return person


@pytest.fixture
def published(org, guardian):
    services.change_public_page(guardian, org, public_page=True, public_contact=CONTACT)
    return org


def test_an_anonymous_visitor_finds_the_speak_up_page_from_the_login_page(published, db):
    visitor = Client()
    login = visitor.get(visitor.get("/", follow=True).redirect_chain[-1][0]).content.decode()
    assert reverse("speak_up_index") in login
    index = visitor.get(reverse("speak_up_index")).content.decode()
    assert ways_url(published) in index
    page = visitor.get(ways_url(published))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("speak_up", kwargs={"slug": published.slug}) in text
    assert "Gwen Guardian" in text and "chapel, Tuesdays" in text


def test_the_page_names_the_routes_outside_with_their_sources(org, db):
    text = Client().get(ways_url(org)).content.decode()
    for name in (
        "The police",
        "National Guardian&#x27;s Office",
        "Care Quality Commission",
        "prescribed person",
        "Protect",
    ):
        assert name in text, name
    assert "Public Interest Disclosure (Prescribed Persons) Order 2014" in text
    assert "Source" in text


def test_every_statement_in_the_routes_file_has_a_source_with_publisher_and_date():
    routes = speak_up_routes()
    for route in routes["inside"] + routes["outside"]:
        assert route["sources"], route["name"]
        for source in route["sources"]:
            assert source["title"] and source["publisher"] and source["research"]
            assert "date" in source and "url" in source


def test_the_routes_file_check_names_what_is_wrong():
    problems = check_routes(
        {
            "sources": {"a": {"title": "T", "publisher": "", "date": "", "url": "http://x"}},
            "inside": [{"name": "N", "what": "W", "sources": ["b"]}],
            "outside": [{"name": "", "what": "W", "sources": []}],
        }
    )
    assert "source a: publisher is empty" in problems
    assert "source a: url must start with https://" in problems
    assert "inside 1: unknown source b" in problems
    assert "outside 1: name is empty" in problems
    assert "outside 1: names no source" in problems
    assert check_routes({}) == ["the file has no sources"]


def test_until_switched_on_the_page_names_nobody(org, guardian, db):
    text = Client().get(ways_url(org)).content.decode()
    assert "Gwen Guardian" not in text
    assert "has not published its guardians" in text
    index = Client().get(reverse("speak_up_index")).content.decode()
    assert ways_url(org) not in index and org.name not in index


def test_only_guardians_are_named(published, make_person, db):
    for role in ("facilitator", "board", "leader", "staff"):
        person = make_person(published, role)
        Membership.objects.filter(user=person).update(name=f"Not a guardian ({role})")
    text = Client().get(ways_url(published)).content.decode()
    assert "Gwen Guardian" in text and "Not a guardian" not in text


def test_the_index_lists_only_organisations_that_switched_the_page_on(
    published, other_org, make_person, db
):
    index = Client().get(reverse("speak_up_index")).content.decode()
    assert published.name in index
    assert other_org.name not in index and ways_url(other_org) not in index


def test_an_unknown_organisation_is_not_found(db):
    assert Client().get(reverse("speak_up_ways", kwargs={"slug": "nowhere"})).status_code == 404


def test_the_page_tells_nothing_about_concerns(published, db, django_assert_max_num_queries):
    before = Client().get(ways_url(published)).content.decode()
    for n in range(3):
        services.raise_concern(
            published,
            mode="anonymous",
            category="fraud",
            at_risk=[],
            risk_of_harm=n == 0,
            text=f"Secret concern {n}",
            with_receipt=False,
        )
    with django_assert_max_num_queries(4):
        after = Client().get(ways_url(published)).content.decode()
    assert after == before  # byte for byte: no count, date or reference leaks


def test_the_page_reads_a_fixed_number_of_queries_however_many_people(
    published, make_person, django_assert_max_num_queries
):
    for n in range(30):
        make_person(published, "guardian" if n % 10 == 0 else "staff")
    with django_assert_max_num_queries(4):
        response = Client().get(ways_url(published))
    assert response.status_code == 200
    with django_assert_max_num_queries(2):
        Client().get(reverse("speak_up_index"))


def test_a_guardian_switches_the_page_on_with_contact_details(org, guardian, login_as):
    client = login_as(guardian)
    url = reverse("concern_settings", kwargs={"slug": org.slug})
    response = client.post(
        url, {"action": "public", "public_page": "on", "public_contact": CONTACT}
    )
    assert response.status_code == 302
    policy = ConcernPolicy.objects.get(organisation=org)
    assert policy.public_page and policy.public_contact == CONTACT
    assert AuditEntry.objects.filter(action="concern.public_page_changed").count() == 1


def test_switching_on_without_saying_how_to_reach_the_guardians_is_refused(org, guardian, login_as):
    client = login_as(guardian)
    url = reverse("concern_settings", kwargs={"slug": org.slug})
    response = client.post(url, {"action": "public", "public_page": "on", "public_contact": " "})
    assert response.status_code == 400
    assert "How to reach the guardians: Say how people can reach" in response.content.decode()
    assert not ConcernPolicy.objects.filter(organisation=org, public_page=True).exists()
    assert not AuditEntry.objects.filter(action="concern.public_page_changed").exists()


def test_too_long_contact_text_is_refused_with_the_field_named(org, guardian, login_as):
    client = login_as(guardian)
    url = reverse("concern_settings", kwargs={"slug": org.slug})
    response = client.post(
        url, {"action": "public", "public_page": "on", "public_contact": "x" * 1001}
    )
    assert response.status_code == 400
    assert "How to reach the guardians:" in response.content.decode()
    assert not ConcernPolicy.objects.filter(organisation=org, public_page=True).exists()


def test_the_contact_text_is_shown_as_text_not_markup(org, guardian, db):
    services.change_public_page(
        guardian, org, public_page=True, public_contact="<script>alert(1)</script>"
    )
    text = Client().get(ways_url(org)).content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


def test_the_clocks_page_cites_uk_sources_before_the_eu_directive(org, guardian, login_as):
    text = login_as(guardian).get(reverse("concern_settings", kwargs={"slug": org.slug}))
    page = text.content.decode()
    nhs = page.index("NHS national speaking up policy")
    ngo = page.index("National Guardian")
    eu = page.index("EU Whistleblowing Directive")
    assert nhs < eu and ngo < eu
