"""The configured vault: encryption keys come from settings (ECHOORG_ENCRYPTION_KEYS).

Speak-up data and the accounts' two-factor secrets are encrypted with it.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from echoorg.core.crypto import Vault, receipt_hash


@lru_cache(maxsize=4)
def _vault(keys: tuple[str, ...]) -> Vault:
    return Vault(keys)


def vault() -> Vault:
    return _vault(tuple(settings.ECHOORG_ENCRYPTION_KEYS))


def hash_receipt(code: str) -> str:
    return receipt_hash(
        code, settings.ECHOORG_RECEIPT_SECRET, **getattr(settings, "ECHOORG_RECEIPT_ARGON2", {})
    )
