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


def _figures(page: str) -> dict[str, int]:
    """The overview's figures by their label: units, teams, people and each role."""
    import re

    found = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    found |= dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', page))
    return {label: int(n) for label, n in found.items()}


@pytest.mark.django_db
def test_the_overview_counts_units_teams_people_and_each_role(
    org, other_org, facilitator, make_person, tree, login_as
):
    make_person(org, "leader", "staff")
    make_person(org, "guardian", "board")
    make_person(org, "staff")
    make_person(org, "staff", "researcher")
    make_person(other_org, "leader")  # another organisation's member counts nowhere here
    _, page = _queries(login_as(facilitator), org)
    assert _figures(page) == {
        "Units": 5,
        "Teams (units with no units below them)": 3,  # Recruitment, Support, Adults
        "People": 5,
        "Facilitator": 1,
        "Leader": 1,
        "Staff member": 3,
        "Speak-up guardian": 1,
        "Mentor": 0,
        "Researcher": 1,
        "Board member": 1,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "staff"])
def test_the_overview_costs_the_same_queries_at_any_size_for_every_role(
    org, make_person, login_as, role
):
    client = login_as(make_person(org, role))
    _add_members(org, 50, 0)
    small, page = _queries(client, org)
    _add_members(org, 450, 50)
    large, page = _queries(client, org)
    assert large == small <= 20
    figures = _figures(page)
    assert figures["People"] == 501
    # Everyone sees how many people there are; only those who may see members, by role.
    if role == "leader":
        assert figures["Leader"] == 251 and figures["Staff member"] == 500
    else:
        assert "Leader" not in figures
