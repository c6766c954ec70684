from __future__ import annotations

from django.urls import reverse

from echoorg.accounts.models import User
from echoorg.audit.models import AuditEntry
from echoorg.orgs.models import Membership, Organisation


def test_a_facilitator_adds_a_person_with_roles(login_as, facilitator, org, tree):
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {
            "email": "Sam.Okafor@Example.org",
            "full_name": "Sam Okafor",
            "roles": ["leader", "mentor"],
            "unit": tree["Support"].pk,
        },
    )
    assert response.status_code == 302
    member = Membership.objects.get(user__email="sam.okafor@example.org")
    assert member.roles == ["leader", "mentor"] and member.unit == tree["Support"]
    assert AuditEntry.objects.filter(action="membership.created").exists()


def test_adding_someone_twice_is_refused(login_as, facilitator, org, make_person):
    existing = make_person(org, "staff")
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}), {"email": existing.email, "roles": ["leader"]}
    )
    assert response.status_code == 200
    assert "already a member" in response.content.decode()


def test_a_person_needs_at_least_one_role(login_as, facilitator, org):
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}), {"email": "nobody@example.org", "roles": []}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_staff_of_another_organisation_get_a_separate_membership(
    login_as, facilitator, org, other_org, make_person
):
    # Decision 0007: refusing them told one organisation about another's people.
    elsewhere = make_person(other_org, "staff")
    response = login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": elsewhere.email, "full_name": "Typed Here", "roles": ["staff"]},
    )
    assert response.status_code == 302
    assert elsewhere.memberships.count() == 2
    assert elsewhere.memberships.get(organisation=org).name == "Typed Here"
    assert elsewhere.memberships.get(organisation=other_org).roles == ["staff"]


def test_a_facilitator_changes_roles_and_removes_a_person(login_as, facilitator, org, make_person):
    person = make_person(org, "staff")
    member = person.memberships.get()
    client = login_as(facilitator)
    url = reverse("person", kwargs={"slug": org.slug, "member_id": member.pk})
    assert client.post(url, {"roles": ["staff", "mentor"]}).status_code == 302
    member.refresh_from_db()
    assert member.roles == ["staff", "mentor"]
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert AuditEntry.objects.filter(action="membership.removed").exists()


def test_a_facilitator_cannot_remove_themselves(login_as, facilitator, org):
    member = facilitator.memberships.get()
    url = reverse("person", kwargs={"slug": org.slug, "member_id": member.pk})
    login_as(facilitator).post(url, {"remove": "1"})
    assert Membership.objects.filter(pk=member.pk).exists()


def test_people_can_be_searched_and_filtered_by_role(login_as, facilitator, org, make_person):
    make_person(org, "guardian", email="gwen.guardian@example.org")
    make_person(org, "staff", email="sid.staff@example.org")
    client = login_as(facilitator)
    page = client.get(reverse("people", kwargs={"slug": org.slug}), {"role": "guardian"})
    html = page.content.decode()
    assert "gwen.guardian@example.org" in html and "sid.staff@example.org" not in html
    page = client.get(reverse("people", kwargs={"slug": org.slug}), {"q": "sid"})
    assert "sid.staff@example.org" in page.content.decode()


def test_settings_require_two_factor_for_chosen_roles(login_as, facilitator, org, make_person):
    leader = make_person(org, "leader")
    response = login_as(facilitator).post(
        reverse("org_settings", kwargs={"slug": org.slug}),
        {"require_2fa_roles": ["leader", "guardian"]},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.require_2fa_roles == ["leader", "guardian"]
    gate = login_as(leader).get(reverse("units", kwargs={"slug": org.slug}))
    assert gate["Location"] == "/account/2fa/setup/?required=1"


def test_unknown_roles_in_settings_are_refused(login_as, facilitator, org):
    response = login_as(facilitator).post(
        reverse("org_settings", kwargs={"slug": org.slug}), {"require_2fa_roles": ["emperor"]}
    )
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.require_2fa_roles == []


def test_a_facilitator_sets_up_a_new_organisation(login_as, facilitator):
    client = login_as(facilitator)
    response = client.post(reverse("organisation_new"), {"name": "Gamma Hospice", "slug": "gamma"})
    assert response["Location"] == "/o/gamma/"
    gamma = Organisation.objects.get(slug="gamma")
    assert gamma.memberships.get().roles == ["facilitator"]
    taken = client.post(reverse("organisation_new"), {"name": "Again", "slug": "gamma"})
    assert "That short name is taken" in taken.content.decode()


def test_the_audit_page_shows_only_this_organisations_entries(
    login_as, facilitator, org, other_org, make_person
):
    from echoorg.audit.log import record

    record("unit.created", organisation=org, object_type="orgs.unit", object_id="1", name="Ours")
    record(
        "unit.created",
        organisation=other_org,
        object_type="orgs.unit",
        object_id="2",
        name="Theirs",
    )
    html = login_as(facilitator).get(reverse("audit", kwargs={"slug": org.slug})).content
    assert b"Ours" in html and b"Theirs" not in html
