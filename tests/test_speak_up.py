"""Speak up: raising concerns, receipts, encryption at rest, handling and statistics."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from echoorg.audit.models import AuditEntry
from echoorg.concerns import services
from echoorg.concerns.models import Attachment, CaseEvent, Concern, Message
from echoorg.core import proof_of_work

SECRET_TEXT = "The night nurse on Ward 7 keeps altering the medicine chart"


def solved(client: Client, url: str) -> dict[str, str]:
    """The proof of work a browser would send: the page's challenge and a solution."""
    page = client.get(url).content.decode()
    found = re.search(r'name="pow_challenge" value="([^"]+)" data-bits="(\d+)"', page)
    token, bits = found.group(1), int(found.group(2))
    data = {"pow_challenge": token, "pow_nonce": proof_of_work.solve(token, bits)}
    # The raise form's one-time key (post/redirect/get), issued with the page.
    key = re.search(r'name="submission" value="([^"]+)"', page)
    if key:
        data["submission"] = key.group(1)
    return data


def report(client: Client, org, **extra):
    url = reverse("speak_up", kwargs={"slug": org.slug})
    data = {
        "mode": "anonymous",
        "category": "patient_safety",
        "at_risk": ["patients"],
        "risk_now": "yes",
        "text": SECRET_TEXT,
        **solved(client, url),
        **extra,
    }
    # The browser follows the redirect to the page that shows the receipt once.
    return client.post(url, data, follow=True)


def follow_up(client: Client, org, code: str, **extra):
    url = reverse("speak_up_follow_up", kwargs={"slug": org.slug})
    return client.post(url, {"code": code, **solved(client, url), **extra})


def receipt_from(response) -> str:
    return re.search(r'<p class="code">([\d ]+)</p>', response.content.decode()).group(1)


def test_anyone_can_raise_an_anonymous_concern_and_gets_a_receipt_once(org, db):
    response = report(
        Client(HTTP_USER_AGENT="Sneaky/1.0", REMOTE_ADDR="203.0.113.9"),
        org,
        attachments=[SimpleUploadedFile("note.txt", b"evidence", "text/plain")],
    )
    assert response.status_code == 200
    code = receipt_from(response)
    assert len(code.replace(" ", "")) == 16
    assert "no-store" in response["Cache-Control"]
    concern = Concern.objects.get()
    assert concern.mode == "anonymous" and concern.reporter is None
    assert concern.reporter_name == "" and concern.risk_of_harm
    assert concern.receipt_hash and code.replace(" ", "") not in concern.receipt_hash
    assert concern.events.get().type == "received"
    assert Attachment.objects.get().content() == b"evidence"
    entry = AuditEntry.objects.get(action="concern.received")
    assert entry.actor is None


def test_nothing_is_stored_in_plain_text_or_with_an_address(org, db, tmp_path):
    response = report(
        Client(HTTP_USER_AGENT="Sneaky/1.0", REMOTE_ADDR="203.0.113.9"),
        org,
        attachments=[SimpleUploadedFile("n.txt", b"secret attachment words", "text/plain")],
    )
    code = receipt_from(response)
    concern = Concern.objects.get()
    services.send_message(concern, "Reply about the medicine chart", from_reporter=True)
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                dumped.append(
                    " ".join(
                        bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v)
                        for v in row
                    )
                )
    everything = "\n".join(dumped)
    for secret in (
        SECRET_TEXT,
        "medicine chart",
        "secret attachment words",
        "203.0.113.9",
        "Sneaky/1.0",
        code.replace(" ", ""),
        code,
    ):
        assert secret not in everything, secret


