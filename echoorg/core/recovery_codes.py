"""Two-factor recovery codes: single-use codes that stand in for an authenticator app.

A code is 16 characters from an alphabet without look-alikes (no 0/o, 1/l/i), grouped in
fours: 31^16, about 2^79 possibilities. That is far beyond guessing even offline, so a
plain SHA-256 (bound to the account, so one person's code is useless for another) is
enough to store; a slow hash would only slow down logins. Only the hash is kept.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 16
GROUP = 4
DEFAULT_COUNT = 10


def new_recovery_code() -> str:
    """A random code such as 'k7qm-2x9d-hw4t-c8ra'."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(chars[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def new_recovery_codes(count: int = DEFAULT_COUNT) -> list[str]:
    """`count` distinct codes."""
    codes: list[str] = []
    while len(codes) < count:
        code = new_recovery_code()
        if code not in codes:
            codes.append(code)
    return codes


def normalise_recovery_code(typed: str) -> str | None:
    """The code's 16 characters in lower case, ignoring spaces and hyphens; None when the
    text cannot be a recovery code (wrong length or a character not in the alphabet)."""
    if len(typed) > 64:
        return None
    chars = "".join(ch for ch in typed.lower() if ch not in " -\t")
    if len(chars) != LENGTH or any(ch not in ALPHABET for ch in chars):
        return None
    return chars


def recovery_code_digest(account_id: int | str, typed: str) -> str | None:
    """SHA-256 of the normalised code bound to the account; None for text that is not a
    code."""
    chars = normalise_recovery_code(typed)
    if chars is None:
        return None
    return hashlib.sha256(f"echoorg-recovery-code:{account_id}:{chars}".encode()).hexdigest()
