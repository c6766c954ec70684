"""Limits on what the public speak-up form accepts for one organisation.

Pure: the caller counts the concerns raised in the current period and the bytes of
attachments already stored; this decides whether one more concern may come in.
"""

from __future__ import annotations

RATE = "rate"
STORAGE = "storage"


def intake_refusal(
    *,
    raised_this_period: int,
    max_per_period: int,
    stored_bytes: int,
    incoming_bytes: int,
    quota_bytes: int,
) -> str | None:
    """Which limit a new concern would break: RATE when `max_per_period` concerns have
    already come in this period, STORAGE when its attachments would take the stored
    total past `quota_bytes`; None when it may be accepted. A limit of 0 or less means
    no limit."""
    if max_per_period > 0 and raised_this_period >= max_per_period:
        return RATE
    if quota_bytes > 0 and incoming_bytes > 0 and stored_bytes + incoming_bytes > quota_bytes:
        return STORAGE
    return None
