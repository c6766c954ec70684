"""Issue 10: reloading the receipt page raised a second concern with a new receipt code,
and the quarterly return counted it. The raise form now uses post/redirect/get with a
one-time submission key; the receipt waits in the reporter's session, sealed with a key
only their browser holds, and is shown once."""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.concerns import report_views, services
from echoorg.concerns.insights import quarterly
from echoorg.concerns.models import CaseEvent, Concern
from echoorg.core import submission as submission_keys

from .test_speak_up import SECRET_TEXT, follow_up, receipt_from, solved


def raise_url(org) -> str:
    return reverse("speak_up", kwargs={"slug": org.slug})


def received_url(org) -> str:
    return reverse("speak_up_received", kwargs={"slug": org.slug})


def filled_form(client: Client, org, **extra) -> dict:
    return {
        "mode": "anonymous",
        "category": "patient_safety",
        "at_risk": ["patients"],
        "risk_now": "no",
        "text": SECRET_TEXT,
        **solved(client, raise_url(org)),
        **extra,
    }


def test_sending_the_form_redirects_and_the_receipt_is_shown_once(org, db):
    browser = Client()
    sent = browser.post(raise_url(org), filled_form(browser, org))
    assert sent.status_code == 302 and sent["Location"] == received_url(org)
    first = browser.get(received_url(org))
    code = receipt_from(first)
    assert len(code.replace(" ", "")) == 16
    assert "no-store" in first["Cache-Control"]
    again = browser.get(received_url(org))  # the reload
    page = again.content.decode()
    assert again.status_code == 200
    assert "already sent" in page and 'class="code"' not in page
    assert code not in page
    assert Concern.objects.count() == 1


def test_sending_the_same_form_twice_raises_one_concern_and_one_receipt(org, db):
    """A double click, or the browser's "send the form again" on reload: both POSTs carry
    the same key and the same proof of work."""
    browser = Client()
    form = filled_form(browser, org)
    first = browser.post(raise_url(org), form)
    second = browser.post(raise_url(org), form)
    assert first["Location"] == second["Location"] == received_url(org)
    shown = browser.get(received_url(org))
    receipt_from(shown)  # the one code, shown once
    assert 'class="code"' not in browser.get(received_url(org)).content.decode()
    assert Concern.objects.count() == 1
    assert CaseEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="concern.received").count() == 1
    assert quarterly(org, None, None)["total"] == 1


def test_a_second_send_from_another_browser_with_the_same_key_shows_no_receipt(org, db):
    """Whoever replays a copied form gets no code: the receipt lives in the sender's
    session, opened with the sender's cookie."""
    sender, replayer = Client(), Client()
    form = filled_form(sender, org)
    sender.post(raise_url(org), form)
    replayed = replayer.post(raise_url(org), form, follow=True)
    assert 'class="code"' not in replayed.content.decode()
    assert Concern.objects.count() == 1
    receipt_from(sender.get(received_url(org)))


def test_the_receipt_is_never_in_the_database_a_url_or_a_log_in_clear(org, db, caplog):
    caplog.set_level(logging.DEBUG)
    browser = Client()
    sent = browser.post(raise_url(org), filled_form(browser, org))
    session_data = [row.session_data for row in Session.objects.all()]
    decoded = [row.get_decoded() for row in Session.objects.all()]
    cookie_key = browser.cookies[report_views.RECEIPT_COOKIE].value
    shown = receipt_from(browser.get(received_url(org)))
    forms = (shown, shown.replace(" ", ""))
    assert not any(code in sent["Location"] for code in forms)
    for raw, data in zip(session_data, decoded, strict=True):
        assert not any(code in raw or code in str(data) for code in forms)
        # The session holds the receipt sealed; the key that opens it is only the cookie's.
        sealed = data[report_views.RECEIVED_SESSION_KEY]["sealed"]
        assert shown in submission_keys.unseal(cookie_key, sealed)
    assert not any(code in cookie_key for code in forms)
    for concern in Concern.objects.all():
        assert not any(code in str(concern.__dict__) for code in forms)
    for record in caplog.records:
        assert not any(code in record.getMessage() for code in forms)
    # After the receipt page the anonymous session row is gone, and the cookie deleted.
    assert Session.objects.count() == 0
    assert browser.cookies[report_views.RECEIPT_COOKIE].value == ""


