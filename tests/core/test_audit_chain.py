from __future__ import annotations

from dataclasses import replace

import pytest

from echoorg.core.audit import (
    GENESIS,
    UNKEYED,
    AuditKeys,
    ChainEntry,
    ChainHead,
    audit_key_id,
    entry_hash,
    new_audit_key,
    verify_chain,
)

OLD_KEY, NEW_KEY = new_audit_key(), new_audit_key()
KEYS = AuditKeys([OLD_KEY])


def chain(
    n: int, keys: AuditKeys = KEYS, key_id: str | None = None, start: list[ChainEntry] | None = None
) -> list[ChainEntry]:
    entries = list(start or [])
    prev = entries[-1].hash if entries else GENESIS
    kid = keys.signing_id if key_id is None else key_id
    for seq in range(len(entries) + 1, len(entries) + n + 1):
        e = ChainEntry(
            seq,
            f"2026-11-26T10:00:{seq:02d}.000000+00:00",
            "7",
            "1",
            "unit.created",
            "orgs.unit",
            str(seq),
            {"name": f"Team {seq}"},
            prev,
            key_id=kid,
        )
        e = replace(e, hash=entry_hash(e, keys))
        entries.append(e)
        prev = e.hash
    return entries


def check(entries, keys: AuditKeys = KEYS, **kwargs):
    last = entries[-1] if entries else None
    return verify_chain(
        entries, last.seq if last else 0, last.hash if last else GENESIS, keys, **kwargs
    )


def test_an_untouched_chain_verifies():
    result = check(chain(5))
    assert result.ok and result.checked == 5


def test_an_empty_chain_verifies():
    assert check([]).ok


def test_it_names_a_changed_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], detail={"name": "Something else"})
    result = verify_chain(entries, 5, entries[-1].hash, KEYS)
    assert not result.ok and result.first_bad_seq == 3 and "changed" in result.problem


def test_it_names_a_deleted_entry():
    entries = chain(5)
    del entries[1]
    result = verify_chain(entries, 5, entries[-1].hash, KEYS)
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


def test_it_notices_entries_deleted_from_the_end():
    entries = chain(5)
    result = verify_chain(entries[:3], 5, entries[-1].hash, KEYS)
    assert not result.ok and result.first_bad_seq == 4


def test_it_names_an_entry_inserted_out_of_order():
    entries = chain(5)
    forged = replace(entries[3], prev_hash=entries[1].hash)
    forged = replace(forged, hash=entry_hash(forged, KEYS))
    entries[3] = forged
    result = verify_chain(entries, 5, entries[-1].hash, KEYS)
    assert not result.ok and result.first_bad_seq == 4 and "does not follow" in result.problem


def test_it_notices_a_rewritten_tail_that_the_head_does_not_match():
    entries = chain(3)
    last = replace(entries[2], detail={"name": "rewritten"})
    entries[2] = replace(last, hash=entry_hash(last, KEYS))
    result = verify_chain(entries, 3, chain(3)[-1].hash, KEYS)
    assert not result.ok and result.first_bad_seq == 3


# -- the key -----------------------------------------------------------------------------


def test_a_chain_recomputed_without_the_key_fails():
    entries = chain(4)
    # The forger knows the format but not the key: a plain SHA-256 under the same key id.
    forged: list[ChainEntry] = []
    prev = GENESIS
    for e in entries:
        e = replace(e, prev_hash=prev, detail={"name": "forged"} if e.seq == 2 else e.detail)
        e = replace(e, hash=entry_hash(replace(e, key_id=UNKEYED)))
        forged.append(e)
        prev = e.hash
    result = check(forged)
    assert not result.ok and result.first_bad_seq == 1 and "changed" in result.problem


def test_a_chain_recomputed_with_another_key_under_the_right_id_fails():
    entries = chain(3)
    guessed = AuditKeys([new_audit_key()])
    forged = chain(3, keys=guessed)
    forged = [replace(e, key_id=entries[0].key_id) for e in forged]
    assert not check(forged).ok


def test_a_chain_sealed_with_an_unknown_key_fails_naming_the_key():
    forged = chain(3, keys=AuditKeys([new_audit_key()]))
    result = check(forged)
    assert not result.ok and result.first_bad_seq == 1
    assert forged[0].key_id in result.problem and "not configured" in result.problem


def test_a_key_id_says_nothing_of_the_key():
    assert len(audit_key_id(OLD_KEY)) == 12 and audit_key_id(OLD_KEY) not in OLD_KEY


def test_short_keys_are_refused():
    with pytest.raises(ValueError, match="at least 32"):
        AuditKeys(["short"])
    with pytest.raises(ValueError, match="at least one"):
        AuditKeys([" ", ""])


# -- rotation ----------------------------------------------------------------------------


