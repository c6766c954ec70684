from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from echoorg.audit.log import _as_chain_entry, audit_keys, record, verify
from echoorg.audit.models import AppendOnlyError, AuditEntry, AuditHead
from echoorg.core.audit import (
    GENESIS,
    UNKEYED,
    AuditKeys,
    audit_key_id,
    entry_hash,
    new_audit_key,
)


@pytest.fixture
def entries(org, facilitator):
    for n in range(1, 6):
        record(
            "unit.created",
            actor=facilitator,
            organisation=org,
            object_type="orgs.unit",
            object_id=str(n),
            name=f"Team {n}",
        )
    return list(AuditEntry.objects.order_by("seq"))


def test_a_fresh_trail_verifies(entries, capsys):
    call_command("audit", "verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_entries_cannot_be_changed_or_deleted_through_the_application(entries):
    entry = entries[0]
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_changing_a_row_in_the_database_is_named_by_verify(entries):
    raw("UPDATE audit_auditentry SET detail = %s WHERE seq = %s", '{"name": "Forged"}', 3)
    with pytest.raises(CommandError, match="entry 3: entry 3 was changed"):
        call_command("audit", "verify")


def test_deleting_a_row_in_the_database_is_named_by_verify(entries):
    raw("DELETE FROM audit_auditentry WHERE seq = %s", 2)
    result = verify()
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


def test_changing_who_acted_is_detected(entries, make_person, org):
    other = make_person(org, "staff")
    raw("UPDATE audit_auditentry SET actor_id = %s WHERE seq = %s", other.pk, 4)
    assert verify().first_bad_seq == 4


def test_a_row_inserted_out_of_order_is_detected(entries):
    last = entries[-1]
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", 99, 2)
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", 2, 4)
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", 4, 99)
    result = verify()
    assert not result.ok and result.first_bad_seq == 2
    assert last.seq == 5


def test_the_command_exits_non_zero_from_the_shell(entries):
    raw("UPDATE audit_auditentry SET action = %s WHERE seq = %s", "nothing.happened", 1)
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


def test_anonymous_actions_record_no_person(org):
    entry = record("concern.received", organisation=org, object_type="x", object_id="1")
    assert entry.actor_id is None
    names = {f.name for f in AuditEntry._meta.get_fields()}
    assert not names & {"ip", "ip_address", "user_agent", "remote_addr"}


# -- attacks by someone who can write to the database (issue 8, finding 5) ---------------


@pytest.fixture
def concern_trail(org, facilitator, make_person):
    """A trail in which entry 3 records an anonymous concern."""
    record(
        "unit.created",
        actor=facilitator,
        organisation=org,
        object_type="orgs.unit",
        object_id="1",
        name="Team 1",
    )
    record(
        "unit.created",
        actor=facilitator,
        organisation=org,
        object_type="orgs.unit",
        object_id="2",
        name="Team 2",
    )
    record(
        "concern.received",
        organisation=org,
        object_type="concerns.concern",
        object_id="7",
        reference="SPK-7",
        mode="anonymous",
    )
    for _ in range(3):
        record(
            "concern.event",
            actor=facilitator,
            organisation=org,
            object_type="concerns.concern",
            object_id="7",
            event="acknowledged",
        )
    return make_person(org, "staff", email="reporter@alpha.example")


def rewrite_chain(forge_hash, change=None) -> None:
    """What an insider with database access does: change an entry with `change`, then
    recompute every hash after it with `forge_hash` and put the head back in line."""
    prev = GENESIS
    rows = list(AuditEntry.objects.order_by("seq"))
    for row in rows:
        entry = _as_chain_entry(row)
        if change is not None:
            entry = change(entry)
        entry = replace(entry, prev_hash=prev)
        entry = replace(entry, hash=forge_hash(entry))
        raw(
            "UPDATE audit_auditentry SET actor_id = %s, detail = %s, prev_hash = %s, "
            "hash = %s, key_id = %s WHERE seq = %s",
            entry.actor,
            json.dumps(entry.detail),
            entry.prev_hash,
            entry.hash,
            entry.key_id,
            entry.seq,
        )
        prev = entry.hash
    raw("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", len(rows), prev)


def name_the_reporter(reporter):
    def change(entry):
        if entry.action == "concern.received":
            return replace(entry, actor=str(reporter.pk), detail={**entry.detail, "mode": "named"})
        return entry

    return change


def test_naming_an_anonymous_reporter_and_recomputing_plain_hashes_is_caught(concern_trail):
    def plain_sha256(entry):
        return entry_hash(replace(entry, key_id=UNKEYED))

    rewrite_chain(plain_sha256, name_the_reporter(concern_trail))
    assert AuditEntry.objects.get(seq=3).detail["mode"] == "named"
    with pytest.raises(CommandError, match="entry 1: entry 1 was changed") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


def test_recomputing_plain_hashes_without_a_key_id_is_caught(concern_trail):
    def legacy(entry):
        entry = replace(entry, key_id=UNKEYED)
        return entry_hash(entry)

    def change(entry):
        return replace(name_the_reporter(concern_trail)(entry), key_id=UNKEYED)

    rewrite_chain(legacy, change)
    with pytest.raises(CommandError, match="not sealed with the audit key"):
        call_command("audit", "verify")
    # The administrator is not told to simply seal it, and sealing needs a deliberate flag.
    with pytest.raises(CommandError, match="Compare the trail with a saved head"):
        call_command("audit", "seal")


def test_naming_a_reporter_and_recomputing_with_a_guessed_key_is_caught(concern_trail):
    guessed = AuditKeys([new_audit_key()])

    def wrong_key(entry):
        return entry_hash(replace(entry, key_id=guessed.signing_id), guessed)

    def change(entry):
        return replace(name_the_reporter(concern_trail)(entry), key_id=guessed.signing_id)

    rewrite_chain(wrong_key, change)
    with pytest.raises(CommandError, match="not configured"):
        call_command("audit", "verify")


def test_wrong_key_under_the_real_key_id_is_caught(concern_trail):
    guessed = AuditKeys([new_audit_key()])
    real_id = audit_keys().signing_id

    def wrong_key(entry):
        return hmac_with(guessed, entry)

    def hmac_with(keys, entry):
        return entry_hash(replace(entry, key_id=keys.signing_id), keys)

    rewrite_chain(wrong_key, lambda e: replace(name_the_reporter(concern_trail)(e), key_id=real_id))
    with pytest.raises(CommandError, match="entry 1: entry 1 was changed"):
        call_command("audit", "verify")


def save_head(tmp_path, capsys):
    call_command("audit", "head")
    path = tmp_path / "head.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_head_prints_position_count_hash_and_time_as_json(concern_trail, capsys):
    call_command("audit", "head")
    head = json.loads(capsys.readouterr().out)
    last = AuditEntry.objects.order_by("-seq").first()
    assert head == {
        "format": "echoorg-audit-head/1",
        "seq": last.seq,
        "entries": 6,
        "hash": last.hash,
        "at": head["at"],
        "key_id": audit_keys().signing_id,
    }
    assert head["at"].startswith(str(last.at.year)) and head["at"].endswith("+00:00")


def test_head_refuses_to_print_for_a_broken_trail(concern_trail, capsys):
    raw("UPDATE audit_auditentry SET detail = %s WHERE seq = %s", '{"mode": "named"}', 3)
    with pytest.raises(CommandError, match="Not printing a head"):
        call_command("audit", "head")
    assert capsys.readouterr().out == ""


def test_verify_against_a_saved_head_passes_and_counts_what_came_after(
    concern_trail, org, tmp_path, capsys
):
    saved = save_head(tmp_path, capsys)
    record("unit.created", organisation=org, object_type="orgs.unit", object_id="3")
    call_command("audit", "verify", "--against", str(saved))
    out = capsys.readouterr().out
    assert "7 entries verified" in out and "saved head at entry 6" in out
    assert "1 entries after it" in out


def test_deleting_every_entry_fails_against_a_saved_head(concern_trail, tmp_path, capsys):
    saved = save_head(tmp_path, capsys)
    raw("DELETE FROM audit_auditentry")
    raw("UPDATE audit_audithead SET seq = 0, hash = %s WHERE id = 1", GENESIS)
    # Without the outside copy an empty trail looks like a new installation ...
    call_command("audit", "verify")
    assert "0 entries" in capsys.readouterr().out
    # ... with it, the deletion is named and the command fails.
    with pytest.raises(
        CommandError, match="the trail is empty, but the saved head is entry 6"
    ) as caught:
        call_command("audit", "verify", "--against", str(saved))
    assert caught.value.returncode == 1


def test_deleting_every_entry_and_the_head_row_fails_against_a_saved_head(
    concern_trail, tmp_path, capsys
):
    saved = save_head(tmp_path, capsys)
    raw("DELETE FROM audit_auditentry")
    raw("DELETE FROM audit_audithead")
    with pytest.raises(CommandError, match="is empty"):
        call_command("audit", "verify", "--against", str(saved))


def test_deleting_the_last_entries_fails_against_a_saved_head(concern_trail, tmp_path, capsys):
    saved = save_head(tmp_path, capsys)
    keep = AuditEntry.objects.get(seq=4)
    raw("DELETE FROM audit_auditentry WHERE seq > %s", 4)
    raw("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", 4, keep.hash)
    call_command("audit", "verify")  # the database alone cannot tell
    with pytest.raises(CommandError, match="ends at entry 4, but the saved head is entry 6"):
        call_command("audit", "verify", "--against", str(saved))


def test_rewriting_with_the_real_key_fails_against_a_saved_head(concern_trail, tmp_path, capsys):
    """Even someone who stole the audit key cannot match a head kept outside."""
    saved = save_head(tmp_path, capsys)
    keys = audit_keys()
    rewrite_chain(lambda e: entry_hash(e, keys), name_the_reporter(concern_trail))
    call_command("audit", "verify")
    with pytest.raises(CommandError, match="entry 6: entry 6 does not match the saved head"):
        call_command("audit", "verify", "--against", str(saved))


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "not JSON"),
        ('{"seq": 3}', "not an echoorg audit head"),
        (
            '{"format": "echoorg-audit-head/1", "seq": "3", "entries": 3, "hash": "'
            + "a" * 64
            + '"}',
            "'seq' must be a whole number",
        ),
    ],
)
def test_verify_against_a_malformed_head_says_what_is_wrong(entries, tmp_path, content, message):
    path = tmp_path / "head.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("audit", "verify", "--against", str(path))


