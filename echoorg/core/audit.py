"""The audit trail's hash chain: computing entry hashes and verifying a chain.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
deleting or reordering any entry breaks every hash after it. Sequence numbers are
consecutive from 1; the chain head (the last sequence number and hash, kept apart from
the entries) shows when entries were removed from the end. This is the construction of
Schneier and Kelsey, "Secure audit logs to support computer forensics" (1999), without
the encryption.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    """What the hash covers. `at` is an ISO 8601 timestamp in UTC."""

    seq: int
    at: str
    actor: str | None
    organisation: str | None
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str = ""


def entry_hash(entry: ChainEntry) -> str:
    """SHA-256 over the canonical JSON of the entry's fields and the previous hash."""
    payload = json.dumps(
        [
            entry.seq,
            entry.at,
            entry.actor,
            entry.organisation,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.detail,
            entry.prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(
    entries: Iterable[ChainEntry], head_seq: int | None, head_hash: str | None
) -> Verification:
    """Check entries (in ascending `seq` order) against each other and the chain head.

    Reports the first entry that was changed (its hash no longer matches), inserted or
    moved (its previous hash is not the hash of the entry before it), or deleted (a gap
    in the sequence, or a head pointing past the last entry).
    """
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return Verification(
                    False,
                    checked,
                    expected_seq,
                    f"entry {expected_seq} is missing (deleted); the next entry is {entry.seq}.",
                )
            return Verification(
                False, checked, entry.seq, f"entry {entry.seq} appears out of order."
            )
        if entry.prev_hash != prev_hash:
            return Verification(
                False,
                checked,
                entry.seq,
                f"entry {entry.seq} does not follow entry {entry.seq - 1} "
                "(inserted, moved, or the entry before it was replaced).",
            )
        if entry_hash(entry) != entry.hash:
            return Verification(
                False, checked, entry.seq, f"entry {entry.seq} was changed after it was written."
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    if (head_seq or 0) != last:
        if (head_seq or 0) > last:
            return Verification(
                False, checked, last + 1, f"entries {last + 1} to {head_seq} are missing (deleted)."
            )
        return Verification(
            False, checked, head_seq + 1 if head_seq else 1,
            f"entries after {head_seq or 0} were added outside the audit log.",
        )
    if last and head_hash != prev_hash:
        return Verification(False, checked, last, f"entry {last} does not match the chain head.")
    return Verification(True, checked)
