"""Query budgets for the pages changed for issue 8 (people, person, overview): the same
number of queries at demo size and at ten times demo size."""

from __future__ import annotations

import pytest
from django.urls import reverse

from echoorg.orgs.models import RoleRequest


def _populate(org, make_person, facilitator, people: int, requests: int) -> None:
    members = [make_person(org, "staff").memberships.get() for _ in range(people)]
    for member in members[:requests]:
        RoleRequest.objects.create(organisation=org, member=member, requested_by=facilitator)


@pytest.mark.parametrize("scale", [1, 10])
def test_people_page_queries_do_not_grow(
    login_as, facilitator, org, make_person, scale, django_assert_max_num_queries
):
    _populate(org, make_person, facilitator, 6 * scale, 2 * scale)
    client = login_as(facilitator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("people", kwargs={"slug": org.slug})).status_code == 200


@pytest.mark.parametrize("scale", [1, 10])
def test_overview_with_guardian_requests_queries_do_not_grow(
    login_as, facilitator, org, make_person, scale, django_assert_max_num_queries
):
    board = make_person(org, "board")
    _populate(org, make_person, facilitator, 6 * scale, 3 * scale)
    client = login_as(board)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("organisation", kwargs={"slug": org.slug}))
    assert page.content.decode().count("asked on") == 3 * scale


@pytest.mark.parametrize("scale", [1, 10])
def test_person_page_queries_do_not_grow(
    login_as, facilitator, org, make_person, scale, django_assert_max_num_queries
):
    board = make_person(org, "board")
    _populate(org, make_person, facilitator, 6 * scale, 1)
    member = RoleRequest.objects.get().member
    client = login_as(board)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("person", kwargs={"slug": org.slug, "member_id": member.pk}))
    assert "Confirm: make them a speak-up guardian" in page.content.decode()
