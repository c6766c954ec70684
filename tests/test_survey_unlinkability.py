"""Issue 8, finding 2: the server's log, the database and the audit trail must not link a
survey response to the invitation (and so the person) it came from.

The attack: several people answer a wave through the real survey pages while an insider
keeps the server's log, then reads the database and the audit trail, and tries to pair
responses with invitations by tokens in the log, by time, or by the order of rows.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
import re
from collections import Counter

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from echoorg.audit.models import AuditEntry
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Invitation, PendingResponse, Response, SurveyWave
from echoorg.diagnostic.results import wave_results
from echoorg.web.request_log import PathScrubbingFilter

ITEMS_PER_PAGE = 8


@pytest.fixture
def server_log():
    """What the server writes to its log: the configured console handler's output."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PathScrubbingFilter) for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


@pytest.fixture
def people(org, tree, make_person):
    """Seven in Recruitment, two in Support, a leader in Fostering."""
    staff = [make_person(org, "staff", unit=tree["Recruitment"]) for _ in range(7)]
    staff += [make_person(org, "staff", unit=tree["Support"]) for _ in range(2)]
    return [*staff, make_person(org, "leader", unit=tree["Fostering"])]


@pytest.fixture
def open_wave(org, facilitator, people):
    today = timezone.localdate()
    wave = services.create_wave(
        facilitator,
        org,
        title="Spring",
        instrument_key="echo-culture-v1@1",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=20),
        min_group=5,
    )
    services.open_wave(facilitator, wave, "http://testserver")
    return wave


def _links() -> dict[str, str]:
    return {m.to[0]: re.search(r"/s/([A-Za-z0-9_-]+)/", m.body).group(1) for m in mail.outbox}


def _answer_through_the_pages(
    client: Client, wave: SurveyWave, token: str, audience: str, number: int
) -> dict:
    """Take the survey as a person would; returns what they answered."""
    items = [i.id for i in wave.instrument.items_for(audience)]
    pages = [items[i : i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)]
    assert client.get(f"/s/{token}/").status_code == 200
    answers = {}
    for page, page_items in enumerate(pages, start=1):
        chosen = {item: 1 + (number + position) % 5 for position, item in enumerate(page_items)}
        answers.update(chosen)
        reply = client.post(
            f"/s/{token}/{page}/", {**{k: str(v) for k, v in chosen.items()}, "next": "1"}
        )
        assert reply.status_code == 302
    comment = f"Comment of respondent {number}"
    done = client.post(
        f"/s/{token}/{len(pages) + 1}/",
        {"send": "1", "comment": comment, "demo_length_of_service": "2 to 5 years"},
    )
    assert done.status_code == 302, done.content.decode()[:500]
    return {"answers": answers, "comment": comment, "audience": audience}


