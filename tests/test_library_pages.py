"""Learning from inquiries: the case list and its filters, a case page with its timeline,
the taxonomy with an organisation's own codes, the cross-inquiry view, and their query
budgets. Who may reach each page is in tests/test_authorisation_matrix.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.core.library.shipped import library
from echoorg.library.models import OrganisationCode
from echoorg.library.services import add_organisation_code

CODE_POST = {
    "id": "rota_pressure",
    "family": "structural",
    "name": "Rota pressure",
    "definition": "Rotas drawn so tightly that nobody has time to raise a concern.",
    "use_when": "Staff say they cannot leave the floor to report.",
    "not_when": "Short staffing on one day with cover arranged.",
    "example": "Night staff in our echoorg survey say reporting waits for the morning.",
    "accimap": ["management"],
    "hfacs": ["resource_management", "planned_inappropriate_operations"],
    "turner": ["incubation"],
}


@pytest.fixture
def staff(org, make_person):
    return make_person(org, "staff")


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/o/alpha/library/cases/([a-z0-9-]+)/">', html)


def test_the_library_lists_every_case_for_a_staff_member(login_as, staff):
    response = login_as(staff).get(reverse("library", kwargs={"slug": "alpha"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(_titles(html)) == sorted(c.id for c in library().cases)
    assert "6.7 years from the first recorded warning to decisive action" in html
    assert 'href="/o/alpha/library/"' in html  # the navigation link from the part


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "sector=children",
            {"childrens-placements-market", "child-protection-national-review-2022"},
        ),
        ("mechanism=silencing", {"countess-of-chester"}),
        ("code=status_pursuit", {"mid-staffordshire", "morecambe-bay"}),
        ("sector=health&mechanism=hubris", set()),
        ("sector=justice&mechanism=marketisation", {"transforming-rehabilitation"}),
    ],
)
def test_the_filters_narrow_the_list(login_as, staff, query, expected):
    response = login_as(staff).get(reverse("library", kwargs={"slug": "alpha"}) + "?" + query)
    assert response.status_code == 200
    assert set(_titles(response.content.decode())) == expected


def test_an_unknown_filter_value_is_refused_naming_the_field(login_as, staff):
    response = login_as(staff).get(
        reverse("library", kwargs={"slug": "alpha"}) + "?mechanism=greed&sector=health"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Mechanism: Select a valid choice. greed is not one of the available choices." in html
    assert _titles(html) == []


def test_a_case_page_draws_the_timeline_with_links_and_a_table(login_as, staff):
    response = login_as(staff).get(
        reverse("library_case", kwargs={"slug": "alpha", "case_id": "winterbourne-view"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    case = library().case("winterbourne-view")
    svg = html[
        html.index('<svg class="inquiry-timeline"') : html.index(
            "</svg>", html.index('<svg class="inquiry-timeline"')
        )
    ]
    assert svg.count("<a href=") == len(case.events)
    assert 'href="https://www.cqc.org.uk/news/releases/cqc-publishes-report' in svg
    assert "0.7 years from first warning to decisive action" in svg
    assert "style=" not in html and "<script" not in html
    for event in case.events:
        assert f'id="event-{event.id}"' in html
    assert "Sources differ:" in html
    assert "the library&#x27;s interpretation" in html.lower() or "library's interpretation" in html


def test_a_mark_without_a_public_address_links_to_its_table_row(login_as, staff):
    html = (
        login_as(staff)
        .get(reverse("library_case", kwargs={"slug": "alpha", "case_id": "mid-staffordshire"}))
        .content.decode()
    )
    assert '<a href="#event-pcg_concerns"' in html


def test_the_chester_page_shows_where_things_stand(login_as, staff):
    html = (
        login_as(staff)
        .get(reverse("library_case", kwargs={"slug": "alpha", "case_id": "countess-of-chester"}))
        .content.decode()
    )
    assert "Where things stand" in html
    assert "Criminal Cases Review Commission" in html
    assert "the library&#x27;s sources contain no published" in html
    assert "report of the Thirlwall Inquiry" in html


def test_an_unknown_case_is_not_found(login_as, staff):
    response = login_as(staff).get(
        reverse("library_case", kwargs={"slug": "alpha", "case_id": "no-such-case"})
    )
    assert response.status_code == 404


def test_the_taxonomy_lists_codes_with_crosswalk_and_cases(login_as, staff):
    html = (
        login_as(staff).get(reverse("library_taxonomy", kwargs={"slug": "alpha"})).content.decode()
    )
    for code in library().codebook.codes:
        assert f'id="code-{code.id}"' in html
    assert "Unsafe supervision: failure to correct a known problem" in html
    assert "Add a code for" not in html  # staff may read, not add


def test_the_compare_page_has_every_delay_and_the_matrix(login_as, staff):
    html = (
        login_as(staff).get(reverse("library_compare", kwargs={"slug": "alpha"})).content.decode()
    )
    assert (
        html.index("Infected blood")
        < html.index("Grenfell Tower fire")
        < html.index("Post Office Horizon")
    )  # longest delay first: 36.8, 26.0, 21.8 years
    assert "not measurable" in html  # the placements study records no decisive action
    assert html.count("<td>yes</td>") == sum(len(c.codes) for c in library().cases)


def test_a_facilitator_adds_a_code_with_its_audit_record(login_as, facilitator, org):
    client = login_as(facilitator)
    response = client.post(reverse("library_taxonomy", kwargs={"slug": "alpha"}), CODE_POST)
    assert response.status_code == 302
    added = OrganisationCode.objects.get(organisation=org)
    assert (added.code_id, added.hfacs) == (
        "rota_pressure",
        ["resource_management", "planned_inappropriate_operations"],
    )
    entry = AuditEntry.objects.get(action="library.code_added")
    assert entry.organisation_id == org.pk and entry.detail["code"] == "rota_pressure"
    html = client.get(reverse("library_taxonomy", kwargs={"slug": "alpha"})).content.decode()
    assert 'id="own-rota_pressure"' in html and "Rota pressure" in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id": "Rota Pressure"}, "id", "must be lower-case letters"),
        ({"id": "hubris"}, "id", "is a code of the shipped codebook"),
        ({"hfacs": []}, "hfacs", "This field is required."),
        ({"example": ""}, "example", "This field is required."),
        ({"accimap": ["cosmos"]}, "accimap", "Select a valid choice."),
    ],
)
def test_a_bad_code_is_refused_naming_the_field_and_nothing_is_written(
    login_as, facilitator, change, field, message
):
    response = login_as(facilitator).post(
        reverse("library_taxonomy", kwargs={"slug": "alpha"}), {**CODE_POST, **change}
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(f'<p class="field-error" id="id_{field}-error">([^<]*)</p>', html)
    assert error is not None, f"no error shown at the field {field}"
    assert message in error.group(1)
    assert not OrganisationCode.objects.exists()
    assert not AuditEntry.objects.filter(action="library.code_added").exists()


def test_the_same_code_twice_is_refused_by_the_service(facilitator, org):
    data = {k: v for k, v in CODE_POST.items() if k not in {"accimap", "hfacs", "turner"}}
    data["crosswalk"] = {"accimap": ["management"], "hfacs": ["resource_management"]}
    add_organisation_code(facilitator, org, data)
    with pytest.raises(ValueError, match="already one of your organisation's codes"):
        add_organisation_code(facilitator, org, data)
    assert OrganisationCode.objects.count() == 1
    assert AuditEntry.objects.filter(action="library.code_added").count() == 1


def test_another_organisations_codes_are_not_shown(
    login_as, facilitator, org, other_org, make_person
):
    data = {k: v for k, v in CODE_POST.items() if k not in {"accimap", "hfacs", "turner"}}
    data["crosswalk"] = {"accimap": ["management"], "hfacs": ["resource_management"]}
    add_organisation_code(facilitator, org, data)
    outsider = make_person(other_org, "facilitator")
    html = (
        login_as(outsider)
        .get(reverse("library_taxonomy", kwargs={"slug": "beta"}))
        .content.decode()
    )
    assert "Rota pressure" not in html


@pytest.mark.parametrize(
    ("name", "kwargs", "budget"),
    [
        ("library", {}, 7),
        ("library_case", {"case_id": "countess-of-chester"}, 7),
        ("library_taxonomy", {}, 8),
        ("library_compare", {}, 7),
        ("library_events", {}, 7),
    ],
)
def test_library_pages_keep_to_their_query_budget(
    login_as, facilitator, org, name, kwargs, budget, django_assert_max_num_queries
):
    data = {k: v for k, v in CODE_POST.items() if k not in {"accimap", "hfacs", "turner"}}
    data["crosswalk"] = {"accimap": ["management"], "hfacs": ["resource_management"]}
    for n in range(12):  # the organisation's own codes are the only list read from the database
        add_organisation_code(facilitator, org, {**data, "id": f"code_{n}"})
    client = login_as(facilitator)
    url = reverse(name, kwargs={"slug": "alpha", **kwargs})
    client.get(url)  # warm the parsed library (read once per process)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_a_speak_up_step_leads_to_the_library_events_of_that_step(login_as, staff):
    client = login_as(staff)
    case_html = client.get(
        reverse("library_case", kwargs={"slug": "alpha", "case_id": "countess-of-chester"})
    ).content.decode()
    link = "/o/alpha/library/events/?step=reporter_asked_to_apologise"
    assert f'href="{link}"' in case_html
    html = client.get(link).content.decode()
    assert "1 event</h2>" in html
    assert "/o/alpha/library/cases/countess-of-chester/#event-apology_letter" in html
    html = client.get("/o/alpha/library/events/?step=told_to_stop_raising").content.decode()
    assert "1 event</h2>" in html


def test_events_by_kind_across_cases(login_as, staff):
    html = login_as(staff).get("/o/alpha/library/events/?kind=decisive_action").content.decode()
    expected = sum(1 for c in library().cases for e in c.events if e.kind == "decisive_action")
    assert f"{expected} events</h2>" in html


def test_an_unknown_step_is_refused_naming_the_field(login_as, staff):
    response = login_as(staff).get("/o/alpha/library/events/?step=reporter_sacked")
    assert response.status_code == 400
    assert 'id="id_step-error"' in response.content.decode()


def test_the_taxonomy_shows_what_a_diagnostic_scale_measures(login_as, staff):
    client = login_as(staff)
    html = client.get("/o/alpha/library/taxonomy/?scale=coercive_control").content.decode()
    assert "gives evidence about" in html
    assert '<a href="#code-coercive_control">' in html and '<a href="#code-silencing">' in html
    assert '<a href="?scale=threat">Threat system</a>' in html  # on the silencing code
    response = client.get("/o/alpha/library/taxonomy/?scale=bravado")
    assert response.status_code == 400
    assert 'id="id_scale-error"' in response.content.decode()


def test_the_events_page_lists_nothing_until_a_kind_or_step_is_chosen(login_as, staff):
    html = login_as(staff).get("/o/alpha/library/events/?kind=&step=").content.decode()
    assert "Choose a kind or a step" in html and "events</h2>" not in html
