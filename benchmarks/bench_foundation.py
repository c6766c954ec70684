"""Platform foundation: verifying a long audit chain and validating a large units import.

Both run in the functional core, the parts of `echoorg audit verify` and the units import
that grow with the data. Figures are wall time on this machine.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

from echoorg.core.audit import GENESIS, ChainEntry, entry_hash, verify_chain
from echoorg.core.units import parse_units_csv


def _chain(n: int) -> list[ChainEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        e = ChainEntry(
            seq,
            "2026-11-26T10:00:00.000000+00:00",
            "7",
            "1",
            "unit.created",
            "orgs.unit",
            str(seq),
            {"name": f"Team {seq}", "parent": None},
            prev,
        )
        e = replace(e, hash=entry_hash(e))
        entries.append(e)
        prev = e.hash
    return entries


def _units_csv(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = ["unit,parent"]
    for i in range(n):
        parent = f"Unit {rng.randrange(i)}" if i and rng.random() < 0.95 else ""
        lines.append(f"Unit {i},{parent}")
    body = lines[1:]
    rng.shuffle(body)  # children before parents, as real files often are
    return "\n".join([lines[0], *body])


def run() -> None:
    for n in (100_000, 1_000_000):
        entries = _chain(n)
        started = time.perf_counter()
        result = verify_chain(entries, n, entries[-1].hash)
        took = time.perf_counter() - started
        assert result.ok
        print(
            f"   audit chain of {n:>9,} entries verified in {took:6.2f} s "
            f"({n / took:,.0f} entries/s)"
        )
    for n in (10_000, 100_000):
        text = _units_csv(n)
        started = time.perf_counter()
        rows = parse_units_csv(text)
        took = time.perf_counter() - started
        assert len(rows) == n
        print(f"   units import of {n:>7,} rows validated and ordered in {took:6.2f} s")
