"""Rate limiting: a sliding-window lock (receipt codes) and a growing delay (logins).

Pure: the caller keeps the failure times or counts, this decides.

Logins use `Backoff`, a delay that doubles with each failure from one client for one
address, up to a cap (truncated binary exponential backoff, as Ethernet retries use it:
Metcalfe and Boggs, 1976). Because the caller keys the count by address *and* client, a
stranger hammering someone's address only slows themselves; the real person, from their
own client, is not held up.
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


@dataclass(frozen=True)
class Backoff:
    """A growing delay after repeated failures.

    `free_failures` failures cost nothing; the next failure makes the client wait
    `first_delay` seconds, each further one `factor` times longer, never more than
    `longest_delay`. Failures are forgotten `memory` seconds after the last one.
    """

    free_failures: int = 5
    first_delay: float = 30.0
    factor: float = 2.0
    longest_delay: float = 900.0
    memory: float = 86400.0


@dataclass(frozen=True)
class FailureCount:
    """How many failures one client has had for one address, and when the last was
    (seconds on any clock that only moves forward in step with the caller's `now`)."""

    failures: int
    last: float


def backoff_delay(failures: int, policy: Backoff) -> float:
    """Seconds to wait after `failures` failures: 0 up to `free_failures`, then
    min(longest_delay, first_delay × factor^(failures − free_failures − 1)), so the first
    failure past the free ones waits `first_delay` and each further one `factor` times more.
    """
    beyond = failures - policy.free_failures
    if beyond <= 0:
        return 0.0
    # Cap the exponent before computing the power, so a huge count cannot overflow.
    doublings = min(beyond - 1, 64)
    return float(min(policy.longest_delay, policy.first_delay * policy.factor**doublings))


def _remembered(count: FailureCount | None, now: float, policy: Backoff) -> FailureCount | None:
    if count is None or now - count.last >= policy.memory or count.failures <= 0:
        return None
    return count


def wait_seconds(count: FailureCount | None, now: float, policy: Backoff) -> float:
    """How long the client must still wait before its next attempt (0: it may try now)."""
    count = _remembered(count, now, policy)
    if count is None:
        return 0.0
    return max(0.0, count.last + backoff_delay(count.failures, policy) - now)


def after_failure(count: FailureCount | None, now: float, policy: Backoff) -> FailureCount:
    """The count after one more failure at `now` (a forgotten count starts again at 1).

    Callers record only attempts that were checked, never those refused for waiting, so
    waiting out the delay always allows the next attempt.
    """
    count = _remembered(count, now, policy)
    if count is None:
        return FailureCount(1, now)
    return FailureCount(count.failures + 1, now)
