"""Query budgets of the speak-up lists (issue 9): the guardian's queue, the statistics,
the quarterly return and the API list make the same number of queries with the demo's
200 cases and with ten times as many; the API list is paged."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from echoorg.accounts.models import ApiToken
from echoorg.concerns.importing import import_cases
from echoorg.concerns.models import Concern, ConcernPolicy
from echoorg.core.concerns.simulate import simulate_cases
from echoorg.orgs.models import Unit

DEMO_CASES = 200


@pytest.fixture
def guardian(org, make_person):
    return make_person(org, "guardian", "board")


def _cases(org, make_person, scale: int) -> None:
    teams = [Unit.objects.create(organisation=org, name=f"Team {n}").name for n in range(8)]
    leaders = [make_person(org, "leader").email for _ in range(4)]
    cases = simulate_cases(teams, leaders, 3, timezone.localdate(), n=DEMO_CASES * scale)
    import_cases(None, org, "cases.json", json.dumps(cases).encode(), source=Concern.IMPORT)


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("concerns", {}),
        ("concern_insights", {}),
        ("concern_insights", {"by": "leader"}),
        ("concern_return", {}),
        ("concern_return", {"format": "csv"}),
    ],
)
def test_speak_up_pages_make_the_same_queries_at_any_size(
    login_as, guardian, org, make_person, scale, page, query, django_assert_max_num_queries
):
    _cases(org, make_person, scale)
    client = login_as(guardian)
    with django_assert_max_num_queries(13):
        response = client.get(reverse(page, kwargs={"slug": org.slug}), query)
    assert response.status_code == 200


@pytest.mark.parametrize("scale", [1, 10])
def test_the_api_list_makes_the_same_queries_at_any_size(
    client, guardian, org, make_person, scale, django_assert_max_num_queries
):
    _cases(org, make_person, scale)
    _, token = ApiToken.issue(guardian, "t")
    with django_assert_max_num_queries(9):
        response = client.get(
            f"/api/organisations/{org.slug}/concerns", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    assert response.status_code == 200
    assert response.json()["count"] == DEMO_CASES * scale
    assert len(response.json()["items"]) == 100


def test_the_api_list_pages_through_every_concern_once(client, guardian, org, make_person):
    _cases(org, make_person, 1)
    _, token = ApiToken.issue(guardian, "t")
    seen = []
    for offset in range(0, DEMO_CASES, 30):
        page = client.get(
            f"/api/organisations/{org.slug}/concerns",
            {"limit": 30, "offset": offset},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        seen += [c["reference"] for c in page.json()["items"]]
    assert sorted(seen) == sorted(Concern.objects.values_list("reference", flat=True))
    assert len(seen) == DEMO_CASES


def test_the_api_list_refuses_a_page_larger_than_the_maximum(client, guardian, org):
    _, token = ApiToken.issue(guardian, "t")
    url = f"/api/organisations/{org.slug}/concerns"
    assert client.get(url, {"limit": 501}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422
    assert client.get(url, {"offset": -1}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422
    schema = client.get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/organisations/{slug}/concerns"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 500


def test_reading_the_lists_creates_no_clock_settings(login_as, client, guardian, org, make_person):
    _cases(org, make_person, 1)
    _, token = ApiToken.issue(guardian, "t")
    client.get(f"/api/organisations/{org.slug}/concerns", HTTP_AUTHORIZATION=f"Bearer {token}")
    browser = login_as(guardian)
    for page in ("concerns", "concern_insights", "concern_return"):
        assert browser.get(reverse(page, kwargs={"slug": org.slug})).status_code == 200
    assert not ConcernPolicy.objects.filter(organisation=org).exists()