def test_verify_against_a_missing_file_says_so(entries, tmp_path):
    with pytest.raises(CommandError, match="Cannot read the saved head"):
        call_command("audit", "verify", "--against", str(tmp_path / "nope.json"))


def test_against_goes_with_verify_only(entries, tmp_path):
    with pytest.raises(CommandError, match="--against goes with 'verify' only"):
        call_command("audit", "head", "--against", str(tmp_path / "x.json"))


# -- key rotation --------------------------------------------------------------------------


def test_rotating_the_key_keeps_old_entries_verifiable(entries, org, settings, capsys):
    old_id = audit_keys().signing_id
    settings.ECHOORG_AUDIT_KEYS = [new_audit_key(), *settings.ECHOORG_AUDIT_KEYS]
    call_command("audit", "seal")
    assert "sealed with key" in capsys.readouterr().out
    record("unit.created", organisation=org, object_type="orgs.unit", object_id="9")
    ids = list(AuditEntry.objects.order_by("seq").values_list("key_id", flat=True))
    new_id = audit_keys().signing_id
    assert ids == [old_id] * 5 + [new_id] * 2
    sealed = AuditEntry.objects.get(action="audit.sealed")
    assert sealed.detail == {"key_id": new_id, "previous_key_id": old_id, "unkeyed_entries": 0}
    call_command("audit", "verify")
    assert "7 entries verified" in capsys.readouterr().out
    # Removing the old key makes its entries unverifiable, and verify says why.
    settings.ECHOORG_AUDIT_KEYS = settings.ECHOORG_AUDIT_KEYS[:1]
    with pytest.raises(CommandError, match=f"audit key {old_id}, which is not configured"):
        call_command("audit", "verify")


