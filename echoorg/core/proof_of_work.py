"""Proof-of-work challenges for the public speak-up forms (raising and following up).

The server issues a challenge: a short text naming what it is for (the form and the
organisation), how hard it is (leading zero bits), when it expires and a random id, all
signed with HMAC-SHA256 under a server secret so nobody can forge or ease it. The
browser finds a nonce such that SHA-256(challenge + ":" + nonce) begins with that many
zero bits (about 2**bits hashes on average) and sends it with the form. Checking costs
the server one HMAC and one SHA-256, so it is done before any expensive work such as the
Argon2 hash of a receipt code. The same idea is used by GlobaLeaks and by Hashcash
(Back, 2002).

Difficulty grows with the failures recently counted for an organisation, by one bit
(twice the work) per `failures_per_bit` failures, up to a ceiling: a stranger can make
guessing dearer for everyone, but never lock a genuine reporter out.

Pure: no Django, no clock and no randomness of its own; the caller passes the key, the
time and the random id, and remembers which challenges have been used.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import itertools
from dataclasses import dataclass

VERSION = "pow1"
MAX_BITS = 40  # above this a browser would need days; refuse such challenges outright
MAX_NONCE_LENGTH = 20
_FIELDS = 6  # version, purpose, scope, bits, expires, id (then the signature)


class Verdict(enum.Enum):
    """The outcome of checking a solution; only OK lets the form through."""

    OK = "ok"
    MISSING = "missing"  # no challenge or no nonce sent
    MALFORMED = "malformed"  # not a challenge this server could have issued
    FORGED = "forged"  # the signature does not match
    WRONG_PLACE = "wrong_place"  # issued for another form or organisation
    EXPIRED = "expired"
    TOO_EASY = "too_easy"  # issued at a difficulty below what is required now
    UNSOLVED = "unsolved"  # the nonce does not give enough leading zero bits
    REUSED = "reused"  # already used once (the caller remembers used ids)


@dataclass(frozen=True)
class Challenge:
    """What a challenge says about itself (after its signature has been checked)."""

    purpose: str
    scope: str
    bits: int
    expires: int  # seconds since the epoch
    id: str
    token: str  # the full signed text the browser hashes


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def _clean(value: str) -> str:
    if not value or not value.replace("-", "").replace("_", "").isalnum() or not value.isascii():
        raise ValueError(f"not a plain identifier: {value!r}")
    return value


def issue(
    key: bytes, *, purpose: str, scope: str, bits: int, now: float, ttl: float, random_id: str
) -> str:
    """A signed challenge text.

    purpose and scope (e.g. "follow_up" and an organisation id) are letters, digits,
    '-' or '_'; bits is the required number of leading zero bits (0 to MAX_BITS); the
    challenge expires `ttl` seconds after `now`; random_id (hex) makes it unique.
    """
    if not 0 <= bits <= MAX_BITS:
        raise ValueError(f"bits must be between 0 and {MAX_BITS}")
    body = ".".join(
        [
            VERSION,
            _clean(purpose),
            _clean(scope),
            str(int(bits)),
            str(int(now + ttl)),
            _clean(random_id),
        ]
    )
    return f"{body}.{_sign(key, body)}"


def read(key: bytes, token: str) -> Challenge | None:
    """The challenge inside a signed text, or None when it is malformed or forged."""
    if not token or len(token) > 300 or not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) != _FIELDS + 1 or parts[0] != VERSION:
        return None
    body, signature = ".".join(parts[:-1]), parts[-1]
    if not hmac.compare_digest(_sign(key, body), signature):
        return None
    _, purpose, scope, bits, expires, random_id = parts[:-1]
    if not (bits.isdigit() and expires.isdigit()):
        return None
    return Challenge(purpose, scope, int(bits), int(expires), random_id, token)


def leading_zero_bits(digest: bytes) -> int:
    """How many bits at the start of `digest` are zero."""
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def work(token: str, nonce: str) -> bytes:
    """The SHA-256 the browser computes: of the challenge text, ':' and the nonce."""
    return hashlib.sha256(f"{token}:{nonce}".encode("ascii")).digest()


def is_solution(token: str, nonce: str, bits: int) -> bool:
    """True when `nonce` (decimal digits) gives at least `bits` leading zero bits."""
    if not nonce or len(nonce) > MAX_NONCE_LENGTH or not nonce.isdigit() or not nonce.isascii():
        return False
    return leading_zero_bits(work(token, nonce)) >= bits


def check(
    key: bytes,
    token: str | None,
    nonce: str | None,
    *,
    purpose: str,
    scope: str,
    now: float,
    required_bits: int,
) -> tuple[Verdict, Challenge | None]:
    """Check a submitted solution, cheapest tests first.

    Returns the verdict and, when the signature holds, the challenge (whose id the
    caller remembers until it expires, so each challenge is used once). A challenge
    issued at fewer bits than `required_bits` is refused, so challenges fetched before
    the difficulty rose cannot be stockpiled.
    """
    if not token or not nonce:
        return Verdict.MISSING, None
    challenge = read(key, token)
    if challenge is None:
        return (Verdict.MALFORMED if len(token.split(".")) != _FIELDS + 1 else Verdict.FORGED), None
    if challenge.purpose != purpose or challenge.scope != scope:
        return Verdict.WRONG_PLACE, challenge
    if challenge.expires < now:
        return Verdict.EXPIRED, challenge
    if challenge.bits < required_bits:
        return Verdict.TOO_EASY, challenge
    if not is_solution(token, nonce, challenge.bits):
        return Verdict.UNSOLVED, challenge
    return Verdict.OK, challenge


def solve(token: str, bits: int, start: int = 0) -> str:
    """Find a nonce for `token` by trying 0, 1, 2, … (what the browser's script does)."""
    for nonce in itertools.count(start):
        text = str(nonce)
        if leading_zero_bits(work(token, text)) >= bits:
            return text
    raise AssertionError("unreachable")


def difficulty(
    base_bits: int, recent_failures: int, *, failures_per_bit: int, max_bits: int
) -> int:
    """The bits to ask for: one more than `base_bits` per `failures_per_bit` recent
    failures, never more than `max_bits` (so a genuine visitor can always solve it)."""
    if failures_per_bit < 1:
        raise ValueError("failures_per_bit must be at least 1")
    extra = max(0, recent_failures) // failures_per_bit
    return max(0, min(max_bits, base_bits + extra))


def expected_hashes(bits: int) -> int:
    """The average number of SHA-256 computations needed to solve at `bits`."""
    count: int = 2**bits
    return count
