from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from echoorg.audit.log import record, verify
from echoorg.audit.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entries(org, facilitator):
    for n in range(1, 6):
        record("unit.created", actor=facilitator, organisation=org, object_type="orgs.unit",
               object_id=str(n), name=f"Team {n}")
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


def raw(sql: str, *params) -> None:  # noqa: ANN002
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
