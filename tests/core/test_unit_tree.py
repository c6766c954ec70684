"""The one home for tree code (echoorg/core/units.py): right on small trees, and without
recursion or quadratic steps on a 100,000-unit tree and a 5,000-deep chain (issue 8,
finding 14). Timing is a benchmark matter (benchmarks/bench_unit_tree.py), not a test's."""

from __future__ import annotations

import inspect
import random
import sys
from contextlib import contextmanager

import pytest
from hypothesis import given

from echoorg.core.units import (
    Forest,
    UnitRow,
    ancestors,
    keyed_forest,
    order_unit_rows,
    subtree,
    subtrees,
)
from tests.core.strategies import forests


@contextmanager
def no_recursion():
    """Lower the recursion limit to just above the current stack: any recursive walk of a
    deep tree would fail."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 40)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def random_forest(size: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    order = list(range(size))
    rng.shuffle(order)  # parents may come after their children in the list
    parent = [-1] * size
    for position, unit in enumerate(order):
        if position and rng.random() < 0.97:
            parent[unit] = order[rng.randrange(position)]
    return parent


@given(forests(60))
def test_it_agrees_with_a_longhand_walk(parent):
    size = len(parent)
    forest = Forest.from_parents(parent)

    def chain(u):  # longhand: follow parents up
        found = []
        while parent[u] >= 0:
            u = parent[u]
            found.append(u)
        return found

    assert forest.depths() == [len(chain(u)) for u in range(size)]
    assert all(forest.ancestors(u) == chain(u)[::-1] for u in range(size))
    for u in range(size):
        below = {v for v in range(size) if u == v or u in chain(v)}
        assert set(forest.subtree(u)) == below
    assert forest.subtree_sums([1] * size) == [len(forest.subtree(u)) for u in range(size)]
    bottom_up = forest.children_first()
    assert sorted(bottom_up) == list(range(size))
    place = {u: i for i, u in enumerate(bottom_up)}
    assert all(place[u] < place[parent[u]] for u in range(size) if parent[u] >= 0)
    order = forest.depth_first()
    place = {u: i for i, u in enumerate(order)}
    assert all(place[parent[u]] < place[u] for u in range(size) if parent[u] >= 0)
    for u in range(size):  # pre-order: a subtree is one contiguous run
        run = order[place[u] : place[u] + len(forest.subtree(u))]
        assert set(run) == set(forest.subtree(u))


def test_siblings_follow_the_sort_key():
    forest = Forest.from_parents([-1, 0, 0, 0, 2])
    names = ["root", "b", "C", "a", "x"]
    assert forest.depth_first(lambda u: names[u].lower()) == [0, 3, 1, 2, 4]


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ([0], "its own parent"),
        ([-1, 5], "not -1 or a unit index"),
        ([-1, 2, 1], "cycle of parents"),
    ],
)
def test_it_refuses_what_is_not_a_forest(parent, message):
    with pytest.raises(ValueError, match=message):
        Forest.from_parents(parent)


def test_a_100000_unit_tree_without_recursion():
    parent = random_forest(100_000, 14)
    with no_recursion():
        forest = Forest.from_parents(parent)
        sums = forest.subtree_sums([1] * len(parent))
        order = forest.depth_first()
        depths = forest.depths()
    assert sum(sums[r] for r in forest.roots) == 100_000
    assert len(order) == 100_000 and len(depths) == 100_000


def test_a_5000_deep_chain_without_recursion():
    size = 5_000
    parent = [-1] + list(range(size - 1))
    keyed = {f"u{i}": (f"u{i - 1}" if i else None) for i in range(size)}
    with no_recursion():
        forest = Forest.from_parents(parent)
        assert forest.depths()[-1] == size - 1
        assert forest.depth_first() == list(range(size))
        assert forest.children_first() == list(range(size))[::-1]
        assert forest.ancestors(size - 1) == list(range(size - 1))
        assert forest.subtree_sums([1] * size)[0] == size
        assert len(forest.subtree(0)) == size
        assert len(subtree(keyed, "u0")) == size
        assert len(subtrees(keyed, ["u0", "u10", "u4000"])) == size
        assert ancestors(keyed, f"u{size - 1}")[0] == "u0"
        names, keyed_tree = keyed_forest(keyed)
        assert keyed_tree.depths()[names.index("u4999")] == size - 1
        # an import listing the deepest unit first still comes out parents first
        rows = [UnitRow(i + 2, f"u{i}", f"u{i - 1}" if i else None) for i in range(size)]
        ordered = order_unit_rows(rows[::-1])
        assert [r.unit for r in ordered] == [f"u{i}" for i in range(size)]


def test_ancestors_stop_at_a_cycle_in_a_broken_mapping():
    assert ancestors({"a": "b", "b": "a"}, "a") == ["b"]
