"""Writing to and verifying the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from echoorg.core.audit import ChainEntry, Verification, entry_hash, verify_chain

from .models import AuditEntry, AuditHead


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
    """Append an entry. Pass `actor=None` for anonymous actions.

    Runs inside the caller's transaction when there is one, so the entry is written
    exactly when the change it describes is.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
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
        )
        entry.detail = _round_trip(entry.detail)
        entry.hash = entry_hash(_as_chain_entry(entry))
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


def verify() -> Verification:
    """Verify the whole stored chain against its head."""
    head = AuditHead.objects.filter(id=1).first()
    return verify_chain(_entries(), head.seq if head else 0, head.hash if head else None)
