"""Adding an address tells a facilitator nothing about other organisations (finding 17).

Before, adding someone who belonged to another organisation was refused with "this person
already belongs to another", so any facilitator could test addresses. Now (decision 0007)
every address is added the same way, with a membership of its own and an email; the
answers for an address of another organisation and for a new one are the same, apart
from the address itself.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from echoorg.accounts.models import ApiToken
from echoorg.orgs import services
from echoorg.orgs.models import Membership

ELSEWHERE, NEW = "elsewhere@beta.example", "brand-new@alpha.example"


def _normalised(html: str, address: str) -> str:
    """The page without what legitimately differs: the address, ids and one-time tokens."""
    html = html.replace(address, "ADDRESS")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return re.sub(r"/people/\d+/", "/people/ID/", html)


@pytest.fixture
def elsewhere(other_org, make_person):
    return make_person(other_org, "staff", email=ELSEWHERE)


def _add_on_the_page(client, org, address: str):
    response = client.post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": address, "full_name": "Alex Typed", "roles": ["staff"]},
    )
    page = client.get(response["Location"])
    member = Membership.objects.get(organisation=org, user__email=address)
    return response, page, member


def test_the_people_page_answers_the_same_for_an_address_of_another_organisation(
    login_as, facilitator, org, elsewhere
):
    client = login_as(facilitator)
    first, first_page, first_member = _add_on_the_page(client, org, ELSEWHERE)
    services.remove_member(facilitator, first_member)  # the same list for the second try
    second, second_page, _ = _add_on_the_page(client, org, NEW)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first_page.status_code == second_page.status_code == 200
    assert _normalised(first_page.content.decode(), ELSEWHERE) == _normalised(
        second_page.content.decode(), NEW
    )
    text = first_page.content.decode()
    assert "Alex Typed added. They have been emailed an invitation." in text
    assert "belongs to another" not in text
    # Both were emailed; the facilitator sees neither email.
    assert {m.to[0] for m in mail.outbox} == {ELSEWHERE, NEW}


def test_the_other_organisation_sees_its_member_unchanged(
    login_as, facilitator, org, other_org, elsewhere
):
    _add_on_the_page(login_as(facilitator), org, ELSEWHERE)
    theirs = Membership.objects.get(organisation=other_org, user=elsewhere)
    assert theirs.roles == ["staff"] and theirs.name == elsewhere.full_name
    ours = Membership.objects.get(organisation=org, user=elsewhere)
    assert ours.name == "Alex Typed"  # not the name the other organisation gave
    elsewhere.refresh_from_db()
    assert elsewhere.full_name != "Alex Typed"  # nor is theirs overwritten
    added = next(m for m in mail.outbox if m.to == [ELSEWHERE])
    assert "added you to Alpha Council" in added.body


def test_the_api_answers_the_same_for_an_address_of_another_organisation(
    client, facilitator, org, elsewhere
):
    _, token = ApiToken.issue(facilitator, "t")
    headers = {"Authorization": f"Bearer {token}"}

    def add(address: str):
        return client.post(
            f"/api/organisations/{org.slug}/memberships",
            {"email": address, "full_name": "Alex Typed", "roles": ["staff"]},
            content_type="application/json",
            headers=headers,
        )

    first, second = add(ELSEWHERE), add(NEW)
    assert first.status_code == second.status_code == 201
    a, b = first.json(), second.json()
    for body, address in ((a, ELSEWHERE), (b, NEW)):
        assert body.pop("email") == address
        body.pop("id")
    assert a == b


def test_an_address_already_here_is_still_refused_as_before(
    login_as, facilitator, org, make_person
):
    # Membership of this organisation is this facilitator's business.
    here = make_person(org, "staff")
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}), {"email": here.email, "roles": ["staff"]}
    )
    assert "already a member" in response.content.decode()
