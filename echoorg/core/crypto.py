"""Encryption at rest for speak-up data, and the slow hash of receipt codes.

Text and files are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package). Several keys may be configured: the first encrypts, all of them
decrypt, so keys can be rotated without downtime (`echoorg concerns rotate-key`).

Receipt codes are stored only as an Argon2id hash (RFC 9106) with a salt derived from a
site secret, so a code can be looked up without being stored, and guessing is slow.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from argon2.low_level import Type, hash_secret_raw
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

RECEIPT_DIGITS = 16


class DecryptionError(ValueError):
    """A value could not be decrypted with any configured key."""


class Vault:
    """Encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(bytes(token))
        except InvalidToken:
            raise DecryptionError("cannot decrypt with any configured key") from None

    def encrypt_text(self, text: str) -> bytes:
        return self.encrypt(text.encode("utf-8"))

    def decrypt_text(self, token: bytes | None) -> str:
        return "" if not token else self.decrypt(token).decode("utf-8")

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt with the first (newest) key."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise DecryptionError("cannot decrypt with any configured key") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


def new_receipt_code() -> str:
    """A random 16-digit code, grouped in fours for reading aloud: '1234 5678 9012 3456'."""
    digits = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalise_receipt(code: str) -> str | None:
    """The digits of a typed code, or None when it cannot be a receipt code."""
    if len(code) > 64:
        return None
    digits = "".join(ch for ch in code if ch in "0123456789")
    if len(digits) != RECEIPT_DIGITS:
        return None
    return digits


def receipt_hash(
    code: str, site_secret: str, *, time_cost: int = 3, memory_cost: int = 64 * 1024
) -> str:
    """Argon2id of the code's digits (about 0.1 s), salted per site so equal codes on two
    sites differ; deterministic so the hash itself is the lookup key. The cost (passes,
    KiB of memory) must stay the same for the life of a site; tests lower it."""
    digits = normalise_receipt(code)
    if digits is None:
        raise ValueError("a receipt code has 16 digits")
    salt = hashlib.sha256(("echoorg-receipt:" + site_secret).encode()).digest()[:16]
    raw = hash_secret_raw(
        digits.encode(),
        salt,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()