def test_a_leaked_old_key_cannot_append_after_rotation(entries, org, settings):
    old_key = settings.ECHOORG_AUDIT_KEYS[0]
    settings.ECHOORG_AUDIT_KEYS = [new_audit_key(), old_key]
    record("unit.created", organisation=org, object_type="orgs.unit", object_id="9")
    # The insider appends a forged entry sealed with the old key they hold.
    head = AuditHead.objects.get(id=1)
    old = AuditKeys([old_key])
    forged = replace(
        _as_chain_entry(AuditEntry.objects.get(seq=head.seq)),
        seq=head.seq + 1,
        prev_hash=head.hash,
        key_id=old.signing_id,
        action="concern.closed",
    )
    forged = replace(forged, hash=entry_hash(forged, old))
    raw(
        "INSERT INTO audit_auditentry (seq, at, action, object_type, object_id, detail, "
        "prev_hash, hash, key_id, organisation_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
        "%s, %s)",
        forged.seq,
        forged.at,
        forged.action,
        forged.object_type,
        forged.object_id,
        json.dumps(forged.detail),
        forged.prev_hash,
        forged.hash,
        forged.key_id,
        org.pk,
    )
    raw("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", forged.seq, forged.hash)
    with pytest.raises(CommandError, match="retired key was used after rotation"):
        call_command("audit", "verify")


