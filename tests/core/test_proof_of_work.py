"""The proof-of-work challenges of the public speak-up forms (echoorg.core.proof_of_work)."""

from __future__ import annotations

import hashlib

import pytest

from echoorg.core import proof_of_work as pow_core
from echoorg.core.proof_of_work import Verdict

KEY = b"k" * 32
NOW = 1_800_000_000.0


def issue(
    bits: int = 6,
    purpose: str = "follow_up",
    scope: str = "7",
    ttl: float = 600,
    key: bytes = KEY,
    random_id: str = "a1b2c3",
) -> str:
    return pow_core.issue(
        key, purpose=purpose, scope=scope, bits=bits, now=NOW, ttl=ttl, random_id=random_id
    )


def check(
    token: str | None,
    nonce: str | None,
    *,
    now: float = NOW,
    required: int = 0,
    purpose: str = "follow_up",
    scope: str = "7",
) -> Verdict:
    return pow_core.check(
        KEY, token, nonce, purpose=purpose, scope=scope, now=now, required_bits=required
    )[0]


def test_a_solved_challenge_passes():
    token = issue(bits=8)
    nonce = pow_core.solve(token, 8)
    assert check(token, nonce) is Verdict.OK
    assert pow_core.leading_zero_bits(pow_core.work(token, nonce)) >= 8


def test_the_work_is_sha256_of_challenge_colon_nonce():
    token = issue()
    assert pow_core.work(token, "12") == hashlib.sha256(f"{token}:12".encode()).digest()


@pytest.mark.parametrize(
    ("digest", "bits"),
    [
        (b"\x80" + b"\x00" * 31, 0),
        (b"\x00\x01" + b"\xff" * 30, 15),
        (b"\x00\x00\x10" + b"\x00" * 29, 19),
        (b"\x00" * 32, 256),
        (b"\x7f", 1),
    ],
)
def test_leading_zero_bits_are_counted_bit_by_bit(digest, bits):
    assert pow_core.leading_zero_bits(digest) == bits


def test_missing_parts_are_refused():
    token = issue()
    assert check(None, "1") is Verdict.MISSING
    assert check(token, "") is Verdict.MISSING
    assert check("", "") is Verdict.MISSING


@pytest.mark.parametrize(
    "token",
    ["x", "pow1.a.b", "a" * 1000, "pow1.é.7.6.1.a.bad", "pow2.follow_up.7.6.1800000600.a1b2c3.00"],
)
def test_malformed_challenges_are_refused(token):
    assert check(token, "1") in (Verdict.MALFORMED, Verdict.FORGED)


def test_an_eased_or_resigned_challenge_is_refused_as_forged():
    token = issue(bits=20)
    parts = token.split(".")
    parts[3] = "0"  # ask for no work at all
    assert check(".".join(parts), "1") is Verdict.FORGED
    other_key = issue(bits=0, key=b"x" * 32)
    assert check(other_key, "1") is Verdict.FORGED


def test_a_challenge_for_another_form_or_organisation_is_refused():
    token = issue(bits=0)
    assert check(token, "1", scope="8") is Verdict.WRONG_PLACE
    assert check(token, "1", purpose="raise") is Verdict.WRONG_PLACE


def test_an_expired_challenge_is_refused():
    token = issue(bits=0, ttl=60)
    assert check(token, "1", now=NOW + 59) is Verdict.OK
    assert check(token, "1", now=NOW + 61) is Verdict.EXPIRED


def test_a_challenge_easier_than_required_now_is_refused():
    token = issue(bits=4)
    nonce = pow_core.solve(token, 4)
    assert check(token, nonce, required=4) is Verdict.OK
    assert check(token, nonce, required=5) is Verdict.TOO_EASY


def test_a_wrong_or_odd_nonce_is_refused():
    token = issue(bits=12)
    good = pow_core.solve(token, 12)
    bad = next(
        str(n)
        for n in range(10_000)
        if pow_core.leading_zero_bits(pow_core.work(token, str(n))) < 12
    )
    assert check(token, bad) is Verdict.UNSOLVED
    for odd in ("-1", "1e9", "٣", "1" * 21, f" {good}", "0x10"):
        assert check(token, odd) is Verdict.UNSOLVED, odd


def test_issue_refuses_odd_identifiers_and_impossible_difficulty():
    with pytest.raises(ValueError):
        issue(purpose="a.b")
    with pytest.raises(ValueError):
        issue(scope="")
    with pytest.raises(ValueError):
        issue(bits=41)


def test_difficulty_grows_with_failures_up_to_a_ceiling():
    assert pow_core.difficulty(18, 0, failures_per_bit=20, max_bits=24) == 18
    assert pow_core.difficulty(18, 19, failures_per_bit=20, max_bits=24) == 18
    assert pow_core.difficulty(18, 20, failures_per_bit=20, max_bits=24) == 19
    assert pow_core.difficulty(18, 200, failures_per_bit=20, max_bits=24) == 24
    assert pow_core.difficulty(18, 10**9, failures_per_bit=20, max_bits=24) == 24
    assert pow_core.difficulty(18, -5, failures_per_bit=20, max_bits=24) == 18
    with pytest.raises(ValueError):
        pow_core.difficulty(18, 1, failures_per_bit=0, max_bits=24)


def test_expected_work_doubles_with_each_bit():
    assert pow_core.expected_hashes(18) == 262_144
    assert pow_core.expected_hashes(19) == 2 * pow_core.expected_hashes(18)