def test_a_receipt_opens_the_case_and_the_reporter_can_write_back(org, db):
    code = receipt_from(report(Client(), org))
    concern = Concern.objects.get()
    guardian_reply = services.send_message(
        concern, "Thank you, we are looking into it.", from_reporter=False
    )
    reporter = Client()
    opened = follow_up(reporter, org, code.replace(" ", "-"))
    assert opened["Location"] == reverse("speak_up_case", kwargs={"slug": org.slug})
    page = reporter.get(opened["Location"]).content.decode()
    assert guardian_reply.body in page and concern.reference in page
    reporter.post(opened["Location"], {"message": "1", "body": "It happened again today."})
    assert Message.objects.filter(from_reporter=True).get().body == "It happened again today."
    assert Message.objects.filter(from_reporter=True).get().author is None


def test_a_wrong_receipt_is_refused(org, db):
    wrong = follow_up(Client(), org, "1234 5678 9012 3456")
    assert wrong.status_code == 400 and "does not match" in wrong.content.decode()


def test_a_case_from_another_organisation_cannot_be_opened_with_a_receipt(org, other_org, db):
    code = receipt_from(report(Client(), org))
    response = follow_up(Client(), other_org, code)
    assert response.status_code == 400


def test_a_named_concern_from_a_logged_in_member_is_followed_in_the_app(login_as, org, make_person):
    person = make_person(org, "staff")
    client = login_as(person)
    response = report(client, org, mode="confidential", risk_now="no")
    assert "Your concerns" in response.content.decode()
    assert 'class="code"' not in response.content.decode()
    concern = Concern.objects.get()
    assert concern.reporter == person and concern.reporter_name == person.display_name
    mine = client.get(reverse("my_concerns")).content.decode()
    assert concern.reference in mine
    assert (
        client.get(
            reverse("my_concern", kwargs={"slug": org.slug, "reference": concern.reference})
        ).status_code
        == 200
    )
    other = make_person(org, "staff")
    assert (
        login_as(other)
        .get(reverse("my_concern", kwargs={"slug": org.slug, "reference": concern.reference}))
        .status_code
        == 404
    )


def test_anonymous_means_anonymous_even_when_logged_in(login_as, org, make_person):
    person = make_person(org, "staff")
    report(login_as(person), org, mode="anonymous", name="Should Vanish")
    concern = Concern.objects.get()
    assert concern.reporter is None and concern.reporter_name == ""
    assert AuditEntry.objects.get(action="concern.received").actor is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": ""}, "This field is required"),
        ({"mode": "confidential"}, "Give your name, or choose anonymous"),
        ({"category": "gossip"}, "Select a valid choice"),
        (
            {
                "attachments": [
                    SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03", "application/x-msdownload")
                ]
            },
            "not a type echoorg accepts",
        ),
    ],
)
def test_a_bad_report_is_refused_and_nothing_is_kept(org, db, change, message):
    response = report(Client(), org, **change)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Concern.objects.exists()


def test_attachments_over_the_size_limit_are_refused(org, db, settings):
    settings.ECHOORG_ATTACHMENT_MAX_BYTES = 10
    response = report(
        Client(), org, attachments=[SimpleUploadedFile("big.txt", b"x" * 11, "text/plain")]
    )
    assert "larger than" in response.content.decode()
    assert not Concern.objects.exists()


# --- the guardian ------------------------------------------------------------------------


@pytest.fixture
def guardian(org, make_person):
    return make_person(org, "guardian")


@pytest.fixture
def concern(org, db):
    raised = services.raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text=SECRET_TEXT,
        received_on=timezone.localdate() - dt.timedelta(days=10),
    )
    return raised.concern


def case_url(org, concern) -> str:
    return reverse("concern", kwargs={"slug": org.slug, "reference": concern.reference})


def test_opening_a_case_does_not_acknowledge_it(login_as, guardian, org, concern):
    page = login_as(guardian).get(case_url(org, concern))
    assert SECRET_TEXT in page.content.decode()
    assert not concern.events.filter(type="acknowledged").exists()
    assert '<svg class="timeline"' in page.content.decode()
    assert AuditEntry.objects.filter(action="concern.viewed", actor=guardian).exists()


