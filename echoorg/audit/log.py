"""Writing to and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from echoorg.core.audit import (
    AuditKeys,
    ChainEntry,
    ChainHead,
    Verification,
    entry_hash,
    verify_chain,
)

from .models import AuditEntry, AuditHead


@lru_cache(maxsize=4)
def _keys(configured: tuple[str, ...]) -> AuditKeys:
    return AuditKeys(configured)


def audit_keys() -> AuditKeys:
    """The audit keys from settings (ECHOORG_AUDIT_KEYS), newest first."""
    return _keys(tuple(settings.ECHOORG_AUDIT_KEYS))


def _as_chain_entry(entry: AuditEntry) -> ChainEntry:
    return ChainEntry(
        seq=entry.seq,
        at=entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        actor=str(entry.actor_id) if entry.actor_id else None,
        organisation=str(entry.organisation_id) if entry.organisation_id else None,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
        key_id=entry.key_id,
    )


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append an entry, sealed with the newest audit key. Pass `actor=None` for
    anonymous actions.

    Runs inside the caller's transaction when there is one, so the entry is written
    exactly when the change it describes is.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    keys = audit_keys()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            organisation_id=getattr(organisation, "pk", organisation),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            prev_hash=head.hash,
            key_id=keys.signing_id,
        )
        entry.detail = _round_trip(entry.detail)
        entry.hash = entry_hash(_as_chain_entry(entry), keys)
        entry.save()
        AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _round_trip(detail: dict[str, Any]) -> dict[str, Any]:
    """Store detail exactly as it will read back from the database (JSON types only)."""
    return json.loads(json.dumps(detail, default=str))


def _entries(batch: int = 2000) -> Iterator[ChainEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        for row in rows:
            yield _as_chain_entry(row)
        last = rows[-1].seq


def verify(against: ChainHead | None = None, *, require_sealed: bool = True) -> Verification:
    """Verify the whole stored chain against its head, and against a head kept outside
    the database when one is given."""
    head = AuditHead.objects.filter(id=1).first()
    return verify_chain(
        _entries(),
        head.seq if head else 0,
        head.hash if head else None,
        audit_keys(),
        against=against,
        require_sealed=require_sealed,
    )


def current_head(*, count_rows: bool = True) -> ChainHead:
    """The head as the database has it: the last entry's position, hash and time.

    It says nothing about whether the chain is intact; `echoorg audit head` verifies first.
    Pages pass `count_rows=False` to skip counting a large table (an intact chain has
    as many entries as its last sequence number).
    """
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.seq == 0:
        return ChainHead(seq=0, entries=0, hash=head.hash if head else "0" * 64, at="", key_id="")
    last = AuditEntry.objects.filter(seq=head.seq).only("at", "key_id").first()
    return ChainHead(
        seq=head.seq,
        entries=AuditEntry.objects.count() if count_rows else head.seq,
        hash=head.hash,
        at=last.at.astimezone(dt.UTC).isoformat(timespec="microseconds") if last else "",
        key_id=last.key_id if last else "",
    )


def seal() -> AuditEntry:
    """Append an `audit.sealed` entry under the newest key.

    Its keyed hash covers the hash of the entry before it, so entries written before
    audit keys existed (plain SHA-256) can no longer be rewritten unnoticed; after a key
    rotation it marks where the new key takes over.
    """
    keys = audit_keys()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        last = AuditEntry.objects.filter(seq=head.seq).only("key_id").first()
        unkeyed = AuditEntry.objects.filter(key_id="").count()
        return record(
            "audit.sealed",
            object_type="audit.chain",
            key_id=keys.signing_id,
            previous_key_id=last.key_id if last else "",
            unkeyed_entries=unkeyed,
        )
