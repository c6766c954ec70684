"""Attacks on the public speak-up forms (issue 8, findings 3, 4, 9 and 18), each made
through the pages a stranger would use.

3: a session row must never hold a speak-up case beside an account;
4: wrong receipt codes must not lock genuine reporters out, and guessing stays costly;
9: the raise-a-concern form must not accept unlimited concerns and files;
18: attachments are typed by their bytes, not by the browser's claim.
"""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.concerns import protection, services
from echoorg.concerns.models import Attachment, CaseEvent, Concern, Message
from echoorg.concerns.report_views import SESSION_KEY, WRONG_CODE
from echoorg.core import proof_of_work

from .conftest import PASSWORD
from .test_speak_up import follow_up, receipt_from, report, solved

HTML = b"<!doctype html><script>fetch('/o/alpha/concerns/')</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def follow_up_url(org) -> str:
    return reverse("speak_up_follow_up", kwargs={"slug": org.slug})


def case_url(org) -> str:
    return reverse("speak_up_case", kwargs={"slug": org.slug})


def session_rows() -> dict[str, dict]:
    return {s.session_key: s.get_decoded() for s in Session.objects.all()}


def page_bits(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    return int(re.search(r'name="pow_challenge" value="[^"]+" data-bits="(\d+)"', page).group(1))


@pytest.fixture
def receipt(org) -> str:
    return receipt_from(report(Client(), org))


# 3. Sessions -----------------------------------------------------------------------------


def test_logging_in_after_following_up_starts_a_session_without_the_case(org, make_person, receipt):
    person = make_person(org, "staff")
    browser = Client()
    assert follow_up(browser, org, receipt)["Location"] == case_url(org)
    reporter_key = browser.cookies["sessionid"].value
    assert session_rows()[reporter_key][SESSION_KEY]["case"] == Concern.objects.get().pk

    logged_in = browser.post(reverse("login"), {"email": person.email, "password": PASSWORD})
    assert logged_in.status_code == 302
    account_key = browser.cookies["sessionid"].value
    assert account_key != reporter_key
    rows = session_rows()
    assert reporter_key not in rows  # the reporter's row is gone, not renamed
    assert rows[account_key]["_auth_user_id"] == str(person.pk)
    for data in rows.values():
        assert not any(key.startswith("echo_speakup") for key in data), data
    assert browser.get(case_url(org))["Location"] == follow_up_url(org)


def test_logging_in_with_two_factor_keeps_no_case_at_either_step(
    org, make_person, receipt, monkeypatch
):
    from echoorg.accounts import twofactor

    person = make_person(org, "guardian")
    person.totp_enabled = True
    person.save(update_fields=["totp_enabled"])
    browser = Client()
    follow_up(browser, org, receipt)
    reporter_key = browser.cookies["sessionid"].value
    browser.post(reverse("login"), {"email": person.email, "password": PASSWORD})
    pending_key = browser.cookies["sessionid"].value
    assert pending_key != reporter_key
    assert SESSION_KEY not in session_rows()[pending_key]
    monkeypatch.setattr(twofactor, "check_code", lambda user, code, secret=None: True)
    assert browser.post(reverse("login_2fa"), {"code": "123456"}).status_code == 302
    rows = session_rows()
    assert browser.cookies["sessionid"].value not in (reporter_key, pending_key)
    assert all(SESSION_KEY not in data for data in rows.values())


def test_logging_out_empties_the_session(org, make_person):
    person = make_person(org, "staff")
    browser = Client()
    browser.post(reverse("login"), {"email": person.email, "password": PASSWORD})
    before = browser.cookies["sessionid"].value
    browser.post(reverse("logout"))
    assert before not in session_rows()
    assert all("_auth_user_id" not in data for data in session_rows().values())


def test_the_follow_up_cookie_ends_with_the_browser(org, receipt):
    browser = Client()
    follow_up(browser, org, receipt)
    cookie = browser.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    page = browser.get(case_url(org))
    assert page.status_code == 200
    assert "sessionid" not in page.cookies or page.cookies["sessionid"]["max-age"] == ""


def test_an_idle_follow_up_asks_for_the_receipt_again(org, receipt, settings):
    settings.ECHOORG_SPEAKUP_IDLE_SECONDS = 900
    browser = Client()
    follow_up(browser, org, receipt)

    def idle_for(seconds: int) -> None:
        session = browser.session
        held = session[SESSION_KEY]
        held["seen"] = int(time.time()) - seconds
        session[SESSION_KEY] = held
        session.save()

    idle_for(840)
    assert browser.get(case_url(org)).status_code == 200  # still in use: renewed
    idle_for(901)
    gone = browser.get(case_url(org), follow=True)
    assert gone.redirect_chain[-1][0] == follow_up_url(org)
    assert "Enter your receipt code again" in gone.content.decode()
    assert all(SESSION_KEY not in data for data in session_rows().values())
    assert browser.get(case_url(org))["Location"] == follow_up_url(org)
    assert follow_up(browser, org, receipt)["Location"] == case_url(org)


def test_leaving_the_case_empties_the_session(org, receipt):
    browser = Client()
    follow_up(browser, org, receipt)
    key = browser.cookies["sessionid"].value
    browser.post(case_url(org), {"leave": "1"})
    assert key not in session_rows()
    assert all(SESSION_KEY not in data for data in session_rows().values())


# 4. Guessing receipt codes ---------------------------------------------------------------


def wrong_codes(count: int) -> list[str]:
    """A mix of well-formed wrong codes and malformed ones, as an attacker sends them."""
    malformed = ["1", "abcd efgh ijkl mnop", "1" * 17, "9" * 15, "x" * 500, "١٢٣٤" * 4]
    return [
        malformed[(n // 3) % len(malformed)] if n % 3 == 0 else f"{n:016d}" for n in range(count)
    ]


@pytest.mark.parametrize("attempts", [20, 200])
def test_wrong_codes_never_lock_a_genuine_reporter_out(org, other_org, receipt, attempts, settings):
    settings.ECHOORG_POW_FAILURES_PER_BIT = 20
    attacker = Client()
    for code in wrong_codes(attempts):
        response = follow_up(attacker, org, code)
        assert response.status_code == 400
        assert WRONG_CODE in response.content.decode()
    # The guessing made the form dearer for this organisation only, within the ceiling.
    expected = min(settings.ECHOORG_POW_MAX_BITS, settings.ECHOORG_POW_BITS + attempts // 20)
    assert page_bits(Client(), follow_up_url(org)) == expected > settings.ECHOORG_POW_BITS
    assert page_bits(Client(), follow_up_url(other_org)) == settings.ECHOORG_POW_BITS
    # (That nothing about the failures is written to the database is checked by
    # test_a_wrong_code_writes_nothing_and_the_pages_keep_a_query_budget.)

    reporter = Client()
    opened = follow_up(reporter, org, receipt)
    assert opened.status_code == 302 and opened["Location"] == case_url(org)
    assert reporter.get(case_url(org)).status_code == 200


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every receipt code the server hashes with Argon2 (the expensive step)."""
    seen: list[str] = []
    real = services.hash_receipt

    def counting(code: str) -> str:
        seen.append(code)
        return real(code)

    monkeypatch.setattr(services, "hash_receipt", counting)
    return seen


def test_a_follow_up_without_a_valid_solution_is_refused_before_hashing(
    org, receipt, hashes, settings
):
    url = follow_up_url(org)
    browser = Client()

    def refused(data: dict, message: str) -> None:
        response = browser.post(url, {"code": receipt, **data})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert SESSION_KEY not in browser.session

    refused({}, "Turn on JavaScript")
    fresh = solved(browser, url)
    refused({"pow_challenge": fresh["pow_challenge"]}, "Turn on JavaScript")
    token = fresh["pow_challenge"]
    bits = int(token.split(".")[3])
    unsolved = next(
        str(n)
        for n in range(100_000)
        if proof_of_work.leading_zero_bits(proof_of_work.work(token, str(n))) < bits
    )
    refused({"pow_challenge": token, "pow_nonce": unsolved}, "did not pass")
    eased = token.split(".")
    eased[3] = "0"
    refused({"pow_challenge": ".".join(eased), "pow_nonce": "1"}, "did not pass")
    refused(solved(browser, reverse("speak_up", kwargs={"slug": org.slug})), "did not pass")
    settings.ECHOORG_POW_CHALLENGE_SECONDS = -1
    refused(solved(browser, url), "had expired")
    assert hashes == []

    settings.ECHOORG_POW_CHALLENGE_SECONDS = 600
    used = solved(browser, url)
    assert browser.post(url, {"code": receipt, **used}).status_code == 302
    again = Client()
    response = again.post(url, {"code": receipt, **used})
    assert response.status_code == 400 and "did not pass" in response.content.decode()
    assert len(hashes) == 1


def test_a_challenge_issued_before_the_difficulty_rose_must_be_redone(org, receipt, settings):
    settings.ECHOORG_POW_FAILURES_PER_BIT = 1
    url = follow_up_url(org)
    reporter = Client()
    stale = solved(reporter, url)
    follow_up(Client(), org, "0000 0000 0000 0001")
    response = reporter.post(url, {"code": receipt, **stale})
    assert response.status_code == 400 and "became stronger" in response.content.decode()
    assert follow_up(reporter, org, receipt)["Location"] == case_url(org)


def test_malformed_codes_are_refused_with_the_same_message_without_hashing(org, hashes):
    for code in ("12", "abcd", "1" * 17, "1" * 15, "x" * 70, "1234-5678-9012-345a"):
        response = follow_up(Client(), org, code)
        assert response.status_code == 400
        assert WRONG_CODE in response.content.decode()
    assert hashes == []


def test_requests_without_work_do_not_make_the_form_harder(org, settings):
    settings.ECHOORG_POW_FAILURES_PER_BIT = 1
    for _ in range(30):
        Client().post(follow_up_url(org), {"code": "0000 0000 0000 0000"})
    assert protection.recent_failures(org, protection.FOLLOW_UP) == 0
    assert page_bits(Client(), follow_up_url(org)) == settings.ECHOORG_POW_BITS


def test_difficulty_is_capped_so_the_form_always_stays_solvable(org, settings):
    settings.ECHOORG_POW_FAILURES_PER_BIT = 1
    for code in wrong_codes(12):
        follow_up(Client(), org, code)
    assert page_bits(Client(), follow_up_url(org)) == settings.ECHOORG_POW_MAX_BITS


# 9. Limits on raising concerns -----------------------------------------------------------


def test_raising_a_concern_without_a_solution_is_refused(org, db):
    url = reverse("speak_up", kwargs={"slug": org.slug})
    response = Client().post(
        url,
        {
            "mode": "anonymous",
            "category": "fraud",
            "risk_now": "no",
            "text": "Invoices are doubled.",
        },
    )
    assert response.status_code == 400 and "Turn on JavaScript" in response.content.decode()
    assert not Concern.objects.exists()


def test_the_hourly_limit_refuses_clearly_and_alerts_the_guardians_once(org, make_person, settings):
    settings.ECHOORG_SPEAKUP_MAX_PER_HOUR = 3
    guardians = [make_person(org, "guardian"), make_person(org, "guardian")]
    make_person(org, "leader")
    for _ in range(3):
        assert report(Client(), org).status_code == 200
    mail.outbox.clear()
    for _ in range(3):
        refused = report(
            Client(), org, attachments=[SimpleUploadedFile("n.txt", b"evidence", "text/plain")]
        )
        assert refused.status_code == 429
        page = refused.content.decode()
        assert "cannot take more just now" in page
        assert "speak to the Freedom to Speak Up guardian" in page
    assert Concern.objects.count() == 3
    assert CaseEvent.objects.count() == 3
    assert not Attachment.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(g.email for g in guardians)
    assert "limit was reached" in mail.outbox[0].subject
    alert = AuditEntry.objects.get(action="concerns.intake_limit_reached")
    assert alert.actor is None


def test_the_storage_quota_refuses_files_and_writes_nothing(org, make_person, settings):
    settings.ECHOORG_SPEAKUP_STORAGE_BYTES = 100
    guardian = make_person(org, "guardian")
    assert (
        report(
            Client(), org, attachments=[SimpleUploadedFile("a.txt", b"a" * 60, "text/plain")]
        ).status_code
        == 200
    )
    mail.outbox.clear()
    for _ in range(2):
        refused = report(
            Client(),
            org,
            text="Second concern",
            attachments=[SimpleUploadedFile("b.txt", b"b" * 60, "text/plain")],
        )
        assert refused.status_code == 507
        assert "no room left for attached files" in refused.content.decode()
    assert Concern.objects.count() == 1 and Attachment.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    # Without the files the concern gets through.
    assert report(Client(), org, text="Second concern").status_code == 200


def test_the_storage_quota_also_holds_for_a_reporters_message(org, receipt, settings):
    settings.ECHOORG_SPEAKUP_STORAGE_BYTES = 50
    browser = Client()
    follow_up(browser, org, receipt)
    response = browser.post(
        case_url(org),
        {
            "message": "1",
            "body": "More evidence",
            "attachments": [SimpleUploadedFile("c.txt", b"c" * 60, "text/plain")],
        },
    )
    assert response.status_code == 400 and "no room left" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()


# 18. Attachments typed by their bytes ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("report.pdf", HTML, "application/pdf"),
        ("report.pdf", EXE, "application/pdf"),
        ("photo.png", b"%PDF-1.4 not an image", "image/png"),
        ("notes.txt", HTML, "text/html"),
    ],
)
def test_a_file_whose_bytes_do_not_match_is_refused(org, db, name, data, declared):
    response = report(Client(), org, attachments=[SimpleUploadedFile(name, data, declared)])
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Files that help explain it: &#x27;{name}&#x27;" in page
    assert not Concern.objects.exists() and not Attachment.objects.exists()


def test_files_are_stored_and_served_with_the_type_found_in_them(org, make_person, login_as):
    report(
        Client(),
        org,
        attachments=[SimpleUploadedFile("photo.png", PNG, "application/octet-stream")],
    )
    stored = Attachment.objects.get()
    assert stored.content_type == "image/png"
    concern = Concern.objects.get()
    # A file stored before types were checked, typed by what the browser claimed.
    legacy = Attachment.objects.create(
        concern=concern,
        name_encrypted=stored.name_encrypted,
        content_type="text/html",
        size=len(HTML),
        data_encrypted=services.vault().encrypt(HTML),
    )
    guardian = login_as(make_person(org, "guardian"))
    for attachment, served_as in ((stored, "image/png"), (legacy, "text/plain")):
        response = guardian.get(
            reverse(
                "concern_attachment",
                kwargs={
                    "slug": org.slug,
                    "reference": concern.reference,
                    "attachment_id": attachment.pk,
                },
            )
        )
        assert response["Content-Type"] == served_as
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_wrong_code_writes_nothing_and_the_pages_keep_a_query_budget(
    org, receipt, django_assert_max_num_queries
):
    browser = Client()
    data = {"code": "0000 0000 0000 0001", **solved(browser, follow_up_url(org))}
    with django_assert_max_num_queries(4) as wrong:
        assert browser.post(follow_up_url(org), data).status_code == 400
    assert not [
        q
        for q in wrong.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    with django_assert_max_num_queries(3):
        Client().get(follow_up_url(org))
    with django_assert_max_num_queries(4):
        Client().get(reverse("speak_up", kwargs={"slug": org.slug}))
