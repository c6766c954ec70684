"""Receipt codes are hashed at the cost the settings name: Argon2id over 64 MiB in
production, lowered for the test run in tests/settings.py (as password hashing is)."""

from __future__ import annotations

from echoorg.common.crypto import hash_receipt
from echoorg.core.crypto import receipt_hash
from echoorg.web import settings as production_settings

CODE = "1234 5678 9012 3456"


def test_production_hashes_receipts_with_three_passes_over_64_mib():
    assert production_settings.ECHOORG_RECEIPT_ARGON2 == {"time_cost": 3, "memory_cost": 65536}


def test_the_test_run_hashes_receipts_cheaply_and_the_setting_decides(settings):
    secret = settings.ECHOORG_RECEIPT_SECRET
    assert settings.ECHOORG_RECEIPT_ARGON2 == {"time_cost": 1, "memory_cost": 8}
    cheap = hash_receipt(CODE)
    assert cheap == receipt_hash(CODE, secret, time_cost=1, memory_cost=8)

    settings.ECHOORG_RECEIPT_ARGON2 = production_settings.ECHOORG_RECEIPT_ARGON2
    costly = hash_receipt(CODE)
    assert costly == receipt_hash(CODE, secret, time_cost=3, memory_cost=65536) != cheap
