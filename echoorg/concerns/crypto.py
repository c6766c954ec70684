"""The configured vault lives in echoorg.common.crypto (accounts uses it too); this name
stays for the speak-up modules that import it from here."""

from echoorg.common.crypto import hash_receipt, vault

__all__ = ["hash_receipt", "vault"]
