from __future__ import annotations

import pytest

from echoorg.accounts.models import ApiToken, User
from echoorg.orgs.models import Membership, Unit


@pytest.fixture
def bearer(facilitator):
    _, token = ApiToken.issue(facilitator, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_openapi_document_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations/{slug}/units/import" in schema["paths"]
    assert schema["info"]["title"] == "echoorg API"


def test_no_interactive_docs_page_pulls_from_a_cdn(client):
    assert client.get("/api/docs").status_code == 404


def test_it_needs_a_token_or_a_session(client, org):
    assert client.get("/api/organisations").status_code == 401
    assert (
        client.get("/api/organisations", HTTP_AUTHORIZATION="Bearer echo_wrong").status_code == 401
    )


def test_it_lists_units_with_their_parents(client, bearer, org, tree):
    units = client.get(f"/api/organisations/{org.slug}/units", **bearer).json()
    assert {u["name"]: u["parent"] for u in units}["Recruitment"] == "Fostering"


def test_it_creates_a_unit(client, bearer, org, tree):
    response = client.post(
        f"/api/organisations/{org.slug}/units",
        {"name": "Kinship", "kind": "team", "parent": "Fostering"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 201
    assert response.json()["parent"] == "Fostering"
    assert Unit.objects.get(name="Kinship").parent == tree["Fostering"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "X", "parent": "Nowhere"}, "not a unit of this organisation"),
        ({"name": "X", "kind": "galaxy"}, "kind must be one of"),
        ({"name": "Fostering"}, "There is already a unit called"),
    ],
)
def test_it_refuses_a_bad_unit(client, bearer, org, tree, payload, message):
    response = client.post(
        f"/api/organisations/{org.slug}/units", payload, content_type="application/json", **bearer
    )
    assert response.status_code == 422
    assert message in str(response.json())
    assert Unit.objects.filter(organisation=org).count() == 5


def test_an_import_with_a_cycle_is_refused_with_rows(client, bearer, org, tree):
    response = client.post(
        f"/api/organisations/{org.slug}/units/import",
        {"csv": "unit,parent\nA,B\nB,A\nC,\n"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The import was refused; nothing was written."
    assert [p["row"] for p in body["problems"]] == [2, 3]
    assert Unit.objects.filter(organisation=org).count() == 5


def test_an_import_creates_units(client, bearer, org):
    response = client.post(
        f"/api/organisations/{org.slug}/units/import",
        {"csv": "unit,parent\nTeam,Root\nRoot,\n"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 201 and response.json() == {"created": 2}


def test_it_adds_a_member_with_roles(client, bearer, org, tree):
    response = client.post(
        f"/api/organisations/{org.slug}/memberships",
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "roles": ["leader", "mentor"],
            "unit": "Recruitment",
        },
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 201, response.content
    member = Membership.objects.get(user__email="new.person@example.org")
    assert member.roles == ["leader", "mentor"] and member.unit == tree["Recruitment"]
    listed = client.get(f"/api/organisations/{org.slug}/memberships", **bearer).json()
    assert "new.person@example.org" in [m["email"] for m in listed]


def test_a_refused_member_leaves_no_account_behind(client, bearer, org):
    response = client.post(
        f"/api/organisations/{org.slug}/memberships",
        {"email": "ghost@example.org", "roles": ["wizard"]},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert "Unknown role" in response.json()["detail"]
    assert not User.objects.filter(email="ghost@example.org").exists()


def test_staff_of_another_organisation_get_a_separate_membership(
    client, bearer, org, other_org, make_person
):
    staff_elsewhere = make_person(other_org, "staff")
    response = client.post(
        f"/api/organisations/{org.slug}/memberships",
        {"email": staff_elsewhere.email, "roles": ["staff"]},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 201
    assert response.json()["full_name"] == ""  # not the name the other organisation gave
    assert staff_elsewhere.memberships.count() == 2


def test_a_facilitator_of_one_organisation_cannot_read_anothers(client, bearer, other_org):
    Unit.objects.create(organisation=other_org, name="Secret team")
    for path in ("", "/units", "/memberships"):
        response = client.get(f"/api/organisations/{other_org.slug}{path}", **bearer)
        assert response.status_code == 404
        assert b"Secret" not in response.content
