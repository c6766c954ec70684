"""Unit trees: the core's walks (echoorg/core/units.py) on 100,000 units, a deep chain,
and a wave's response rates over 11,500 units, which were quadratic before.

Figures are wall time on this machine; every walk should stay well under a second.
"""

from __future__ import annotations

import random
import time

from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.units import Forest, subtree


def _random_parents(n: int, seed: int = 14) -> list[int]:
    rng = random.Random(seed)
    return [-1 if i == 0 or rng.random() < 0.02 else rng.randrange(i) for i in range(n)]


def _timed(label: str, work) -> None:
    started = time.perf_counter()
    work()
    print(f"   {label}: {time.perf_counter() - started:.3f} s")


def run() -> None:
    parents = _random_parents(100_000)
    forest = Forest.from_parents(parents)
    _timed("100,000 units: build and check the forest", lambda: Forest.from_parents(parents))
    _timed(
        "100,000 units: depth-first order by name",
        lambda: forest.depth_first(lambda u: f"Unit {u}"),
    )
    _timed("100,000 units: depths", forest.depths)
    _timed("100,000 units: subtree sums", lambda: forest.subtree_sums([1] * len(parents)))
    chain = [-1, *range(99_999)]
    _timed(
        "100,000-deep chain: depths and subtree sums",
        lambda: Forest.from_parents(chain).subtree_sums([1] * len(chain)),
    )

    # The wave page's response rates over 11,500 units: one pass up the tree now, where a
    # subtree walk per unit (the old way, timed on 2,000 units only) grows with the square.
    units = _random_parents(11_500)
    invited = [random.Random(u).randrange(3) for u in range(len(units))]
    _timed(
        "11,500 units: response rates (suppression + subtree sums)",
        lambda: (
            suppress_hierarchy(units, invited, 5),
            Forest.from_parents(units).subtree_sums(invited),
        ),
    )
    small = units[:2_000]
    lookup = {u: (p if p >= 0 else None) for u, p in enumerate(small)}
    _timed(
        "2,000 units: the old way, one subtree walk per unit",
        lambda: [sum(invited[v] for v in subtree(lookup, u)) for u in range(len(small))],
    )