def test_the_receipt_cookie_is_for_the_receipt_page_only_and_ends_soon(org, db):
    browser = Client()
    sent = browser.post(raise_url(org), filled_form(browser, org))
    cookie = sent.cookies[report_views.RECEIPT_COOKIE]
    assert cookie["path"] == received_url(org)
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == report_views.RECEIPT_COOKIE_SECONDS
    # The session cookie ends with the browser, as for following up.
    assert browser.cookies["sessionid"]["max-age"] == ""


def test_without_the_cookie_the_sealed_receipt_cannot_be_shown(org, db):
    browser = Client()
    browser.post(raise_url(org), filled_form(browser, org))
    browser.cookies[report_views.RECEIPT_COOKIE] = submission_keys.new_sealing_key()
    page = browser.get(received_url(org)).content.decode()
    assert 'class="code"' not in page and "already sent" in page


def test_raising_a_new_concern_ends_a_follow_up_held_in_the_same_browser(org, db):
    """The session that carries the receipt holds nothing else: a case being followed up
    in the same browser is not kept beside a new anonymous concern."""
    browser = Client()
    browser.post(raise_url(org), filled_form(browser, org))
    code = receipt_from(browser.get(received_url(org)))
    follow_up(browser, org, code)
    browser.post(raise_url(org), filled_form(browser, org, text="Another worry"))
    rows = [row.get_decoded() for row in Session.objects.all()]
    assert len(rows) == 1 and report_views.SESSION_KEY not in rows[0]


@pytest.mark.parametrize("tamper", ["missing", "forged", "other_org", "expired"])
def test_a_key_that_is_missing_forged_for_another_organisation_or_expired_is_refused(
    org, other_org, db, tamper, monkeypatch
):
    browser = Client()
    form = filled_form(browser, org)
    if tamper == "missing":
        del form["submission"]
    elif tamper == "forged":
        form["submission"] = form["submission"][:-1] + (
            "0" if form["submission"][-1] != "0" else "1"
        )
    elif tamper == "other_org":
        page = Client().get(raise_url(other_org)).content.decode()
        form["submission"] = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    else:
        later = time.time() + report_views.SUBMISSION_SECONDS + 60
        monkeypatch.setattr(report_views.time, "time", lambda: later)
    response = browser.post(raise_url(org), form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Press the button again" in page
    assert SECRET_TEXT in page  # what the reporter wrote is still in the form
    assert re.search(r'name="submission" value="sub1\.[^"]+"', page)  # with a fresh key
    assert Concern.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_a_logged_in_named_concern_goes_to_its_page_after_the_redirect(org, make_person):
    person = make_person(org, "staff")
    browser = Client()
    browser.force_login(person)
    form = filled_form(browser, org, mode="named")
    sent = browser.post(raise_url(org), form)
    assert sent["Location"] == received_url(org)
    page = browser.get(received_url(org)).content.decode()
    assert "Your concerns" in page and 'class="code"' not in page
    assert browser.post(raise_url(org), form)["Location"] == received_url(org)
    assert Concern.objects.get().reporter == person
    # Logged in, the session keeps the account and loses only the pending receipt.
    assert browser.get(reverse("my_concerns")).status_code == 200


def test_the_service_refuses_a_used_key_and_writes_nothing(org, db):
    """Two requests with one key that both passed the check before either wrote: the
    unique column lets one through and the other raises AlreadySent."""
    kwargs = dict(
        mode="anonymous",
        category="fraud",
        at_risk=[],
        risk_of_harm=False,
        text="Invoices are doubled.",
        submission_digest="a" * 64,
    )
    services.raise_concern(org, **kwargs)
    with pytest.raises(services.AlreadySent):
        services.raise_concern(org, **kwargs)
    assert Concern.objects.count() == 1 and CaseEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="concern.received").count() == 1


def test_a_key_is_consumed_by_the_unique_column_even_when_the_first_check_missed_it(
    org, db, monkeypatch
):
    """The race itself: the early look-up sees no concern (as when both requests arrive
    together), so the database's unique constraint decides."""
    kwargs = dict(
        mode="anonymous",
        category="fraud",
        at_risk=[],
        risk_of_harm=False,
        text="Invoices are doubled.",
        submission_digest="b" * 64,
    )
    services.raise_concern(org, **kwargs)
    real_filter = Concern.objects.filter
    calls = {"n": 0}

    def blind_first_look(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_filter(pk=-1)
        return real_filter(*args, **kw)

    monkeypatch.setattr(Concern.objects, "filter", blind_first_look)
    with pytest.raises(services.AlreadySent):
        services.raise_concern(org, **kwargs)
    monkeypatch.undo()
    assert Concern.objects.count() == 1 and CaseEvent.objects.count() == 1
