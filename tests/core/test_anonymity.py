"""The anonymity engines, checked against attackers written here independently.

Two attackers look for a group of 1..k-1 respondents recoverable from shown counts:
- `signed_sum_attack` tries every combination of shown cells with coefficients -1, 0, 1;
- `span_attack` tries every group of atoms and asks whether it lies in the linear span
  of the shown cells (any real coefficients): complete for linear attacks.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Hashable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic.anonymity import (
    Block,
    Cell,
    atom_blocks,
    cut_cells,
    suppress_cells,
    suppress_hierarchy,
    violations,
)
from tests.core.strategies import forests

# ---------------------------------------------------------------- attackers and helpers


def incidence(cells: Sequence[frozenset], atoms: Sequence[Hashable]) -> np.ndarray:
    return np.array([[atom in cell for atom in atoms] for cell in cells], dtype=np.float64)


def signed_sum_attack(cells: Sequence[frozenset], atom_n: dict, k: int) -> list[frozenset]:
    """Groups of 1..k-1 respondents equal to a -1/0/1 combination of the cells."""
    if not cells:
        return []
    atoms = list(atom_n)
    counts = np.array([atom_n[a] for a in atoms], dtype=np.float64)
    coefficients = np.array(list(itertools.product((-1, 0, 1), repeat=len(cells))))
    vectors = coefficients @ incidence(cells, atoms)
    zero_one = np.all((vectors == 0) | (vectors == 1), axis=1)
    sizes = vectors @ counts
    found = np.flatnonzero(zero_one & (sizes >= 1) & (sizes <= k - 1))
    return [frozenset(a for a, x in zip(atoms, vectors[i], strict=True) if x) for i in found]


def span_attack(cells: Sequence[frozenset], atom_n: dict, k: int) -> list[frozenset]:
    """Groups of 1..k-1 respondents lying in the real linear span of the cells."""
    if not cells:
        return []
    atoms = list(atom_n)
    counts = np.array([atom_n[a] for a in atoms], dtype=np.float64)
    matrix = incidence(cells, atoms)
    projector = np.linalg.pinv(matrix) @ matrix  # onto the cells' row space
    groups = ((np.arange(2 ** len(atoms))[:, None] >> np.arange(len(atoms))) & 1).astype(float)
    in_span = np.abs(groups @ projector - groups).max(axis=1) < 1e-8
    sizes = groups @ counts
    found = np.flatnonzero(in_span & (sizes >= 1) & (sizes <= k - 1))
    return [frozenset(a for a, x in zip(atoms, groups[i], strict=True) if x) for i in found]


def subtree_of(parents: list[int], unit: int) -> set[int]:
    """The unit and everything below it, by walking up from every unit."""
    members = set()
    for candidate in range(len(parents)):
        walker = candidate
        while walker != -1:
            if walker == unit:
                members.add(candidate)
                break
            walker = parents[walker]
    return members


def tree_cells(parents: list[int], shown: list[bool]) -> list[frozenset]:
    """Shown units as cells whose atoms are units (each unit's own respondents)."""
    return [frozenset(subtree_of(parents, u)) for u in range(len(parents)) if shown[u]]


def remainder_by_subtraction(
    parents: list[int], own: list[int], shown: list[bool], unit: int
) -> int:
    """What an attacker gets from a shown unit minus its nearest shown descendants."""
    below = subtree_of(parents, unit) - {unit}
    nearest = [
        d
        for d in below
        if shown[d] and not any(shown[m] and d in subtree_of(parents, m) - {m} for m in below)
    ]
    total = sum(own[u] for u in subtree_of(parents, unit))
    return total - sum(sum(own[u] for u in subtree_of(parents, d)) for d in nearest)


def remainder_by_definition(
    parents: list[int], own: list[int], shown: list[bool], unit: int
) -> int:
    """rem(G) as the brief defines it: own plus hidden(c) over hidden children."""

    def hidden(u: int) -> int:
        return own[u] + sum(hidden(c) for c, p in enumerate(parents) if p == u and not shown[c])

    return own[unit] + sum(hidden(c) for c, p in enumerate(parents) if p == unit and not shown[c])


# Many empty units and small teams: where disclosure happens.
small_counts = st.one_of(st.just(0), st.integers(1, 3), st.integers(0, 12))
ks = st.sampled_from([3, 5, 7])


@st.composite
def trees_with_counts(draw: st.DrawFn, max_units: int) -> tuple[list[int], list[int]]:
    parents = draw(forests(max_units))
    own = draw(st.lists(small_counts, min_size=len(parents), max_size=len(parents)))
    return parents, own


def check_tree_is_safe(parents: list[int], own: list[int], shown: list[bool], k: int) -> None:
    units = range(len(parents))
    for unit in units:
        if not shown[unit]:
            continue
        subtree_n = sum(own[u] for u in subtree_of(parents, unit))
        assert subtree_n >= k, f"unit {unit} shown with {subtree_n} respondents"
        rem = remainder_by_definition(parents, own, shown, unit)
        assert rem == 0 or rem >= k, f"unit {unit} leaves a remainder of {rem}"
        hidden_children = [c for c in units if parents[c] == unit and not shown[c]]
        assert own[unit] > 0 or len(hidden_children) != 1, f"unit {unit} repeats its child"
        attacked = remainder_by_subtraction(parents, own, shown, unit)
        assert attacked == rem
    cells = tree_cells(parents, shown)
    atom_n = dict(enumerate(own))
    if len(cells) <= 8:
        assert signed_sum_attack(cells, atom_n, k) == []
    if len(parents) <= 12:
        assert span_attack(cells, atom_n, k) == []


# ---------------------------------------------------------------- the attackers themselves


def test_it_has_attackers_that_catch_differencing():
    # A directorate of 13 with one team of 10 shown: the other 3 people are exposed.
    parents, own = [-1, 0, 0], [0, 10, 3]
    naive = [True, True, False]  # primary suppression only
    cells = tree_cells(parents, naive)
    # The org's own (empty) atom 0 cannot be told apart from team 2: same 3 people.
    assert signed_sum_attack(cells, dict(enumerate(own)), 5) == [frozenset({0, 2})]
    assert span_attack(cells, dict(enumerate(own)), 5) == [frozenset({0, 2})]
    assert remainder_by_subtraction(parents, own, naive, 0) == 3


def test_it_has_a_span_attacker_stronger_than_signed_sums():
    # {a} = (A + B + C - D) / 2 needs coefficients the signed-sum attacker never tries.
    cells = [frozenset("ab"), frozenset("ac"), frozenset("ad"), frozenset("bcd")]
    atom_n = {"a": 2, "b": 9, "c": 9, "d": 9}
    assert frozenset("a") not in signed_sum_attack(cells, atom_n, 5)
    assert frozenset("a") in span_attack(cells, atom_n, 5)


# ---------------------------------------------------------------- suppress_hierarchy


@pytest.mark.parametrize("k", [2, 1, 0, -5, True, 5.0, "5"])
def test_it_refuses_k_below_three_or_not_whole(k):
    with pytest.raises(ValueError, match="k: must"):
        suppress_hierarchy([-1], [10], k)
    with pytest.raises(ValueError, match="k: must"):
        suppress_cells([Cell("a", frozenset({1}))], {1: 10}, k)
    with pytest.raises(ValueError, match="k: must"):
        violations([Cell("a", frozenset({1}))], {1: 10}, k)


def test_it_hides_units_below_k():
    assert suppress_hierarchy([-1, 0, 0], [2, 1, 1], 5) == [False, False, False]
    assert suppress_hierarchy([-1], [5], 5) == [True]
    assert suppress_hierarchy([-1], [4], 5) == [False]
    assert suppress_hierarchy([-1], [0], 5) == [False]


def test_it_hides_a_sibling_so_a_small_team_cannot_be_subtracted():
    assert suppress_hierarchy([-1, 0, 0], [0, 10, 3], 5) == [True, False, False]


def test_it_hides_the_smallest_sibling_that_covers_the_gap():
    # Team 3 (2 people) is hidden; teams of 6 and 20: hiding the 6 is enough.
    assert suppress_hierarchy([-1, 0, 0, 0], [0, 20, 6, 2], 5) == [True, True, False, False]


def test_it_keeps_siblings_when_the_parents_own_people_cover_the_gap():
    assert suppress_hierarchy([-1, 0, 0], [6, 10, 3], 5) == [True, True, False]


def test_it_never_shows_an_empty_parent_with_one_hidden_child():
    # The hidden team is empty, but the parent would still just repeat the shown one.
    assert suppress_hierarchy([-1, 0, 0], [0, 10, 0], 5) == [True, False, False]


def test_it_hides_the_parent_when_no_child_can_cover_its_remainder():
    # Org has 2 people of its own; its only child's figures are all in shown grandchildren.
    shown = suppress_hierarchy([-1, 0, 1, 1], [2, 0, 6, 6], 5)
    assert shown == [False, True, True, True]


def test_it_passes_a_hidden_remainder_up_to_the_grandparent():
    # Team 2 (3 people) is hidden. Directorate 1 has 1 of its own, so 4 are uncovered;
    # its other child (3) has all its people in shown teams 6 and 7, so hiding it would
    # not help: the directorate hides itself, and the org covers the 4 by hiding its
    # smallest other child (5, of 8).
    parents = [-1, 0, 1, 1, 0, 0, 3, 3]
    own = [0, 1, 3, 0, 30, 8, 6, 6]
    shown = suppress_hierarchy(parents, own, 5)
    assert shown == [True, False, False, True, True, False, True, True]
    check_tree_is_safe(parents, own, shown, 5)


def test_it_accepts_parents_listed_after_their_children():
    # Same tree as the sibling example, with the org last.
    assert suppress_hierarchy([2, 2, -1], [10, 3, 0], 5) == [False, False, True]


@pytest.mark.parametrize(
    ("parents", "own", "message"),
    [
        ([-1, 0], [1], "has 1 entries for 2 units"),
        ([-1], [-1], "must not be negative"),
        ([-1], [2.5], "must be a whole number"),
        ([1, 0], [5, 5], "cycle"),
        ([-1, 7], [5, 5], "not -1 or a unit index"),
    ],
)
def test_it_refuses_bad_trees_and_counts(parents, own, message):
    with pytest.raises(ValueError, match=message):
        suppress_hierarchy(parents, own, 5)


def test_it_accepts_numpy_counts_and_returns_plain_bools():
    shown = suppress_hierarchy(np.array([-1, 0, 0]), np.array([0, 10, 3]), np.int64(5))
    assert shown == [True, False, False]
    assert all(type(s) is bool for s in shown)


@settings(max_examples=400, deadline=None)
@given(tree=trees_with_counts(40), k=ks)
def test_it_leaves_no_recoverable_small_group_in_a_tree(tree, k):
    parents, own = tree
    shown = suppress_hierarchy(parents, own, k)
    check_tree_is_safe(parents, own, shown, k)
    assert suppress_hierarchy(parents, own, k) == shown  # deterministic


@settings(max_examples=300, deadline=None)
@given(tree=trees_with_counts(10), k=ks)
def test_it_survives_every_linear_attack_on_small_trees(tree, k):
    parents, own = tree
    shown = suppress_hierarchy(parents, own, k)
    assert span_attack(tree_cells(parents, shown), dict(enumerate(own)), k) == []


@settings(max_examples=300, deadline=None)
@given(tree=trees_with_counts(40), k=ks)
def test_it_shows_something_whenever_a_unit_has_enough_people(tree, k):
    parents, own = tree
    shown = suppress_hierarchy(parents, own, k)
    # A unit only hides itself when no child can cover for it, so the repair never
    # empties a tree that has a publishable unit in it.
    totals = [sum(own[u] for u in subtree_of(parents, r)) for r in range(len(parents))]
    if max(totals) >= k:
        assert any(shown)
    assert all(not shown[u] for u in range(len(parents)) if totals[u] < k)


def test_it_handles_twenty_thousand_units_quickly():
    rng = np.random.default_rng(7)
    count = 20_000
    chain = [-1] + list(range(count - 1))  # 20,000 levels deep: no recursion allowed
    wide = [-1] + [int(rng.integers(0, u)) for u in range(1, count)]
    own = rng.choice([0, 0, 0, 1, 2, 3, 4, 6, 9], size=count).tolist()
    started = time.perf_counter()
    for parents in (chain, wide):
        shown = suppress_hierarchy(parents, own, 5)
        assert len(shown) == count
    # Linear-ish work takes well under a second here; a quadratic pass would take minutes.
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------- blocks and violations


def test_it_groups_atoms_by_the_shown_cells_containing_them():
    cells = [Cell("all", frozenset("abcd")), Cell("left", frozenset("ab"))]
    atom_n = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    assert atom_blocks(cells, atom_n) == [
        Block(frozenset("ab"), 3, frozenset({"all", "left"})),
        Block(frozenset("cd"), 7, frozenset({"all"})),
        Block(frozenset("e"), 5, frozenset()),
    ]


def test_it_reports_only_published_blocks_of_one_to_k_minus_one():
    cells = [Cell("all", frozenset("abc")), Cell("ab", frozenset("ab"))]
    assert violations(cells, {"a": 2, "b": 2, "c": 9, "z": 1}, 5) == [
        Block(frozenset("ab"), 4, frozenset({"all", "ab"}))
    ]
    assert violations(cells, {"a": 0, "b": 0, "c": 9, "z": 1}, 5) == []


def test_it_refuses_unknown_atoms_and_duplicate_keys():
    with pytest.raises(ValueError, match="atom 'q' has no count"):
        atom_blocks([Cell("x", frozenset("q"))], {"a": 1})
    with pytest.raises(ValueError, match="key 'x' is used by two cells"):
        suppress_cells([Cell("x", frozenset("a")), Cell("x", frozenset("b"))], {"a": 5, "b": 5}, 5)
    with pytest.raises(ValueError, match="must not be negative"):
        violations([], {"a": -1}, 5)


@settings(max_examples=300, deadline=None)
@given(tree=trees_with_counts(10), k=ks, data=st.data())
def test_it_flags_exactly_the_trees_an_attacker_can_break(tree, k, data):
    # On a laminar family the block check is exact: it fails iff a small group is
    # recoverable by some linear combination.
    parents, own = tree
    shown = data.draw(st.lists(st.booleans(), min_size=len(parents), max_size=len(parents)))
    cells = [Cell(u, frozenset(subtree_of(parents, u))) for u in range(len(parents)) if shown[u]]
    flagged = violations(cells, dict(enumerate(own)), k)
    attacked = span_attack([c.atoms for c in cells], dict(enumerate(own)), k)
    assert bool(flagged) == bool(attacked)
    assert {b.atoms for b in flagged} <= set(attacked)


# ---------------------------------------------------------------- suppress_cells


def test_it_builds_the_cells_of_a_demographic_cut():
    cells, atom_n = cut_cells("Dept", {"Dept": {"f": 1}, "A": {"f": 4, "m": 3}, "B": {"m": 6}})
    assert atom_n == {("Dept", "f"): 1, ("A", "f"): 4, ("A", "m"): 3, ("B", "m"): 6}
    assert [(c.key, c.fixed) for c in cells] == [
        (("Dept", None), False),
        (("A", None), False),
        (("B", None), False),
        (("Dept", "f"), False),
        (("Dept", "m"), False),
    ]
    assert cells[0].atoms == frozenset(atom_n)
    assert cells[1].atoms == {("A", "f"), ("A", "m")}
    assert cells[3].atoms == {("Dept", "f"), ("A", "f")}


def test_it_fixes_published_totals_and_drops_suppressed_ones():
    cells, _ = cut_cells("Dept", {"A": {"f": 4, "m": 3}, "B": {"m": 6}}, shown_totals={"Dept", "B"})
    assert [(c.key, c.fixed) for c in cells] == [
        (("Dept", None), True),
        (("B", None), True),
        (("Dept", "f"), False),
        (("Dept", "m"), False),
    ]


def test_it_hides_a_cut_that_would_expose_a_few_people():
    cells, atom_n = cut_cells("X", {"A": {"m": 3, "f": 10}, "B": {"m": 10, "f": 10}})
    shown = suppress_cells(cells, atom_n, 5)
    assert violations([c for c in cells if c.key in shown], atom_n, 5) == []
    assert ("X", None) in shown


def test_it_prefers_merging_with_a_neighbouring_block():
    # Cells all = {a,b,c}, left = {a,b}, right = {b,c}: block {a} (2 people) merges with
    # {b} when `right` is hidden; hiding `left` would do it too but is bigger.
    cells = [
        Cell("all", frozenset("abc")),
        Cell("left", frozenset("ab")),
        Cell("right", frozenset("bc")),
    ]
    shown = suppress_cells(cells, {"a": 2, "b": 20, "c": 30}, 5)
    assert shown == {"all", "left"}


def test_it_refuses_fixed_cells_that_already_disclose():
    cells = [
        Cell("dept", frozenset("ab"), fixed=True),
        Cell("team", frozenset("a"), fixed=True),
        Cell("other", frozenset("b")),
    ]
    with pytest.raises(ValueError, match="isolate a group of 3, fewer than 5"):
        suppress_cells(cells, {"a": 7, "b": 3}, 5)


def test_it_always_shows_fixed_cells():
    cells = [Cell("w1", frozenset("ab"), fixed=True), Cell("w2", frozenset("a"))]
    assert suppress_cells(cells, {"a": 3, "b": 4}, 5) == {"w1"}
    assert suppress_cells(cells, {"a": 6, "b": 5}, 5) == {"w1", "w2"}


def check_cells_are_safe(cells: list[Cell], atom_n: dict, shown: set, k: int) -> None:
    assert {c.key for c in cells if c.fixed} <= shown
    shown_cells = [c for c in cells if c.key in shown]
    assert violations(shown_cells, atom_n, k) == []
    for cell in shown_cells:
        n = sum(atom_n[a] for a in cell.atoms)
        assert cell.fixed or n >= k
    if len(shown_cells) <= 8:
        assert signed_sum_attack([c.atoms for c in shown_cells], atom_n, k) == []
    if len(atom_n) <= 15:
        assert span_attack([c.atoms for c in shown_cells], atom_n, k) == []


@st.composite
def cuts(draw: st.DrawFn) -> dict:
    """A unit's respondents by child and cut value (the unit's own under 'Unit')."""
    children = draw(st.integers(1, 4))
    values = ["v1", "v2", "v3"][: draw(st.integers(2, 3))]
    names = [f"team {n}" for n in range(children)]
    if draw(st.booleans()):
        names.append("Unit")
    return {name: {v: draw(small_counts) for v in values} for name in names}


@settings(max_examples=300, deadline=None)
@given(table=cuts(), k=ks)
def test_it_leaves_no_small_group_in_a_demographic_cut(table, k):
    cells, atom_n = cut_cells("Unit", table)
    shown = suppress_cells(cells, atom_n, k)
    check_cells_are_safe(cells, atom_n, shown, k)
    assert suppress_cells(cells, atom_n, k) == shown  # deterministic


@settings(max_examples=300, deadline=None)
@given(table=cuts(), k=ks)
def test_it_cuts_around_the_totals_the_hierarchy_published(table, k):
    # The unit (index 0) and its children (leaves) first go through suppress_hierarchy.
    names = [name for name in table if name != "Unit"]
    own = [sum(table.get("Unit", {}).values())] + [sum(table[n].values()) for n in names]
    tree_shown = suppress_hierarchy([-1] + [0] * len(names), own, k)
    published = {name for name, s in zip(["Unit", *names], tree_shown, strict=True) if s}
    cells, atom_n = cut_cells("Unit", table, shown_totals=published)
    shown = suppress_cells(cells, atom_n, k)  # must not refuse: the totals are safe
    check_cells_are_safe(cells, atom_n, shown, k)
    assert {(name, None) for name in published} <= shown


@settings(max_examples=300, deadline=None)
@given(tree=forests(6), k=ks, data=st.data())
def test_it_keeps_waves_safe_against_each_other(tree, k, data):
    parents = tree
    units = range(len(parents))
    first = data.draw(st.lists(small_counts, min_size=len(units), max_size=len(units)))
    second = data.draw(st.lists(small_counts, min_size=len(units), max_size=len(units)))
    atom_n = {
        (u, w): n
        for w, counts in ((1, first), (2, second))
        for u, n in zip(units, counts, strict=True)
    }
    members = [subtree_of(parents, u) for u in units]
    published = suppress_hierarchy(parents, first, k)
    cells = [
        Cell(("wave 1", u), frozenset((m, 1) for m in members[u]), fixed=True)
        for u in units
        if published[u]
    ]
    cells += [Cell(("wave 2", u), frozenset((m, 2) for m in members[u])) for u in units]
    cells += [
        Cell(("both", u), frozenset((m, w) for m in members[u] for w in (1, 2))) for u in units
    ]
    shown = suppress_cells(cells, atom_n, k)
    check_cells_are_safe(cells, atom_n, shown, k)
    assert suppress_cells(cells, atom_n, k) == shown