# -- a trail written before audit keys -----------------------------------------------------


def write_unkeyed_trail(org, n: int) -> None:
    """Entries as echoorg wrote them before audit keys: plain SHA-256, no key id."""
    for _ in range(n):
        entry = record("unit.created", organisation=org, object_type="orgs.unit", object_id="1")
        plain = replace(_as_chain_entry(entry), key_id=UNKEYED)
        digest = entry_hash(plain)
        raw("UPDATE audit_auditentry SET key_id = '', hash = %s WHERE seq = %s", digest, entry.seq)
        raw("UPDATE audit_audithead SET hash = %s WHERE id = 1", digest)
        if entry.seq < n:
            raw("UPDATE audit_auditentry SET prev_hash = %s WHERE seq = %s", digest, entry.seq + 1)


def test_an_unkeyed_trail_must_be_sealed_then_verifies(org, capsys):
    write_unkeyed_trail(org, 3)
    with pytest.raises(CommandError, match="not sealed with the audit key"):
        call_command("audit", "verify")
    with pytest.raises(CommandError, match="Compare the trail with a saved head"):
        call_command("audit", "seal")
    assert AuditEntry.objects.count() == 3
    call_command("audit", "seal", "--accept-unkeyed")
    assert "it seals 3 entries written without a key" in capsys.readouterr().out
    call_command("audit", "verify")
    assert "4 entries verified" in capsys.readouterr().out
    # After sealing, rewriting an old entry and its plain hashes no longer goes unnoticed.
    rows = list(AuditEntry.objects.order_by("seq"))
    prev = GENESIS
    for row in rows[:3]:
        entry = replace(_as_chain_entry(row), prev_hash=prev, object_id="666")
        digest = entry_hash(entry)
        raw(
            "UPDATE audit_auditentry SET object_id = '666', prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            prev,
            digest,
            row.seq,
        )
        prev = digest
    with pytest.raises(CommandError, match="entry 4 does not follow entry 3"):
        call_command("audit", "verify")


def test_the_upgrade_migration_seals_an_unkeyed_trail(org, transactional_db):
    from django.db import connection as conn
    from django.db.migrations.executor import MigrationExecutor

    write_unkeyed_trail(org, 2)
    executor = MigrationExecutor(conn)
    executor.migrate([("audit", "0002_auditentry_key_id")])
    executor = MigrationExecutor(conn)
    executor.migrate([("audit", "0003_seal_unkeyed_chain")])
    sealed = AuditEntry.objects.get(seq=3)
    assert sealed.action == "audit.sealed" and sealed.key_id == audit_keys().signing_id
    assert sealed.detail["unkeyed_entries"] == 2
    assert verify().ok
    # Running it again on a sealed trail adds nothing.
    MigrationExecutor(conn).migrate([("audit", "0002_auditentry_key_id")])
    MigrationExecutor(conn).migrate([("audit", "0003_seal_unkeyed_chain")])
    assert AuditEntry.objects.count() == 3


def test_a_key_id_is_not_the_key(settings):
    key = settings.ECHOORG_AUDIT_KEYS[0]
    assert audit_key_id(key) not in key and hashlib.sha256(key.encode()).hexdigest()[
        :12
    ] != audit_key_id(key)


# -- the audit page ------------------------------------------------------------------------


def test_the_audit_page_shows_the_chain_head(entries, org, facilitator, login_as):
    last = entries[-1]
    response = login_as(facilitator).get(f"/o/{org.slug}/audit/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chain head" in page and last.hash in page and audit_keys().signing_id in page


def test_the_audit_page_keeps_to_its_query_budget(
    entries, org, facilitator, login_as, django_assert_max_num_queries
):
    client = login_as(facilitator)
    with django_assert_max_num_queries(12):
        assert client.get(f"/o/{org.slug}/audit/").status_code == 200


def test_short_audit_keys_are_refused_at_start_up(settings):
    from echoorg.audit.apps import check_audit_keys

    assert check_audit_keys() == []
    settings.ECHOORG_AUDIT_KEYS = ["too-short"]
    errors = check_audit_keys()
    assert [e.id for e in errors] == ["echoorg.audit.E001"]
    assert "at least 32 characters" in errors[0].msg
