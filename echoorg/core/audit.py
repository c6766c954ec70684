"""The audit trail's hash chain: computing entry hashes and verifying a chain.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
deleting or reordering any entry breaks every hash after it. Sequence numbers are
consecutive from 1. This is the construction of Schneier and Kelsey, "Secure audit logs
to support computer forensics" (1999), without the encryption.

The hash is an HMAC-SHA256 (RFC 2104) under an audit key that is kept outside the
database, so someone who can write to the database cannot recompute the chain after
changing an entry. Each entry names the key that sealed it (`key_id`, derived from the
key), so keys can be rotated: the first configured key seals new entries, every
configured key verifies, and once a newer key has sealed an entry an older one may not
seal any entry after it.

Entries written before keys were introduced carry no key id and a plain SHA-256; they
are accepted only as the start of a chain that a keyed entry follows ("sealing"): the
first keyed entry covers the last unkeyed hash, and with it every unkeyed entry before.

What a key cannot stop is someone deleting entries from the end (or all of them) and
putting the database's own head back to match: only a copy of the head kept outside
(`ChainHead`, checked by `verify_chain(..., against=...)`) shows that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

GENESIS = "0" * 64
UNKEYED = ""
MIN_KEY_LENGTH = 32
HEAD_FORMAT = "echoorg-audit-head/1"


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
    key_id: str = UNKEYED


class UnknownKeyError(KeyError):
    """An entry names an audit key that is not configured."""


def new_audit_key() -> str:
    """A fresh random audit key (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def audit_key_id(key: str) -> str:
    """A short public name for a key: 12 hex digits of a domain-separated SHA-256.

    It says which key sealed an entry without revealing anything usable about the key.
    """
    return hashlib.sha256(("echoorg-audit-key-id:" + key).encode("utf-8")).hexdigest()[:12]


class AuditKeys:
    """The configured audit keys, newest first: the first seals, all of them verify."""

    def __init__(self, keys: Sequence[str]) -> None:
        cleaned = [k.strip() for k in keys if k and k.strip()]
        if not cleaned:
            raise ValueError("at least one audit key is needed")
        for key in cleaned:
            if len(key) < MIN_KEY_LENGTH:
                raise ValueError(f"an audit key needs at least {MIN_KEY_LENGTH} characters")
        self._by_id = {audit_key_id(k): k.encode("utf-8") for k in cleaned}
        self.ids: list[str] = list(dict.fromkeys(audit_key_id(k) for k in cleaned))

    @property
    def signing_id(self) -> str:
        """The id of the key that seals new entries."""
        return self.ids[0]

    def rank(self, key_id: str) -> int | None:
        """0 for the newest key, larger for older ones; None when not configured."""
        try:
            return self.ids.index(key_id)
        except ValueError:
            return None

    def secret(self, key_id: str) -> bytes:
        try:
            return self._by_id[key_id]
        except KeyError:
            raise UnknownKeyError(key_id) from None


def _payload(entry: ChainEntry) -> bytes:
    fields: list[Any] = [
        entry.seq,
        entry.at,
        entry.actor,
        entry.organisation,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.detail,
        entry.prev_hash,
    ]
    if entry.key_id != UNKEYED:
        fields.append(entry.key_id)
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def entry_hash(entry: ChainEntry, keys: AuditKeys | None = None) -> str:
    """The entry's hash: HMAC-SHA256 under the key `entry.key_id` names, over the
    canonical JSON of its fields, the previous hash and the key id.

    An entry without a key id (written before keys existed) gets the plain SHA-256 of
    the same JSON without the key id. Raises UnknownKeyError when the key is not in
    `keys`.
    """
    if entry.key_id == UNKEYED:
        return hashlib.sha256(_payload(entry)).hexdigest()
    if keys is None:
        raise UnknownKeyError(entry.key_id)
    return hmac.new(keys.secret(entry.key_id), _payload(entry), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The chain's last entry as kept outside the database: position, count, keyed hash
    and time. `at` and `key_id` are empty for an empty chain."""

    seq: int
    entries: int
    hash: str
    at: str
    key_id: str

    def to_json(self) -> str:
        return json.dumps({"format": HEAD_FORMAT, **asdict(self)}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ChainHead:
        """Read a head written by `to_json`; raises ValueError saying what is wrong."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise ValueError(f"the head is not JSON ({error})") from None
        if not isinstance(data, dict) or data.get("format") != HEAD_FORMAT:
            raise ValueError(f"the head is not an echoorg audit head (format {HEAD_FORMAT})")
        seq, entries, digest = data.get("seq"), data.get("entries"), data.get("hash")
        at, key_id = data.get("at", ""), data.get("key_id", "")
        if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
            raise ValueError("the head's 'seq' must be a whole number, 0 or more")
        if not (isinstance(entries, int) and not isinstance(entries, bool) and entries >= 0):
            raise ValueError("the head's 'entries' must be a whole number, 0 or more")
        if not (
            isinstance(digest, str)
            and len(digest) == 64
            and all(c in "0123456789abcdef" for c in digest)
        ):
            raise ValueError("the head's 'hash' must be 64 lower-case hex digits")
        if not isinstance(at, str) or not isinstance(key_id, str):
            raise ValueError("the head's 'at' and 'key_id' must be text")
        return cls(seq=seq, entries=entries, hash=digest, at=at, key_id=key_id)


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    unsealed: int = 0


def verify_chain(
    entries: Iterable[ChainEntry],
    head_seq: int | None,
    head_hash: str | None,
    keys: AuditKeys,
    *,
    against: ChainHead | None = None,
    require_sealed: bool = True,
) -> Verification:
    """Check entries (in ascending `seq` order) against each other, the database's head
    and, when given, a head kept outside the database.

    Reports the first entry that was changed (its keyed hash no longer matches), inserted
    or moved (its previous hash is not the hash of the entry before it), deleted (a gap in
    the sequence, or a head pointing past the last entry), sealed with an unknown key or
    with a key older than one already used, or left unkeyed after keyed entries. With
    `against`, the chain must reach the saved head's position and have the same hash
    there. With `require_sealed`, a chain that ends in unkeyed entries fails (they could
    have been rewritten by anyone); `Verification.unsealed` counts them either way.
    """
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    newest_rank: int | None = None
    unsealed = 0
    for entry in entries:
        seq = entry.seq
        if seq != expected_seq:
            if seq > expected_seq:
                return Verification(
                    False,
                    checked,
                    expected_seq,
                    f"entry {expected_seq} is missing (deleted); the next entry is {seq}.",
                )
            return Verification(False, checked, seq, f"entry {seq} appears out of order.")
        if entry.prev_hash != prev_hash:
            return Verification(
                False,
                checked,
                seq,
                f"entry {seq} does not follow entry {seq - 1} "
                "(inserted, moved, or the entry before it was replaced).",
            )
        if entry.key_id == UNKEYED:
            if newest_rank is not None:
                return Verification(
                    False,
                    checked,
                    seq,
                    f"entry {seq} has no audit key although entries before it have: "
                    "it was written outside the audit log.",
                )
            unsealed += 1
        else:
            rank = keys.rank(entry.key_id)
            if rank is None:
                return Verification(
                    False,
                    checked,
                    seq,
                    f"entry {seq} is sealed with audit key {entry.key_id}, which is not "
                    "configured (ECHOORG_AUDIT_KEYS): it was forged, or a key was removed.",
                )
            if newest_rank is not None and rank > newest_rank:
                return Verification(
                    False,
                    checked,
                    seq,
                    f"entry {seq} is sealed with audit key {entry.key_id}, older than the key "
                    "of an entry before it: a retired key was used after rotation.",
                )
            newest_rank = rank
            unsealed = 0
        if not hmac.compare_digest(entry_hash(entry, keys), entry.hash):
            return Verification(
                False, checked, seq, f"entry {seq} was changed after it was written."
            )
        if against is not None and seq == against.seq and entry.hash != against.hash:
            return Verification(
                False,
                checked,
                seq,
                f"entry {seq} does not match the saved head: the trail up to it was "
                "rewritten since the head was saved.",
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    if against is not None and last < against.seq:
        where = "is empty" if last == 0 else f"ends at entry {last}"
        return Verification(
            False,
            checked,
            last + 1,
            f"the trail {where}, but the saved head is entry {against.seq} "
            f"({against.entries} entries{', at ' + against.at if against.at else ''}): "
            "entries were deleted.",
        )
    if (head_seq or 0) != last:
        if (head_seq or 0) > last:
            return Verification(
                False, checked, last + 1, f"entries {last + 1} to {head_seq} are missing (deleted)."
            )
        return Verification(
            False,
            checked,
            (head_seq or 0) + 1,
            f"entries after {head_seq or 0} were added outside the audit log.",
        )
    if last and head_hash != prev_hash:
        return Verification(False, checked, last, f"entry {last} does not match the chain head.")
    if require_sealed and unsealed:
        return Verification(
            False,
            checked,
            last - unsealed + 1,
            f"entries {last - unsealed + 1} to {last} are not sealed with the audit key: "
            "written by a version before audit keys whose upgrade did not seal them, or "
            "rewritten by someone without the key. Compare them with a saved head or a "
            "backup before sealing them with `echoorg audit seal --accept-unkeyed`.",
            unsealed,
        )
    return Verification(True, checked, unsealed=unsealed)
