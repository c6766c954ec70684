"""Tests for the pure sliding-window throttle used for logins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from echoorg.core.throttle import ThrottlePolicy, locked_until, recent_failures

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_it_does_not_lock_without_failures():
    assert locked_until([], T0, POLICY) is None


def test_it_does_not_lock_under_the_limit():
    failures = minutes(0, 1, 2, 3)
    assert locked_until(failures, T0 + timedelta(minutes=4), POLICY) is None


def test_it_locks_after_max_failures_in_the_window():
    failures = minutes(0, 1, 2, 3, 4)
    now = T0 + timedelta(minutes=5)
    assert locked_until(failures, now, POLICY) == T0 + timedelta(minutes=4) + POLICY.lockout


def test_it_locks_from_the_moment_of_the_last_failure():
    failures = minutes(0, 1, 2, 3, 4)
    last = failures[-1]
    assert locked_until(failures, last, POLICY) == last + POLICY.lockout


def test_it_ignores_input_order():
    failures = minutes(4, 0, 3, 1, 2)
    assert locked_until(failures, T0 + timedelta(minutes=5), POLICY) == T0 + timedelta(minutes=19)


def test_it_unlocks_once_the_lockout_has_passed():
    failures = minutes(0, 1, 2, 3, 4)
    until = T0 + timedelta(minutes=19)
    assert locked_until(failures, until - timedelta(seconds=1), POLICY) == until
    assert locked_until(failures, until, POLICY) is None
    assert locked_until(failures, until + timedelta(hours=1), POLICY) is None


def test_it_does_not_lock_for_failures_spread_beyond_the_window():
    # Five failures, but never five within any 15 minutes.
    failures = minutes(0, 4, 8, 12, 16)
    for now in minutes(16, 17, 30):
        assert locked_until(failures, now, POLICY) is None


def test_it_counts_a_failure_exactly_one_window_old_as_outside():
    failures = minutes(0, 5, 10, 14, 15)
    assert locked_until(failures, T0 + timedelta(minutes=15), POLICY) is None


def test_it_locks_again_at_once_after_a_lock_expired_while_earlier_failures_are_in_window():
    policy = ThrottlePolicy(
        max_failures=5, window=timedelta(minutes=30), lockout=timedelta(minutes=5)
    )
    failures = minutes(0, 1, 2, 3, 4)
    assert locked_until(failures, T0 + timedelta(minutes=9), policy) is None
    # One more failure right after the lock ended: the earlier four are still in the window.
    failures.append(T0 + timedelta(minutes=10))
    now = T0 + timedelta(minutes=10)
    assert locked_until(failures, now, policy) == now + policy.lockout


def test_it_ignores_failures_in_the_future():
    now = T0 + timedelta(minutes=5)
    failures = minutes(0, 1) + minutes(6, 7, 8, 9)
    assert locked_until(failures, now, POLICY) is None
    assert recent_failures(failures, now, POLICY) == minutes(0, 1)


def test_it_does_not_let_future_failures_extend_a_lock():
    now = T0 + timedelta(minutes=5)
    failures = minutes(0, 1, 2, 3, 4) + minutes(60)
    assert locked_until(failures, now, POLICY) == T0 + timedelta(minutes=19)


def test_it_lists_recent_failures_oldest_first():
    now = T0 + timedelta(minutes=20)
    failures = minutes(19, 2, 6, 10)
    assert recent_failures(failures, now, POLICY) == minutes(6, 10, 19)


def test_it_excludes_failures_exactly_one_window_old_from_recent():
    now = T0 + timedelta(minutes=15)
    assert recent_failures(minutes(0, 15), now, POLICY) == minutes(15)


def test_it_returns_no_recent_failures_when_there_are_none():
    assert recent_failures([], T0, POLICY) == []


# -- the growing delay used for logins ---------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from echoorg.core.throttle import (  # noqa: E402
    Backoff,
    FailureCount,
    after_failure,
    backoff_delay,
    wait_seconds,
)

BACKOFF = Backoff(free_failures=5, first_delay=30, factor=2, longest_delay=900, memory=86400)


def test_the_first_failures_cost_nothing():
    assert [backoff_delay(n, BACKOFF) for n in range(6)] == [0, 0, 0, 0, 0, 0]


def test_each_further_failure_doubles_the_delay_up_to_the_cap():
    assert [backoff_delay(n, BACKOFF) for n in range(6, 13)] == [30, 60, 120, 240, 480, 900, 900]


def test_a_huge_count_stays_at_the_cap():
    assert backoff_delay(10**9, BACKOFF) == 900


def test_a_client_waits_from_its_last_failure():
    count = FailureCount(failures=7, last=1000.0)
    assert wait_seconds(count, 1000.0, BACKOFF) == 60
    assert wait_seconds(count, 1059.0, BACKOFF) == 1
    assert wait_seconds(count, 1060.0, BACKOFF) == 0


def test_no_count_means_no_wait():
    assert wait_seconds(None, 0.0, BACKOFF) == 0


def test_failures_are_forgotten_after_the_memory():
    count = FailureCount(failures=50, last=0.0)
    assert wait_seconds(count, BACKOFF.memory, BACKOFF) == 0
    assert after_failure(count, BACKOFF.memory, BACKOFF) == FailureCount(1, BACKOFF.memory)


def test_a_failure_adds_one_and_moves_the_time():
    assert after_failure(None, 5.0, BACKOFF) == FailureCount(1, 5.0)
    assert after_failure(FailureCount(3, 1.0), 5.0, BACKOFF) == FailureCount(4, 5.0)


@given(st.integers(min_value=0, max_value=500))
def test_the_delay_never_shrinks_as_failures_grow(n):
    assert backoff_delay(n, BACKOFF) <= backoff_delay(n + 1, BACKOFF) <= BACKOFF.longest_delay


@given(st.lists(st.floats(min_value=0, max_value=10_000), min_size=1, max_size=40))
def test_waiting_out_the_delay_always_allows_the_next_attempt(gaps):
    count, now = None, 0.0
    for gap in gaps:
        now += gap
        now += wait_seconds(count, now, BACKOFF)
        assert wait_seconds(count, now, BACKOFF) == 0
        count = after_failure(count, now, BACKOFF)
