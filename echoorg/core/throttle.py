"""Rate limiting by counting failures in a sliding window (logins, later receipt codes).

Pure: the caller keeps the failure times and the lock, this decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


def recent_failures(
    failures: list[datetime], now: datetime, policy: ThrottlePolicy
) -> list[datetime]:
    """The failures still inside the window ending at `now`, oldest first."""
    return sorted(t for t in failures if now - policy.window < t <= now)


def locked_until(
    failures: list[datetime], now: datetime, policy: ThrottlePolicy
) -> datetime | None:
    """When the lock ends, if one is in force at `now`; else None.

    A lock starts at a failure that completes `max_failures` failures within one window
    and lasts `lockout`. Callers do not record attempts made while locked, so waiting
    out the lock always frees the account; a further failure soon after, with the
    earlier ones still inside the window, locks it again at once.
    """
    past = sorted(t for t in failures if t <= now)
    if not past:
        return None
    last = past[-1]
    in_window = [t for t in past if last - policy.window < t]
    if len(in_window) < policy.max_failures:
        return None
    until = last + policy.lockout
    return until if until > now else None
