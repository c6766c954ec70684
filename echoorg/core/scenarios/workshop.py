"""Workshop mode's rules, without Django: short join codes, hashed participant tokens,
the room's decision at each choice, and how vote counts are shown.

Votes are never linked to a person: a participant is known only by a random token kept in
their browser, and the server stores only a hash of it (keyed by the workshop, so the same
browser's votes in two workshops cannot be matched). Counts under three are shown as
"fewer than 3", and so is anything that would let such a count be worked out by
subtraction (the total of a step where one option is hidden).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

# No 0/O, 1/I/L: read aloud and typed on a phone without mistakes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
SMALLEST_SHOWN = 3
FEWER = f"fewer than {SMALLEST_SHOWN}"


def new_code() -> str:
    """A random join code, e.g. "K7QX2M"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str | None:
    """A typed code made canonical (upper case, spaces and dashes dropped), or None if it
    cannot be a code."""
    code = "".join(ch for ch in text.upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def new_participant_token() -> str:
    return secrets.token_urlsafe(32)


def participant_digest(workshop_key: str, token: str) -> str:
    """What the server keeps of a participant's token: SHA-256 of the workshop's key and
    the token. The token itself is never stored."""
    return hashlib.sha256(f"{workshop_key}:{token}".encode()).hexdigest()


@dataclass(frozen=True)
class Decision:
    """The room's choice at a step: the option index, or None with the reason when the
    facilitator has to pick (no votes, or a tie)."""

    index: int | None
    reason: str = ""


def majority(counts: Sequence[int]) -> Decision:
    """The option with the most votes; None when nobody voted or the top options tie."""
    if not counts or max(counts) == 0:
        return Decision(None, "Nobody has voted yet: pick an option for the room.")
    top = max(counts)
    leaders = [i for i, c in enumerate(counts) if c == top]
    if len(leaders) > 1:
        return Decision(None, "The votes are tied: pick one of the tied options.")
    return Decision(leaders[0])


def shown(count: int) -> str:
    return FEWER if count < SMALLEST_SHOWN else str(count)


@dataclass(frozen=True)
class Split:
    """How a step's votes are shown: one label per option, and the total's label."""

    options: tuple[str, ...]
    total: str


def vote_split(counts: Sequence[int]) -> Split:
    """Labels for `counts`: each under three as "fewer than 3". The total is shown only
    when no option is hidden (otherwise total minus the shown counts would reveal the
    hidden one); a total under three is "fewer than 3" too."""
    labels = tuple(shown(c) for c in counts)
    total = sum(counts)
    if total < SMALLEST_SHOWN:
        total_label = FEWER
    elif FEWER in labels:
        total_label = f"{SMALLEST_SHOWN} or more"
    else:
        total_label = str(total)
    return Split(labels, total_label)