def test_the_guardian_records_steps_with_who_and_when(login_as, guardian, org, concern):
    client = login_as(guardian)
    today = timezone.localdate()
    client.post(
        case_url(org, concern),
        {"action": "event", "type": "acknowledged", "date": today, "note": "Called the reporter"},
    )
    client.post(
        case_url(org, concern),
        {
            "action": "event",
            "type": "assessed",
            "date": today,
            "harm_risk": "high",
            "detriment_risk": "low",
        },
    )
    client.post(
        case_url(org, concern),
        {"action": "event", "type": "external_referral", "date": today, "to": "police"},
    )
    events = list(concern.events.order_by("pk").values_list("type", "actor", "detail"))
    assert [e[0] for e in events] == ["received", "acknowledged", "assessed", "external_referral"]
    assert events[1][1] == guardian.pk and events[3][2] == {"to": "police"}
    assert CaseEvent.objects.get(type="acknowledged").note == "Called the reporter"
    analysis = services.analysis(concern)
    assert analysis["days_to_acknowledge"] == 10 and analysis["days_to_protection"] == 10
    assert analysis["breaches"] == ["acknowledge_late", "protection_late"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "external_referral"}, "Say who the concern was referred to"),
        ({"type": "concluded"}, "Choose the outcome"),
        ({"type": "assessed", "harm_risk": "high"}, "Choose a level of risk"),
        ({"type": "acknowledged", "date": "2001-01-01"}, "cannot come before"),
        ({"type": "acknowledged", "date": "2999-01-01"}, "cannot be dated in the future"),
        ({"type": "received"}, "Select a valid choice"),
    ],
)
def test_bad_steps_are_refused(login_as, guardian, org, concern, data, message):
    post = {"action": "event", "date": timezone.localdate(), **data}
    response = login_as(guardian).post(case_url(org, concern), post)
    assert response.status_code == 400 and message in response.content.decode()
    assert concern.events.count() == 1


def test_the_queue_puts_the_nearest_clock_first(login_as, guardian, org, concern):
    later = services.raise_concern(
        org,
        mode="named",
        category="other",
        at_risk=[],
        risk_of_harm=False,
        text="Later",
        name="A Person",
    )
    html = login_as(guardian).get(reverse("concerns", kwargs={"slug": org.slug})).content.decode()
    assert html.index(concern.reference) < html.index(later.concern.reference)
    assert "overdue" in html


