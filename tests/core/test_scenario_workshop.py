"""Workshop mode's rules: join codes, participant digests, the room's majority and how
vote counts are shown (counts under three as "fewer than 3", never recoverable by
subtraction)."""

from __future__ import annotations

from echoorg.core.scenarios.workshop import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FEWER,
    clean_code,
    majority,
    new_code,
    new_participant_token,
    participant_digest,
    vote_split,
)


def test_codes_are_short_unambiguous_and_forgiving_when_typed():
    code = new_code()
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert clean_code("k7qx-2") is None  # too short
    assert clean_code("k7qx-2mp") is None  # too long
    assert clean_code("k7q x2m") == "K7QX2M"
    assert clean_code("K7QX2O") is None  # O is not in the alphabet
    assert clean_code("") is None


def test_the_server_keeps_a_digest_that_differs_per_workshop():
    token = new_participant_token()
    assert len(token) >= 40
    one, two = participant_digest("1", token), participant_digest("2", token)
    assert one != two and token not in one
    assert participant_digest("1", token) == one


def test_the_majority_wins_and_ties_or_silence_go_to_the_facilitator():
    assert majority([1, 5, 2]).index == 1
    assert majority([3, 3]).index is None and "tied" in majority([3, 3]).reason
    assert majority([0, 0]).index is None and "Nobody" in majority([0, 0]).reason
    assert majority([]).index is None


def test_small_counts_are_hidden_and_cannot_be_recovered_from_the_total():
    split = vote_split([5, 2, 0])
    assert split.options == ("5", FEWER, FEWER)
    assert split.total == "3 or more"  # 7 would reveal that the other two add up to 2
    assert vote_split([4, 3]).total == "7"
    assert vote_split([1, 1]).total == FEWER
    assert vote_split([1, 1]).options == (FEWER, FEWER)
