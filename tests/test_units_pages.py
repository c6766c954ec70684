from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.orgs.models import Unit


def upload(client, org, text: str | bytes, name: str = "units.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("units_import", kwargs={"slug": org.slug}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_it_shows_the_tree(login_as, facilitator, org, tree):
    page = login_as(facilitator).get(reverse("units", kwargs={"slug": org.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Children") < html.index("Fostering") < html.index("Recruitment")


def test_a_facilitator_adds_a_unit_under_a_parent(login_as, facilitator, org, tree):
    client = login_as(facilitator)
    response = client.post(
        reverse("units", kwargs={"slug": org.slug}),
        {"name": "Kinship Care", "kind": "team", "parent": tree["Fostering"].pk},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(organisation=org, name="Kinship Care")
    assert unit.parent == tree["Fostering"]
    assert AuditEntry.objects.filter(action="unit.created", object_id=str(unit.pk)).exists()


def test_it_refuses_a_duplicate_unit_name(login_as, facilitator, org, tree):
    response = login_as(facilitator).post(
        reverse("units", kwargs={"slug": org.slug}), {"name": "Fostering", "kind": "team"}
    )
    assert response.status_code == 200
    assert "There is already a unit called" in response.content.decode()
    assert Unit.objects.filter(organisation=org, name="Fostering").count() == 1


def test_it_refuses_a_parent_from_another_organisation(login_as, facilitator, org, other_org):
    foreign = Unit.objects.create(organisation=other_org, name="Elsewhere")
    response = login_as(facilitator).post(
        reverse("units", kwargs={"slug": org.slug}),
        {"name": "Mine", "kind": "team", "parent": foreign.pk},
    )
    assert response.status_code == 200
    assert not Unit.objects.filter(name="Mine").exists()


def test_moving_a_unit_below_its_own_child_is_refused(login_as, facilitator, org, tree):
    children = tree["Children"]
    response = login_as(facilitator).post(
        reverse("unit", kwargs={"slug": org.slug, "unit_id": children.pk}),
        {"name": "Children", "kind": "directorate", "parent": tree["Recruitment"].pk},
    )
    assert response.status_code == 200
    assert "cannot sit below itself" in response.content.decode()
    children.refresh_from_db()
    assert children.parent is None


def test_an_import_with_a_cycle_is_refused_and_nothing_is_written(login_as, facilitator, org, tree):
    before = list(Unit.objects.order_by("pk").values_list("pk", "name", "parent_id"))
    audit_before = AuditEntry.objects.count()
    response = upload(
        login_as(facilitator),
        org,
        "unit,parent\nNew A,New C\nNew B,New A\nNew C,New B\nFine,Children\n",
    )
    assert response.status_code == 400
    html = response.content.decode()
    for row in (2, 3, 4):
        assert f"Row {row}: cycle of parents" in html
    assert "Row 5" not in html
    assert list(Unit.objects.order_by("pk").values_list("pk", "name", "parent_id")) == before
    assert AuditEntry.objects.count() == audit_before


def test_an_import_names_every_bad_row(login_as, facilitator, org, tree):
    response = upload(
        login_as(facilitator),
        org,
        "unit,parent\nFostering,\nX,Nowhere\nY,Y\n,Adults\nZ,Adults,extra\n",
    )
    html = response.content.decode()
    assert "Row 2: unit &#x27;Fostering&#x27; already exists." in html
    assert "Row 3: parent &#x27;Nowhere&#x27; is not a known unit." in html
    assert "Row 4: unit &#x27;Y&#x27; is its own parent." in html
    assert "Row 5: the unit name is empty." in html
    assert "Row 6: expected 2 columns" in html
    assert not Unit.objects.filter(name__in=["X", "Y", "Z"]).exists()


def test_a_good_import_writes_every_unit_with_one_audit_entry(login_as, facilitator, org, tree):
    response = upload(
        login_as(facilitator),
        org,
        "unit,parent\nDay Services,Adult Care\nAdult Care,Adults\nRespite,Day Services\n",
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="Respite").parent.parent == Unit.objects.get(name="Adult Care")
    entry = AuditEntry.objects.get(action="units.imported")
    assert entry.detail == {"count": 3}


def test_a_file_that_is_not_utf8_is_refused(login_as, facilitator, org):
    response = upload(login_as(facilitator), org, "unit,parent\nCaf\xe9,\n".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Unit.objects.filter(organisation=org).exists()


def test_a_staff_member_sees_units_but_cannot_add_one(login_as, make_person, org, tree):
    staff = make_person(org, "staff")
    client = login_as(staff)
    page = client.get(reverse("units", kwargs={"slug": org.slug}))
    assert page.status_code == 200 and "Add a unit" not in page.content.decode()
    refused = client.post(reverse("units", kwargs={"slug": org.slug}), {"name": "Mine"})
    assert refused.status_code == 403
    assert not Unit.objects.filter(name="Mine").exists()