def _physical_order(table: str) -> list[str]:
    """Comments of the rows in the order the database stores them (SQLite's rowid,
    PostgreSQL's physical position), as an insider reading the files would see them."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT comment FROM {table} ORDER BY {order}")
        return [row[0] for row in cursor.fetchall()]


def test_a_wave_taken_through_the_pages_leaves_nothing_that_links_answers_to_people(
    people, open_wave, facilitator, server_log, caplog, monkeypatch
):
    caplog.set_level(logging.INFO)
    wave = open_wave
    links = _links()
    audit_before = AuditEntry.objects.count()
    answered_in_order = []  # (invitation id, comment): what the attacker wants to recover
    for number, person in enumerate(people):
        invitation = Invitation.objects.get(user=person, wave=wave)
        given = _answer_through_the_pages(
            Client(), wave, links[person.email], invitation.audience, number
        )
        answered_in_order.append((invitation.pk, given["comment"]))
    # Every respondent's log lines are the same few: the log cannot tell people apart.
    request_lines = {re.sub(r" \d+ms$", "", line) for line in server_log.getvalue().splitlines()}
    assert request_lines == {"GET survey_start 200", "POST survey_page 302"}
    # Requests that make Django log warnings and errors with the path: a mistyped link,
    # a form post without its CSRF cookie, a crash whose message holds the token, and
    # the anonymous speak-up page.
    spare = links[people[-1].email]
    Client().get("/s/mistyped-link-0123456789abcdef/")
    Client(enforce_csrf_checks=True).post(f"/s/{spare}/1/", {"next": "1"})
    crash = Client(raise_request_exception=False)

    def broken(token: str) -> None:
        raise RuntimeError(f"could not look up {token}")

    monkeypatch.setattr(Invitation, "by_token", staticmethod(broken))
    assert crash.get(f"/s/{spare}/2/").status_code == 500
    monkeypatch.undo()
    Client().get(f"/speak-up/{wave.organisation.slug}/")

    # 1. The log: route names only, no token, no survey or speak-up path.
    written = server_log.getvalue()
    records = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert "GET survey_start 200" in written and "POST survey_page 302" in written
    assert "Not Found: route survey_start" in written
    assert "could not look up" in written  # the crash is logged, its token is not
    for text in [written, *records]:
        assert "/s/" not in text and "speak-up/" not in text
        for token in [*links.values(), "mistyped-link-0123456789abcdef"]:
            assert token not in text

    # 2. While the wave is open, nothing is in the response table; the pool is sealed.
    assert not Response.objects.filter(wave=wave).exists()
    pending = list(PendingResponse.objects.filter(wave=wave))
    assert len(pending) == len(people)
    for row in pending:
        assert b"Comment of respondent" not in bytes(row.sealed)
        assert b"answers" not in bytes(row.sealed)

    # 3. The audit trail gained no entry from all those answers, and answering made no
    # session row (whose expiry time would date the visit).
    assert AuditEntry.objects.count() == audit_before
    assert not Session.objects.exists()

    # 4. No time on responses or invitations.
    for model in (Response, Invitation, PendingResponse):
        assert not [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.DateField | models.DateTimeField)
        ]

    services.close_wave(facilitator, wave)

    # 5. The release: one count in the audit trail, nothing naming or timing a response.
    added = AuditEntry.objects.filter(action="survey.responses_added")
    assert [(e.object_id, e.detail, e.actor_id) for e in added] == [
        (str(wave.pk), {"count": len(people)}, None)
    ]
    since = AuditEntry.objects.filter(seq__gt=audit_before).values_list("action", flat=True)
    assert sorted(since) == ["survey.responses_added", "wave.closed"]
    assert not PendingResponse.objects.exists()

    # 6. The order of the stored rows is not the order of answering: pairing the k-th
    # invitation answered with the k-th row gets people wrong.
    stored = _physical_order("diagnostic_response")
    assert sorted(stored) == sorted(c for _, c in answered_in_order)
    assert stored != [c for _, c in answered_in_order]
    assert sorted(Response.objects.values_list("comment", flat=True)) == sorted(stored)


def test_the_release_writes_a_random_permutation_of_the_pending_responses(
    people, open_wave, facilitator, monkeypatch
):
    """With a seeded generator the written order is exactly that generator's shuffle of
    the pool, whatever the order of answering: the order carries no information."""
    wave = open_wave
    for number, person in enumerate(people):
        invitation = Invitation.objects.get(user=person, wave=wave)
        services.save_draft(invitation, {"thr1": 1 + number % 5}, 1)
        services.submit_response(invitation, {}, f"answer {number}")
    submitted = [f"answer {n}" for n in range(len(people))]
    # The pool is read in the order of its random ids, then shuffled.
    expected = [
        services.unseal_response(p.sealed)["comment"]
        for p in PendingResponse.objects.filter(wave=wave)
    ]
    random.Random(8).shuffle(expected)
    assert expected != submitted
    written: list[str] = []
    manager = type(Response.objects)
    original = manager.bulk_create

    def recording(self, objs, *args, **kwargs):
        objs = list(objs)
        written.extend(o.comment for o in objs)
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", recording)
    assert services.release_pending_responses(wave, rng=random.Random(8)) == len(people)
    assert written == expected
    if connection.vendor == "sqlite":
        # SQLite's rowid is the order of writing. (PostgreSQL may put rows into space
        # freed by earlier transactions, so its physical order is the written order
        # only on a fresh table; what was written is checked above on both.)
        assert _physical_order("diagnostic_response") == expected


def test_results_after_close_are_exactly_what_was_answered(people, open_wave, facilitator, tree):
    wave = open_wave
    links = _links()
    given = []
    for number, person in enumerate(people):
        invitation = Invitation.objects.get(user=person, wave=wave)
        given.append(
            (
                invitation.unit_id,
                _answer_through_the_pages(
                    Client(), wave, links[person.email], invitation.audience, number
                ),
            )
        )
    services.close_wave(facilitator, wave)
    stored = Counter(
        (
            r.unit_id,
            r.audience,
            tuple(sorted(r.answers.items())),
            r.comment,
            tuple(sorted(r.demographics.items())),
        )
        for r in Response.objects.filter(wave=wave)
    )
    assert stored == Counter(
        (
            unit,
            g["audience"],
            tuple(sorted(g["answers"].items())),
            g["comment"],
            (("length_of_service", "2 to 5 years"),),
        )
        for unit, g in given
    )
    results = {r.unit.name: r for r in wave_results(wave)}
    assert results["Recruitment"].n == 7
    assert results["Fostering"].n == 10


def test_an_answer_sent_after_the_wave_closed_is_refused(people, open_wave, facilitator):
    wave = open_wave
    invitation = Invitation.objects.get(user=people[0], wave=wave)
    services.save_draft(invitation, {"thr1": 3}, 1)
    services.close_wave(facilitator, wave)
    with pytest.raises(services.ValidationError):
        services.submit_response(invitation, {}, "")
    assert not PendingResponse.objects.exists() and not Response.objects.exists()


def test_a_draft_in_the_database_does_not_show_its_answers(people, open_wave):
    token = _links()[people[0].email]
    Client().post(f"/s/{token}/1/", {"thr1": "4", "thr2": "5", "next": "1"})
    invitation = Invitation.objects.get(user=people[0], wave=open_wave)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM diagnostic_draft")
        stored = repr(
            [
                [bytes(c) if isinstance(c, memoryview) else c for c in row]
                for row in cursor.fetchall()
            ]
        )
    assert "gAAAA" in stored  # a Fernet token
    assert "thr1" not in stored and "thr2" not in stored
    assert invitation.draft.answers == {"thr1": 4, "thr2": 5}  # the person can carry on


def test_rotating_the_keys_re_encrypts_sealed_drafts_and_pending_answers(
    people, open_wave, settings, capsys
):
    """`echoorg concerns rotate-key` must reach the survey's sealed values too: once the
    old key is removed, a draft and an answer waiting for the close still read."""
    from django.core.management import call_command

    from echoorg.core.crypto import new_key

    links = _links()
    first, second = people[0], people[1]
    Client().post(f"/s/{links[first.email]}/1/", {"thr1": "4", "next": "1"})
    sent = _answer_through_the_pages(Client(), open_wave, links[second.email], "staff", 3)
    before = (
        bytes(Invitation.objects.get(user=first).draft.sealed_answers),
        bytes(PendingResponse.objects.get().sealed),
    )
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key(), *settings.ECHOORG_ENCRYPTION_KEYS]
    call_command("concerns", "rotate-key")
    out = capsys.readouterr().out
    assert "1 survey drafts" in out and "1 sealed survey answers" in out
    settings.ECHOORG_ENCRYPTION_KEYS = settings.ECHOORG_ENCRYPTION_KEYS[:1]  # the new key only
    draft = Invitation.objects.get(user=first).draft
    pending = PendingResponse.objects.get()
    assert (bytes(draft.sealed_answers), bytes(pending.sealed)) != before
    assert draft.answers == {"thr1": 4}
    assert services.unseal_response(bytes(pending.sealed))["answers"] == sent["answers"]
