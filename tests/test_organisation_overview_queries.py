"""The organisation overview costs the same number of queries at any size (issue 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from echoorg.accounts.models import User
from echoorg.orgs.models import Membership


def _add_members(org, count: int, start: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"member{start + n}@example.org", full_name=f"Member {start + n}")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=org, roles=["staff", "leader"][: 1 + n % 2])
        for n, user in enumerate(users)
    )


def _queries(client, org) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.django_db
def test_the_overview_costs_the_same_queries_for_50_and_500_members(org, facilitator, login_as):
    client = login_as(facilitator)
    _add_members(org, 50, 0)
    small, page = _queries(client, org)
    assert "Leader" in page
    _add_members(org, 450, 50)
    large, _ = _queries(client, org)
    assert large == small <= 20