def test_other_organisations_cases_stay_closed(login_as, org, other_org, make_person, concern):
    outsider = make_person(other_org, "guardian")
    client = login_as(outsider)
    assert client.get(case_url(org, concern)).status_code == 404
    from echoorg.accounts.models import ApiToken

    _, token = ApiToken.issue(outsider, "t")
    api = Client().get(
        f"/api/organisations/{org.slug}/concerns/{concern.reference}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 404 and SECRET_TEXT.encode() not in api.content


def test_leaders_see_statistics_but_never_a_case(login_as, org, make_person, concern):
    leader = make_person(org, "leader")
    client = login_as(leader)
    assert client.get(case_url(org, concern)).status_code == 403
    stats = client.get(reverse("concern_insights", kwargs={"slug": org.slug}))
    assert stats.status_code == 200 and SECRET_TEXT not in stats.content.decode()
    assert "Too few concerns to show" in stats.content.decode()


def test_the_reporter_can_report_detriment_and_answer_the_last_question(org, db):
    code = receipt_from(report(Client(), org))
    concern = Concern.objects.get()
    services.add_event(
        None,
        concern,
        type="concluded",
        date=timezone.localdate(),
        detail={"outcome": "substantiated"},
    )
    reporter = Client()
    follow_up(reporter, org, code)
    url = reverse("speak_up_case", kwargs={"slug": org.slug})
    assert "would you speak up again" in reporter.get(url).content.decode()
    reporter.post(url, {"speak_again": "1", "would_speak_up_again": "no"})
    reporter.post(url, {"detriment": "1"})
    concern.refresh_from_db()
    assert concern.would_speak_up_again == "no"
    assert concern.events.filter(type="detriment_reported", actor=None).exists()


# --- statistics, return, import, keys ----------------------------------------------------


@pytest.fixture
def many(org, tree, make_person):
    leader = make_person(org, "leader", email="lead@alpha.example")
    today = timezone.localdate()
    for n in range(18):
        unit = tree["Recruitment"] if n < 9 else tree["Support"] if n < 15 else tree["Adults"]
        raised = services.raise_concern(
            org,
            mode="anonymous" if n % 3 else "named",
            category="bullying_harassment",
            at_risk=[],
            risk_of_harm=False,
            text=f"Case {n}",
            unit=unit,
            received_on=today - dt.timedelta(days=40),
            name="X",
        )
        raised.concern.responsible_leader = leader
        raised.concern.save()
        services.add_event(
            None, raised.concern, type="acknowledged", date=today - dt.timedelta(days=38)
        )
        if n < 9:  # every Recruitment reporter was asked to apologise
            services.add_event(
                None,
                raised.concern,
                type="reporter_asked_to_apologise",
                date=today - dt.timedelta(days=20),
            )
    return leader


def test_statistics_hide_small_groups_and_what_would_reveal_them(org, many):
    from echoorg.concerns.insights import insights

    found = insights(org, by="unit")
    rows = {g["group"]: g for g in found["groups"]}
    assert rows["Recruitment"]["cases"] == 9
    assert rows["Recruitment"]["median_days_to_acknowledge"] == 2
    assert rows["Adults"]["suppressed"]  # 3 cases
    # Support (6) is hidden too: the organisation's 18 minus the shown groups would
    # otherwise give Adults' 3.
    assert rows["Support"]["suppressed"] and rows["Support"]["suppression"] == "complementary"
    assert found["overall"]["cases"] == 18
    assert rows["Recruitment"]["defensive_responses"]["reporter_asked_to_apologise"] == 9
    assert found["overall"]["defensive_responses"]["reporter_asked_to_apologise"] == 9


def test_the_quarterly_return_counts_by_category_and_downloads(login_as, org, many, make_person):
    guardian = make_person(org, "guardian")
    today = timezone.localdate()
    year, quarter = (
        (today.year, (today.month - 4) // 3 + 1) if today.month >= 4 else (today.year - 1, 4)
    )
    quarter_of_cases = today - dt.timedelta(days=40)
    if quarter_of_cases.month in (1, 2, 3):
        year, quarter = quarter_of_cases.year - 1, 4
    else:
        year, quarter = quarter_of_cases.year, (quarter_of_cases.month - 4) // 3 + 1
    url = reverse("concern_return", kwargs={"slug": org.slug})
    page = login_as(guardian).get(url, {"year": year, "quarter": quarter}).content.decode()
    assert "Bullying or harassment" in page and ">18<" in page
    csv_text = (
        login_as(guardian)
        .get(url, {"year": year, "quarter": quarter, "format": "csv"})
        .content.decode()
    )
    assert csv_text.splitlines()[0] == "period,measure,label,value"
    assert ",bullying_harassment,Bullying or harassment,18" in csv_text
    board = make_person(org, "board")
    hidden = login_as(board).get(url, {"year": year, "quarter": quarter}).content.decode()
    assert "hidden" in hidden


def test_earlier_cases_import_from_csv_and_a_bad_row_refuses_the_file(
    login_as, org, tree, make_person
):
    guardian = make_person(org, "guardian")
    client = login_as(guardian)
    url = reverse("concern_import", kwargs={"slug": org.slug})
    header = "case,type,date,risk_of_harm,category,mode,unit,leader,to,outcome,note\n"
    bad = (
        header + "A1,received,2025-01-02,true,patient_safety,named,Recruitment,,,,\n"
        "A1,shouted_at,2025-01-03,,,,,,,,\n"
        "A2,received,2025-02-30,,other,,,,,,\n"
    )
    response = client.post(url, {"file": SimpleUploadedFile("h.csv", bad.encode())})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: &#x27;shouted_at&#x27; is not an event type" in html
    assert "Row 4: the date &#x27;2025-02-30&#x27; is not YYYY-MM-DD" in html
    assert not Concern.objects.exists()
    good = (
        header + "A1,received,2025-01-02,true,patient_safety,named,Recruitment,,,,\n"
        "A1,external_referral,2025-01-10,,,,,,police,,Referred\n"
    )
    assert client.post(url, {"file": SimpleUploadedFile("h.csv", good.encode())}).status_code == 302
    imported = Concern.objects.get()
    assert imported.reference == "H-A1" and imported.unit == tree["Recruitment"]
    assert services.analysis(imported)["breaches"][-1] == "protection_late"


def test_earlier_cases_import_from_json_through_the_api(org, make_person, client):
    from echoorg.accounts.models import ApiToken

    guardian = make_person(org, "guardian")
    _, token = ApiToken.issue(guardian, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/organisations/{org.slug}/concerns-import"
    refused = client.post(
        url,
        [{"id": 1, "events": [{"type": "acknowledged", "date": "2025-01-01"}]}],
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    assert "received" in " ".join(refused.json()["problems"])
    created = client.post(
        url,
        [
            {
                "id": 1,
                "risk_of_harm": False,
                "events": [
                    {"type": "received", "date": "2025-01-01"},
                    {"type": "acknowledged", "date": "2025-01-03"},
                ],
            }
        ],
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201 and created.json() == {"created": 1}


def test_keys_rotate_and_old_texts_still_read(org, db, settings, capsys):
    from echoorg.common.crypto import vault
    from echoorg.core.crypto import new_key

    raised = services.raise_concern(
        org,
        mode="named",
        category="other",
        at_risk=[],
        risk_of_harm=False,
        text=SECRET_TEXT,
        name="Ann Example",
    )
    old = bytes(Concern.objects.get().text_encrypted)
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key(), *settings.ECHOORG_ENCRYPTION_KEYS]
    call_command("concerns", "rotate-key")
    assert "Re-encrypted" in capsys.readouterr().out
    concern = Concern.objects.get(pk=raised.concern.pk)
    assert bytes(concern.text_encrypted) != old
    settings.ECHOORG_ENCRYPTION_KEYS = settings.ECHOORG_ENCRYPTION_KEYS[:1]
    assert concern.text == SECRET_TEXT and concern.reporter_name == "Ann Example"
    assert vault()  # the new key alone reads everything


def test_the_daily_alert_names_overdue_cases_without_their_content(org, concern, guardian):
    from django.core import mail

    from echoorg.concerns.alerts import send_overdue_alerts

    assert send_overdue_alerts() == 1
    body = mail.outbox[0].body
    assert concern.reference in body and SECRET_TEXT not in body
    assert mail.outbox[0].to == [guardian.email]


def test_a_confidential_reporter_is_not_named_in_the_audit_trail(login_as, org, make_person):
    person = make_person(org, "staff")
    report(login_as(person), org, mode="confidential", risk_now="no")
    assert AuditEntry.objects.get(action="concern.received").actor is None
    report(login_as(person), org, mode="named", risk_now="no")
    assert AuditEntry.objects.filter(action="concern.received", actor=person).count() == 1


def test_following_up_while_logged_in_is_refused(login_as, org, make_person):
    code = receipt_from(report(Client(), org))
    person = make_person(org, "staff")
    client = login_as(person)
    page = client.post(reverse("speak_up_follow_up", kwargs={"slug": org.slug}), {"code": code})
    assert "log out, or open this page in a private browser window" in page.content.decode()
    assert "echo_speakup_case" not in client.session


def test_cases_before_1978_are_refused_clearly(org, make_person, client):
    from echoorg.accounts.models import ApiToken

    guardian = make_person(org, "guardian")
    _, token = ApiToken.issue(guardian, "t")
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [{"id": 7, "events": [{"type": "received", "date": "1975-06-01"}]}],
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert "before 1978" in " ".join(response.json()["problems"])
