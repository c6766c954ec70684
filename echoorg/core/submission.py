"""One-time submission keys for forms where a repeated POST would repeat an action.

A form is issued with a key: `sub1.<scope>.<expiry>.<random id>.<HMAC-SHA256>`, signed
with a server secret so nobody can forge one for another scope or stretch its expiry.
The server keeps nothing when it issues a key. When the form comes back, the key's
`digest` (an HMAC of the random id) is stored with what the form created, in a column
the database keeps unique, so the second POST with the same key (a reload, a double
click, the back button) fails inside the same transaction instead of creating a second
record: the key is consumed atomically by the database itself, on SQLite and PostgreSQL
alike, without a cache that each process would keep on its own.

A receipt that must reach the page after the redirect can be sealed here too: the
server keeps the sealed text (in the session) and the browser keeps the key (in a
cookie), so neither a copy of the database nor the browser alone can read it.

Pure: no Django, no clock and no randomness of its own beyond `new_sealing_key`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

VERSION = "sub1"
_ID = re.compile(r"[0-9a-f]{32}")
_SCOPE = re.compile(r"[a-z0-9_-]{1,40}")


@dataclass(frozen=True)
class SubmissionKey:
    scope: str
    expires: int
    id: str
    token: str


def _signature(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, scope: str, now: int, lifetime: int, random_id: str) -> str:
    """A signed key for a form of `scope` (e.g. "raise-12"), valid `lifetime` seconds
    from `now`. `random_id` is 32 lower-case hex digits from a secure source."""
    if not _ID.fullmatch(random_id) or not _SCOPE.fullmatch(scope):
        raise ValueError("a submission key needs a 32-digit hex id and a plain scope")
    body = f"{VERSION}.{scope}.{now + lifetime}.{random_id}"
    return f"{body}.{_signature(key, body)}"


def check(key: bytes, token: str | None, scope: str, now: int) -> SubmissionKey | None:
    """The key if `token` was issued by this server for `scope` and has not expired;
    None otherwise (missing, malformed, forged, another scope, expired). Whether it has
    been used is the caller's question (the unique column)."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    _, found_scope, expires, random_id, signature = parts
    body = ".".join(parts[:4])
    if not hmac.compare_digest(_signature(key, body), signature):
        return None
    if found_scope != scope or not expires.isdigit() or int(expires) < now:
        return None
    if not _ID.fullmatch(random_id):
        return None
    return SubmissionKey(found_scope, int(expires), random_id, token)


def digest(key: bytes, submission: SubmissionKey) -> str:
    """What is stored to mark the key used: 64 hex digits that reveal nothing of the
    key and cannot be made without the server secret."""
    return _signature(key, f"used.{submission.scope}.{submission.id}")


def new_sealing_key() -> str:
    return Fernet.generate_key().decode()


def seal(sealing_key: str, text: str) -> str:
    return Fernet(sealing_key.encode()).encrypt(text.encode()).decode()


def unseal(sealing_key: str | None, sealed: str | None) -> str | None:
    """The text, or None if either half is missing or they do not belong together."""
    if not sealing_key or not sealed:
        return None
    try:
        return Fernet(sealing_key.encode()).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return None
