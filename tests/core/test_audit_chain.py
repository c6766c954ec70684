from __future__ import annotations

from dataclasses import replace

from echoorg.core.audit import GENESIS, ChainEntry, entry_hash, verify_chain


def chain(n: int) -> list[ChainEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        e = ChainEntry(seq, f"2026-11-26T10:00:{seq:02d}.000000+00:00", "7", "1",
                       "unit.created", "orgs.unit", str(seq), {"name": f"Team {seq}"}, prev)
        e = replace(e, hash=entry_hash(e))
        entries.append(e)
        prev = e.hash
    return entries


def test_an_untouched_chain_verifies():
    entries = chain(5)
    result = verify_chain(entries, 5, entries[-1].hash)
    assert result.ok and result.checked == 5


def test_an_empty_chain_verifies():
    assert verify_chain([], 0, GENESIS).ok


def test_it_names_a_changed_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], detail={"name": "Something else"})
    result = verify_chain(entries, 5, entries[-1].hash)
    assert not result.ok and result.first_bad_seq == 3 and "changed" in result.problem


def test_it_names_a_deleted_entry():
    entries = chain(5)
    del entries[1]
    result = verify_chain(entries, 5, entries[-1].hash)
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


def test_it_notices_entries_deleted_from_the_end():
    entries = chain(5)
    result = verify_chain(entries[:3], 5, entries[-1].hash)
    assert not result.ok and result.first_bad_seq == 4


def test_it_names_an_entry_inserted_out_of_order():
    entries = chain(5)
    forged = replace(entries[3], prev_hash=entries[1].hash)
    forged = replace(forged, hash=entry_hash(forged))
    entries[3] = forged
    result = verify_chain(entries, 5, entries[-1].hash)
    assert not result.ok and result.first_bad_seq == 4 and "does not follow" in result.problem


def test_it_notices_a_rewritten_tail_that_the_head_does_not_match():
    entries = chain(3)
    last = replace(entries[2], detail={"name": "rewritten"})
    entries[2] = replace(last, hash=entry_hash(last))
    result = verify_chain(entries, 3, chain(3)[-1].hash)
    assert not result.ok and result.first_bad_seq == 3
