"""Unit names with NUL, invisible characters or another case of an existing name
(issue 8, finding 19), tried on every door: the unit form, renaming, the CSV import (page
and API), creating through the API, and the names of organisations and people."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from echoorg.accounts.models import ApiToken
from echoorg.orgs.models import Membership, Organisation, Unit

LOOK_ALIKES = [
    "fostering",  # another case
    "FOSTERING",
    "Foster\u200bing",  # zero-width space
    "Fos\u200ctering\u200d",  # zero-width non-joiner and joiner
    "\ufeffFostering",  # byte-order mark
    "Fostering\u2060",  # word joiner
    "\u202eFostering",  # right-to-left override
    "  Fostering  ",
    "\uff26ostering",  # full-width F
]
INVISIBLE_ONLY = ["\u200b", "\u200b\u200d\ufeff", " \u2060 ", "\u202e\u202c"]


@pytest.fixture
def bearer(facilitator):
    _, token = ApiToken.issue(facilitator, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def units_url(org) -> str:
    return reverse("units", kwargs={"slug": org.slug})


def upload(client, org, text: str):
    return client.post(
        reverse("units_import", kwargs={"slug": org.slug}),
        {"file": SimpleUploadedFile("u.csv", text.encode(), "text/csv")},
    )


# -- the unit form -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_the_form_refuses_a_look_alike_of_an_existing_unit(login_as, facilitator, org, tree, name):
    response = login_as(facilitator).post(units_url(org), {"name": name, "kind": "team"})
    assert response.status_code == 200
    assert "There is already a unit called &#x27;Fostering&#x27;" in response.content.decode()
    assert org.units.count() == len(tree)


@pytest.mark.parametrize("name", INVISIBLE_ONLY)
def test_the_form_refuses_a_name_of_invisible_characters_by_field(login_as, facilitator, org, name):
    response = login_as(facilitator).post(units_url(org), {"name": name, "kind": "team"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unit name: " in html  # the error summary names the field
    assert not org.units.exists()


def test_the_form_refuses_nul(login_as, facilitator, org):
    response = login_as(facilitator).post(units_url(org), {"name": "Team\x00A", "kind": "team"})
    assert "Null characters are not allowed" in response.content.decode()
    assert not org.units.exists()


def test_the_form_stores_the_normal_form(login_as, facilitator, org):
    login_as(facilitator).post(units_url(org), {"name": " Kinship\u200b  Care ", "kind": "team"})
    assert list(org.units.values_list("name", flat=True)) == ["Kinship Care"]


def test_renaming_to_a_look_alike_of_another_unit_is_refused(login_as, facilitator, org, tree):
    url = reverse("unit", kwargs={"slug": org.slug, "unit_id": tree["Adults"].pk})
    response = login_as(facilitator).post(url, {"name": "SUPPORT\u200b", "kind": "team"})
    assert "There is already a unit called &#x27;Support&#x27;" in response.content.decode()
    tree["Adults"].refresh_from_db()
    assert tree["Adults"].name == "Adults"


def test_a_unit_may_change_the_case_of_its_own_name(login_as, facilitator, org, tree):
    url = reverse("unit", kwargs={"slug": org.slug, "unit_id": tree["Adults"].pk})
    login_as(facilitator).post(url, {"name": "ADULTS", "kind": "directorate"})
    tree["Adults"].refresh_from_db()
    assert tree["Adults"].name == "ADULTS"


# -- the import --------------------------------------------------------------------------


def test_the_import_refuses_look_alikes_of_existing_units_and_of_each_other(
    login_as, facilitator, org, tree
):
    response = upload(
        login_as(facilitator),
        org,
        "unit,parent\nfoster\u200bing,\nNew team,\nNEW TEAM,\n\u200b,Adults\nSub,\x00\n",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2: unit &#x27;fostering&#x27; already exists." in html
    assert "Row 4: unit &#x27;NEW TEAM&#x27; is a duplicate of row 3." in html
    assert "Row 5: the unit name has only invisible characters." in html
    assert org.units.count() == len(tree)


def test_the_import_finds_a_parent_whatever_its_case(login_as, facilitator, org, tree):
    response = upload(login_as(facilitator), org, "unit,parent\nKinship,FOSTER\u200bING\n")
    assert response.status_code == 302
    assert Unit.objects.get(organisation=org, name="Kinship").parent == tree["Fostering"]


def test_the_import_api_refuses_look_alikes(client, bearer, org, tree):
    response = client.post(
        f"/api/organisations/{org.slug}/units/import",
        {"csv": "unit,parent\nSUPPORT,Fostering\n"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [{"row": 2, "message": "unit 'SUPPORT' already exists."}]


# -- the API -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LOOK_ALIKES, "Fostering\x00"])
def test_the_api_refuses_a_look_alike(client, bearer, org, tree, name):
    response = client.post(
        f"/api/organisations/{org.slug}/units",
        {"name": name},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert "There is already a unit called 'Fostering'" in response.json()["detail"]


@pytest.mark.parametrize("name", [*INVISIBLE_ONLY, "\x00"])
def test_the_api_refuses_a_name_of_invisible_characters(client, bearer, org, name):
    response = client.post(
        f"/api/organisations/{org.slug}/units",
        {"name": name},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert "name with visible letters" in response.json()["detail"]
    assert not org.units.exists()


def test_the_api_stores_the_normal_form_and_finds_parents_whatever_their_case(
    client, bearer, org, tree
):
    response = client.post(
        f"/api/organisations/{org.slug}/units",
        {"name": "Kin\u200bship\x00Care", "parent": "fostering"},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Kinship Care"
    assert response.json()["parent"] == "Fostering"


def test_the_database_refuses_a_look_alike_written_directly(org, tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(organisation=org, name="fOsTeRiNg\u2060")


def test_another_organisation_may_use_the_same_name(other_org, tree):
    Unit.objects.create(organisation=other_org, name="fostering")


# -- organisations and people ------------------------------------------------------------


def test_an_organisation_name_of_invisible_characters_is_refused(login_as, facilitator):
    response = login_as(facilitator).post(
        reverse("organisation_new"), {"name": "\u200b\u2060", "slug": "ghost"}
    )
    assert response.status_code == 200
    assert "Name: Give the organisation a name with visible letters." in (response.content.decode())
    assert not Organisation.objects.filter(slug="ghost").exists()


def test_an_organisation_name_is_stored_in_its_normal_form(login_as, facilitator):
    login_as(facilitator).post(
        reverse("organisation_new"), {"name": " Gamma\u200b  Trust ", "slug": "gamma"}
    )
    assert Organisation.objects.get(slug="gamma").name == "Gamma Trust"


def test_a_persons_name_is_stored_in_its_normal_form(login_as, facilitator, org):
    login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {
            "email": "new@example.org",
            "full_name": "\u202eSam\u200b  Ok\x07afor",
            "roles": ["staff"],
        },
    )
    member = Membership.objects.get(user__email="new@example.org")
    assert member.name == "Sam Ok afor" and member.user.full_name == "Sam Ok afor"


def test_setup_organisation_normalises_names(db):
    call_command(
        "setup_organisation",
        "--name",
        "Delta\u200b Council",
        "--slug",
        "delta",
        "--facilitator",
        "f@delta.example",
        "--facilitator-name",
        "Fa\u200dy",
    )
    org = Organisation.objects.get(slug="delta")
    assert org.name == "Delta Council"
    assert org.memberships.get().name == "Fay"


# -- names that normalising makes longer -------------------------------------------------

LENGTHENING = "\u337f" * 60  # 60 characters typed, 240 once NFKC spells each out


def test_the_form_refuses_a_name_that_normalising_makes_too_long(login_as, facilitator, org):
    response = login_as(facilitator).post(units_url(org), {"name": LENGTHENING, "kind": "team"})
    assert response.status_code == 200
    assert "Use at most 200 letters (this has 240)." in response.content.decode()
    assert not org.units.exists()


def test_the_api_refuses_a_name_that_normalising_makes_too_long(client, bearer, org):
    response = client.post(
        f"/api/organisations/{org.slug}/units",
        {"name": LENGTHENING},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert "longer than 200" in response.json()["detail"]
    member = client.post(
        f"/api/organisations/{org.slug}/memberships",
        {"email": "long@example.org", "full_name": LENGTHENING, "roles": ["staff"]},
        content_type="application/json",
        **bearer,
    )
    assert member.status_code == 422


def test_the_import_refuses_a_name_that_normalising_makes_too_long(login_as, facilitator, org):
    response = upload(login_as(facilitator), org, f"unit,parent\n{LENGTHENING},\n")
    assert "Row 2: names are limited to 200 characters." in response.content.decode()
    assert not org.units.exists()


def test_a_person_name_that_normalising_makes_too_long_is_refused(login_as, facilitator, org):
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": "long@example.org", "full_name": LENGTHENING, "roles": ["staff"]},
    )
    assert "Use at most 200 letters" in response.content.decode()
