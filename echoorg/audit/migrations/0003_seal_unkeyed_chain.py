"""Seal an audit chain written before audit keys existed.

Entries written by older versions carry a plain SHA-256, which anyone who can write to
the database can recompute. This appends one `audit.sealed` entry whose HMAC (under the
newest key in ECHOORG_AUDIT_KEYS) covers the last plain hash, and with it every entry
before; nothing already written is changed. A new, empty database gets no entry.
`echoorg audit seal` does the same by hand.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from echoorg.core.audit import UNKEYED, AuditKeys, ChainEntry, entry_hash


def seal_unkeyed_chain(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None or head.seq == 0:
        return
    last = AuditEntry.objects.filter(seq=head.seq).first()
    if last is not None and last.key_id != UNKEYED:
        return
    keys = AuditKeys(settings.ECHOORG_AUDIT_KEYS)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=None,
        organisation_id=None,
        action="audit.sealed",
        object_type="audit.chain",
        object_id="",
        detail={
            "key_id": keys.signing_id,
            "previous_key_id": UNKEYED,
            "unkeyed_entries": AuditEntry.objects.filter(key_id=UNKEYED).count(),
        },
        prev_hash=head.hash,
        key_id=keys.signing_id,
    )
    entry.hash = entry_hash(
        ChainEntry(
            seq=entry.seq,
            at=entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor=None,
            organisation=None,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            detail=entry.detail,
            prev_hash=entry.prev_hash,
            key_id=entry.key_id,
        ),
        keys,
    )
    entry.save()
    AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditentry_key_id"),
    ]

    operations = [
        migrations.RunPython(seal_unkeyed_chain, migrations.RunPython.noop),
    ]