def test_entries_sealed_with_an_older_key_still_verify_after_rotation():
    rotated = AuditKeys([NEW_KEY, OLD_KEY])
    entries = chain(2, keys=rotated, start=chain(3))
    assert [e.key_id for e in entries] == [audit_key_id(OLD_KEY)] * 3 + [audit_key_id(NEW_KEY)] * 2
    assert check(entries, rotated).ok


def test_a_retired_key_cannot_seal_entries_after_a_newer_one():
    rotated = AuditKeys([NEW_KEY, OLD_KEY])
    entries = chain(2, keys=rotated, start=chain(3))
    # Someone holding the old (leaked) key appends after the rotation.
    entries = chain(1, keys=rotated, key_id=audit_key_id(OLD_KEY), start=entries)
    result = check(entries, rotated)
    assert not result.ok and result.first_bad_seq == 6 and "retired key" in result.problem


def test_removing_a_key_that_sealed_entries_fails_clearly():
    rotated = AuditKeys([NEW_KEY, OLD_KEY])
    entries = chain(1, keys=rotated, start=chain(2))
    result = check(entries, AuditKeys([NEW_KEY]))
    assert not result.ok and result.first_bad_seq == 1 and "not configured" in result.problem


# -- chains written before keys ----------------------------------------------------------


def unkeyed(n: int) -> list[ChainEntry]:
    return chain(n, key_id=UNKEYED)


def test_an_unsealed_chain_fails_until_sealed():
    result = check(unkeyed(3))
    assert not result.ok and "not sealed" in result.problem and result.unsealed == 3
    assert check(unkeyed(3), require_sealed=False).ok
    assert check(chain(1, start=unkeyed(3))).ok


def test_rewriting_an_entry_before_the_seal_breaks_the_seal():
    entries = chain(1, start=unkeyed(3))
    forged, prev = [], GENESIS
    for e in entries[:3]:
        e = replace(e, prev_hash=prev, detail={"name": "forged"} if e.seq == 2 else e.detail)
        e = replace(e, hash=entry_hash(e))
        forged.append(e)
        prev = e.hash
    result = check(forged + entries[3:])
    assert not result.ok and result.first_bad_seq == 4 and "does not follow" in result.problem


def test_an_unkeyed_entry_after_keyed_ones_fails():
    entries = chain(2)
    entries = chain(1, key_id=UNKEYED, start=entries)
    result = check(entries)
    assert not result.ok and result.first_bad_seq == 3 and "no audit key" in result.problem


# -- the head kept outside ---------------------------------------------------------------


def head_of(entries: list[ChainEntry]) -> ChainHead:
    last = entries[-1]
    return ChainHead(last.seq, len(entries), last.hash, last.at, last.key_id)


def test_a_chain_matches_a_head_saved_earlier():
    entries = chain(5)
    saved = head_of(entries[:3])
    assert check(entries, against=saved).ok


def test_an_emptied_chain_fails_against_a_saved_head():
    saved = head_of(chain(5))
    result = check([], against=saved)
    assert not result.ok and "is empty" in result.problem and "entry 5" in result.problem


def test_a_shortened_chain_fails_against_a_saved_head():
    entries = chain(5)
    result = check(entries[:3], against=head_of(entries))
    assert not result.ok and result.first_bad_seq == 4 and "ends at entry 3" in result.problem


def test_a_chain_rewritten_with_the_key_fails_against_a_saved_head():
    entries = chain(5)
    saved = head_of(entries)
    rewritten: list[ChainEntry] = []
    prev = GENESIS
    for e in entries:
        e = replace(
            e, prev_hash=prev, detail={"name": "named reporter"} if e.seq == 2 else e.detail
        )
        e = replace(e, hash=entry_hash(e, KEYS))
        rewritten.append(e)
        prev = e.hash
    assert check(rewritten).ok  # whoever holds the key can rewrite ...
    result = check(rewritten, against=saved)  # ... but not match a head kept outside
    assert not result.ok and result.first_bad_seq == 5 and "saved head" in result.problem


def test_a_head_round_trips_through_json():
    saved = head_of(chain(2))
    assert ChainHead.from_json(saved.to_json()) == saved


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "not JSON"),
        ('{"seq": 1}', "not an echoorg audit head"),
        (
            '{"format": "echoorg-audit-head/1", "seq": -1, "entries": 0, "hash": "'
            + "0" * 64
            + '"}',
            "'seq'",
        ),
        ('{"format": "echoorg-audit-head/1", "seq": 1, "entries": 1, "hash": "xyz"}', "'hash'"),
        ("[" * 100_000, "not JSON"),
    ],
)
def test_a_malformed_head_is_refused_clearly(text, message):
    with pytest.raises(ValueError, match=message):
        ChainHead.from_json(text)
