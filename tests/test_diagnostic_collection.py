"""A wave collects its answers through echoorg's links or by import, never both (issue 8,
finding 1): the padding attacks, through the doors a leader or facilitator has.

Counts are checked after the wave closes, where results are published, so the tests hold
whether responses are written at once or held and written in batches.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from echoorg.accounts.models import ApiToken
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Invitation, Response, SurveyWave
from echoorg.diagnostic.results import wave_results
from echoorg.orgs import services as org_services

FAKES = [
    {"respondent": f"fake-{n}", "unit": "Support", "answers": {"thr1": 1, "thr2": 1}}
    for n in range(4)
]
FAKE_CSV = b"respondent,unit,thr1,thr2\n" + b"".join(
    f"fake-{n},Support,1,1\n".encode() for n in range(4)
)


@pytest.fixture
def support_team(org, tree, make_person):
    """Five staff in Support (the minimum group is five) and a leader above them."""
    staff = [make_person(org, "staff", unit=tree["Support"]) for _ in range(5)]
    leader = make_person(org, "leader", unit=tree["Fostering"])
    return staff, leader


def new_wave(facilitator, org, collection: str = SurveyWave.LINKS) -> SurveyWave:
    today = timezone.localdate()
    return services.create_wave(
        facilitator,
        org,
        title=f"Wave ({collection})",
        instrument_key="echo-culture-v1@1",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=20),
        min_group=5,
        collection=collection,
    )


def emailed_links() -> dict[str, str]:
    return {m.to[0]: re.search(r"/s/([A-Za-z0-9_-]+)/", m.body).group(1) for m in mail.outbox}


def answer_by_link(token: str, level: int = 2) -> Client:
    client = Client()
    client.post(f"/s/{token}/1/", {"thr1": str(level), "thr2": str(level), "next": "1"})
    wave = Invitation.by_token(token).wave
    last = 1 + len(list(wave.instrument.items_for("staff"))) // 8 + 1
    client.post(f"/s/{token}/{last}/", {"send": "1", "comment": "Only me here."})
    return client


def bearer_for(user) -> dict[str, str]:
    _, token = ApiToken.issue(user, "padding")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def support_result(wave: SurveyWave, tree):
    return next(r for r in wave_results(wave) if r.unit.pk == tree["Support"].pk)


def test_padding_a_links_wave_through_the_api_and_the_import_page_is_refused(
    org, tree, support_team, facilitator, login_as, client
):
    staff, leader = support_team
    wave = new_wave(facilitator, org)
    services.open_wave(facilitator, wave, "http://testserver")
    answer_by_link(emailed_links()[staff[0].email])  # one real person answers

    # The leader pads through the API ...
    url = f"/api/organisations/{org.slug}/waves/{wave.pk}/responses"
    refused = client.post(
        url, {"responses": FAKES}, content_type="application/json", **bearer_for(leader)
    )
    assert refused.status_code == 409
    assert "collects its answers through echoorg's own links" in refused.json()["detail"]
    # ... and through the file endpoint of the API ...
    file_url = f"/api/organisations/{org.slug}/waves/{wave.pk}/imports"
    by_file = client.post(
        file_url, {"file": SimpleUploadedFile("fake.csv", FAKE_CSV)}, **bearer_for(leader)
    )
    assert by_file.status_code == 409
    # ... and the facilitator through the import page, which is not even offered.
    browser = login_as(facilitator)
    page_url = reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})
    offered = browser.get(page_url)
    assert offered.status_code == 409 and b'type="file"' not in offered.content
    assert b"takes no imported responses" in offered.content
    posted = browser.post(page_url, {"file": SimpleUploadedFile("fake.csv", FAKE_CSV)})
    assert posted.status_code == 409 and b"takes no imported responses" in posted.content
    wave_page = browser.get(reverse("wave", kwargs={"slug": org.slug, "wave_id": wave.pk}))
    assert b"Import responses from another survey tool" not in wave_page.content

    services.close_wave(facilitator, wave)
    assert Response.objects.filter(wave=wave).count() == 1
    assert not Response.objects.filter(wave=wave, source__in=["import", "api"]).exists()
    assert not support_result(wave, tree).shown  # one real respondent stays hidden
    published = client.get(
        f"/api/organisations/{org.slug}/waves/{wave.pk}/results", **bearer_for(leader)
    ).json()
    support = next(u for u in published if u["unit"] == "Support")
    assert support["suppressed"] and support["n"] is None


def test_an_import_wave_sends_no_links_and_echoorgs_links_do_not_work(
    org, tree, support_team, facilitator
):
    staff, _ = support_team
    wave = new_wave(facilitator, org, SurveyWave.IMPORT)
    assert services.open_wave(facilitator, wave, "http://testserver") == 0
    assert not mail.outbox and not Invitation.objects.filter(wave=wave).exists()
    with pytest.raises(ValidationError, match="by import"):
        services.send_reminders(facilitator, wave, "http://testserver")
    # An invitation that exists anyway (a wave migrated to import mode) takes no answers.
    invitation = Invitation(wave=wave, user=staff[0], unit=tree["Support"])
    token = invitation.new_token()
    invitation.save()
    page = Client().get(f"/s/{token}/")
    assert page.status_code == 404 and b"This link does not work" in page.content
    answer_by_link(token)
    with pytest.raises(ValidationError):
        services.submit_response(invitation, {}, "")
    services.close_wave(facilitator, wave)
    assert not Response.objects.filter(wave=wave).exists()


def test_an_import_wave_takes_imports_through_the_page_and_the_api(
    org, tree, support_team, facilitator, login_as, client
):
    wave = new_wave(facilitator, org, SurveyWave.IMPORT)
    browser = login_as(facilitator)
    page_url = reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})
    assert b'type="file"' in browser.get(page_url).content
    assert (
        browser.post(page_url, {"file": SimpleUploadedFile("a.csv", FAKE_CSV)}).status_code == 302
    )
    url = f"/api/organisations/{org.slug}/waves/{wave.pk}/responses"
    body = {"responses": [{"respondent": "x", "unit": "Support", "answers": {"thr1": 3}}]}
    assert (
        client.post(
            url, body, content_type="application/json", **bearer_for(facilitator)
        ).status_code
        == 201
    )
    assert Response.objects.filter(wave=wave).count() == 5


def test_a_second_invitation_for_the_same_person_in_a_wave_is_refused(
    org, tree, support_team, facilitator, login_as
):
    staff, _ = support_team
    wave = new_wave(facilitator, org)
    sent = services.open_wave(facilitator, wave, "http://testserver")
    assert sent == Invitation.objects.filter(wave=wave).count() == 6
    # Opening again (a second click, or a replayed form) invites nobody twice.
    page = login_as(facilitator).post(
        reverse("wave", kwargs={"slug": org.slug, "wave_id": wave.pk}), {"open": "1"}, follow=True
    )
    assert b"opened already" in page.content
    assert Invitation.objects.filter(wave=wave).count() == 6
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            wave=wave, user=staff[0], unit=tree["Support"], token_digest="second"
        )


def test_one_person_cannot_answer_twice_with_a_reissued_link(
    org, tree, support_team, facilitator, login_as
):
    staff, _ = support_team
    wave = new_wave(facilitator, org)
    services.open_wave(facilitator, wave, "http://testserver")
    answer_by_link(emailed_links()[staff[0].email])
    mail.outbox.clear()
    # A reminder re-issues links only to those who have not answered ...
    services.send_reminders(facilitator, wave, "http://testserver")
    assert staff[0].email not in emailed_links()
    # ... and 'answer now' from inside echoorg gives no fresh link after answering.
    invitation = Invitation.objects.get(wave=wave, user=staff[0])
    again = login_as(staff[0]).post(reverse("answer_now", kwargs={"invitation_id": invitation.pk}))
    assert again["Location"] == reverse("my_surveys")
    with pytest.raises(ValidationError, match="used already"):
        services.submit_response(invitation, {}, "")
    services.close_wave(facilitator, wave)
    assert Response.objects.filter(wave=wave).count() == 1


def test_moving_a_person_mid_wave_does_not_move_their_answer(org, tree, support_team, facilitator):
    staff, _ = support_team
    wave = new_wave(facilitator, org)
    services.open_wave(facilitator, wave, "http://testserver")
    token = emailed_links()[staff[0].email]
    member = staff[0].memberships.get()
    org_services.change_member(facilitator, member, member.roles, tree["Adults"])
    answer_by_link(token)
    services.close_wave(facilitator, wave)
    assert list(Response.objects.filter(wave=wave).values_list("unit__name", flat=True)) == [
        "Support"
    ]


def test_the_minimum_group_and_the_collection_cannot_change_after_set_up(
    org, facilitator, login_as
):
    wave = new_wave(facilitator, org)
    stored = SurveyWave.objects.get(pk=wave.pk)
    stored.min_group = 3
    with pytest.raises(ValidationError, match="min group"):
        stored.save()
    stored = SurveyWave.objects.get(pk=wave.pk)
    stored.collection = SurveyWave.IMPORT
    with pytest.raises(ValidationError, match="collection"):
        stored.save(update_fields=["collection"])
    # The wave page's form has no door to either.
    login_as(facilitator).post(
        reverse("wave", kwargs={"slug": org.slug, "wave_id": wave.pk}),
        {"open": "1", "min_group": "3", "collection": "import"},
    )
    stored = SurveyWave.objects.get(pk=wave.pk)
    assert (stored.min_group, stored.collection) == (5, SurveyWave.LINKS)
    assert stored.status == SurveyWave.OPEN  # ordinary saves still work


def test_the_api_sets_up_a_wave_with_its_collection_and_shows_it(org, tree, facilitator, client):
    url = f"/api/organisations/{org.slug}/waves"
    body = {
        "title": "By import",
        "instrument": "echo-culture-v1@1",
        "opens_on": "2027-01-04",
        "closes_on": "2027-01-29",
        "collection": "import",
        "units": ["Support"],
    }
    made = client.post(url, body, content_type="application/json", **bearer_for(facilitator))
    assert made.status_code == 201 and made.json()["collection"] == "import"
    wave = SurveyWave.objects.get(pk=made.json()["id"])
    assert wave.uses_import and list(wave.units.all()) == [tree["Support"]]
    listed = client.get(url, **bearer_for(facilitator)).json()
    assert [w["collection"] for w in listed] == ["import"]
    for change, status in (
        ({"collection": "both"}, 422),
        ({"units": ["Nowhere"]}, 422),
        ({"min_group": 2}, 422),
        ({"instrument": "nothing@1"}, 422),
    ):
        refused = client.post(
            url, {**body, **change}, content_type="application/json", **bearer_for(facilitator)
        )
        assert refused.status_code == status, change
    assert SurveyWave.objects.count() == 1


def test_the_new_wave_form_sets_an_import_wave_and_its_page_says_so(org, facilitator, login_as):
    browser = login_as(facilitator)
    form = browser.get(reverse("wave_new", kwargs={"slug": org.slug})).content.decode()
    assert 'name="collection"' in form and "How answers are collected" in form
    made = browser.post(
        reverse("wave_new", kwargs={"slug": org.slug}),
        {
            "title": "Imported",
            "instrument": "echo-culture-v1@1",
            "opens_on": "2027-01-04",
            "closes_on": "2027-01-29",
            "min_group": 5,
            "collection": "import",
        },
    )
    wave = SurveyWave.objects.get(title="Imported")
    assert wave.uses_import
    page = browser.get(made["Location"]).content.decode()
    assert "By import from another tool" in page and "echoorg sends no links" in page
    listing = browser.get(reverse("waves", kwargs={"slug": org.slug})).content.decode()
    assert '<th scope="col">Answers by</th>' in listing and "<td>Import</td>" in listing


def test_existing_waves_get_their_mode_from_what_they_hold(org, tree, facilitator):
    from importlib import import_module

    migration = import_module(
        "echoorg.diagnostic.migrations.0003_wave_collection_mode_and_response_imports"
    )
    collected, imported, mixed = (new_wave(facilitator, org) for _ in range(3))
    Response.objects.create(wave=collected, unit=tree["Support"], answers={"thr1": 1})
    Response.objects.create(wave=imported, unit=tree["Support"], answers={"thr1": 1}, source="api")
    Response.objects.create(wave=mixed, unit=tree["Support"], answers={"thr1": 1})
    Response.objects.create(wave=mixed, unit=tree["Support"], answers={"thr1": 1}, source="import")
    migration.set_collection_from_contents(django_apps, None)
    modes = dict(SurveyWave.objects.values_list("pk", "collection"))
    assert modes == {collected.pk: "links", imported.pk: "import", mixed.pk: "import"}


def test_accounts_added_between_set_up_and_opening_are_counted_in_the_audit_trail(
    org, tree, support_team, facilitator, make_person
):
    from echoorg.audit.models import AuditEntry

    wave = new_wave(facilitator, org)
    for _ in range(4):  # made-up people, with addresses the facilitator controls
        make_person(org, "staff", unit=tree["Support"])
    services.open_wave(facilitator, wave, "http://testserver")
    entry = AuditEntry.objects.get(action="wave.opened")
    assert entry.detail["invited"] == 10 and entry.detail["joined_since_set_up"] == 4


def test_imported_rows_are_stored_in_a_random_order_not_the_files(
    org, tree, support_team, facilitator, client
):
    """The other tool's row order (often the order of answering) must not survive in the
    table's storage order (SQLite's rowid, PostgreSQL's ctid)."""
    from django.db import connection

    wave = new_wave(facilitator, org, SurveyWave.IMPORT)
    url = f"/api/organisations/{org.slug}/waves/{wave.pk}/responses"

    # Three answers (1 to 5 each) number each row in base 5.
    def numbered(i: int) -> dict[str, int]:
        return {"thr1": i // 25 + 1, "thr2": i // 5 % 5 + 1, "thr3": i % 5 + 1}

    body = {
        "responses": [
            {"respondent": f"p{i:02d}", "unit": "Support", "answers": numbered(i)}
            for i in range(40)
        ]
    }
    assert (
        client.post(
            url, body, content_type="application/json", **bearer_for(facilitator)
        ).status_code
        == 201
    )
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    ordered = Response.objects.raw(
        f"SELECT * FROM {Response._meta.db_table} WHERE wave_id = %s ORDER BY {physical}", [wave.pk]
    )
    stored = [
        (r.answers["thr1"] - 1) * 25 + (r.answers["thr2"] - 1) * 5 + r.answers["thr3"] - 1
        for r in ordered
    ]
    assert sorted(stored) == list(range(40))
    assert stored != sorted(stored)  # 1 chance in 40! of a false failure
