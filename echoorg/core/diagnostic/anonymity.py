"""Anonymity: which counts may be published so that no small group can be singled out.

Plain Python, no Django. A published figure (a count with its means) covers a *cell*: a set
of respondents. Hiding small cells is not enough, because an attacker can add and subtract
published cells ("differencing"): a department of 40 shown beside teams of 20 and 18
reveals the 2 people in the rest. The rule enforced here is that every group an attacker
can isolate by any linear combination of shown cells has 0 or at least k respondents.

Two engines:

* `suppress_hierarchy` is exact complementary suppression for a unit tree, where every
  cell is a unit's subtree (a laminar family).
* `atom_blocks`, `violations` and `suppress_cells` verify and repair any family of cells
  (figures across survey waves, say); there they are conservative: sound, but they may
  hide more than strictly needed. For a unit tree split by a background question they
  hid nearly everything (issue 10); `split_suppression` has an exact check for that case.

Sources: the minimum cell size (threshold) rule and complementary (secondary) suppression
are described by Cox (1980), "Suppression methodology and statistical disclosure
control", J. Am. Stat. Assoc. 75:377-385, and Hundepool et al. (2012), "Statistical
Disclosure Control", Wiley (secondary cell suppression, linked tables).
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from echoorg.core.units import Forest

__all__ = [
    "Block",
    "Cell",
    "atom_blocks",
    "cut_cells",
    "suppress_cells",
    "suppress_hierarchy",
    "suppress_hierarchy_columns",
    "suppress_units_and_scales",
    "violations",
]


def _check_k(k: int) -> int:
    """k as an int, refused unless it is a whole number of at least 3."""
    try:
        whole = operator.index(k) if not isinstance(k, bool) else None
    except TypeError:
        whole = None
    if whole is None:
        raise ValueError(f"k: must be a whole number, not {k!r}.")
    if whole < 3:
        raise ValueError(
            f"k: must be at least 3 (got {whole}); smaller groups are too easy to recognise."
        )
    return whole


def _check_count(what: str, n: object) -> int:
    """A respondent count as an int: whole (NumPy integers too) and not negative."""
    try:
        value = operator.index(n)  # type: ignore[arg-type]
    except TypeError:
        value = None
    if value is None or isinstance(n, bool):
        raise ValueError(f"{what}: must be a whole number, not {n!r}.")
    if value < 0:
        raise ValueError(f"{what}: must not be negative (got {value}).")
    return value


def suppress_hierarchy(parent_index: Sequence[int], own_n: Sequence[int], k: int) -> list[bool]:
    """Which units of a tree may show their subtree figures (True = shown).

    Inputs: parent_index, one per unit, its parent's index or -1 for a root (a forest;
    parents may come after children); own_n, respondents attached to each unit itself;
    k >= 3, the smallest group that may be published (callers use 5).
    Output: one bool per unit. A shown unit publishes the count of its whole subtree.
    Raises ValueError for k < 3, a negative count, mismatched lengths or a non-forest.

    Rules (Cox 1980; Hundepool et al. 2012):
    1. Primary suppression: a unit whose subtree has fewer than k respondents is hidden.
    2. For a shown unit G the *uncovered remainder* rem(G) is own_n(G) plus hidden(c) for
       each hidden child c, where hidden(c) is own_n(c) plus the same sum over c's hidden
       children: exactly what subtracting every shown descendant from G leaves. It must be
       0 or at least k.
    3. A shown unit with no respondents of its own must not have exactly one hidden child
       (its figure minus the shown children's would repeat that child's).
    Repair runs bottom-up, once per unit, after all its children are final: while G breaks
    rule 2 or 3, hide the shown child with the smallest rem >= 1 (ties: lowest index); if
    there is none and only rule 3 is broken, hide the lowest-index shown child with
    rem 0; otherwise hide G itself. Hiding a child c adds rem(c) to rem(G) and touches no
    other unit's rules, and since a final shown child has rem 0 or >= k, one hidden child
    always repairs G when any is eligible: the pass ends after at most one hidden child
    per unit, in O(units log units).

    Why the result is safe: the shown cells are subtrees, so the set of shown cells that
    contain a respondent is determined by the nearest shown unit G at or above the
    respondent's unit, and those sets partition the published respondents into exactly
    the rem(G) groups. Every linear combination of shown counts is constant on each group,
    so anything an attacker can isolate is a union of rem groups, each 0 or >= k, hence
    itself 0 or >= k; and each rem(G) is recoverable (G minus its nearest shown
    descendants), so the check is exact rather than cautious.
    """
    return suppress_hierarchy_columns(parent_index, [own_n], k)[0]


def suppress_hierarchy_columns(
    parent_index: Sequence[int], own_counts: Sequence[Sequence[int]], k: int
) -> list[list[bool]]:
    """`suppress_hierarchy` for several count columns over one tree (the unit totals and
    each scale's), reading the tree once: one list of bools per column."""
    k = _check_k(k)
    count = len(parent_index)
    forest = Forest.from_parents(parent_index)  # validates the forest
    order = forest.children_first()
    parents = list(forest.parent)
    children = [list(c) for c in forest.children]
    results = []
    for column, own_n in enumerate(own_counts):
        if len(own_n) != count:
            raise ValueError(f"own_n: has {len(own_n)} entries for {count} units.")
        name = "own_n" if len(own_counts) == 1 else f"own_counts[{column}]"
        own = [_check_count(f"{name}[{u}]", n) for u, n in enumerate(own_n)]
        results.append(_repair(order, parents, children, own, k))
    return results


def suppress_units_and_scales(
    parent_index: Sequence[int], own_n: Sequence[int], scale_counts: Sequence[Sequence[int]], k: int
) -> tuple[list[bool], list[list[bool]]]:
    """Which units may show their figures, and which of their scale cells.

    scale_counts: one column per scale, of each unit's own respondents with a score on it.
    A scale cell follows the rules of `suppress_hierarchy` on its own column, and is shown
    only where its unit is. Returns (shown per unit, cells[unit][scale]).
    """
    shown, *per_scale = suppress_hierarchy_columns(parent_index, [own_n, *scale_counts], k)
    cells = [[column[u] and shown[u] for column in per_scale] for u in range(len(shown))]
    return shown, cells


def _repair(
    order: list[int], parents: list[int], children: list[list[int]], own: list[int], k: int
) -> list[bool]:
    """The rules of `suppress_hierarchy` applied to one column of counts."""
    count = len(parents)
    subtree = own[:]
    for unit in order:
        if parents[unit] >= 0:
            subtree[parents[unit]] += subtree[unit]
    shown = [n >= k for n in subtree]

    # rem(u) while u is shown, hidden(u) once it is not: the same sum either way.
    remainder = [0] * count
    for unit in order:
        kids = children[unit]
        rem, hidden_kids = own[unit], 0
        for c in kids:
            if not shown[c]:
                rem += remainder[c]
                hidden_kids += 1
        if shown[unit] and (0 < rem < k or (own[unit] == 0 and hidden_kids == 1)):
            with_people = sorted((remainder[c], c) for c in kids if shown[c] and remainder[c])
            if with_people:
                child = with_people[0][1]
            elif not 0 < rem < k and (empty := [c for c in kids if shown[c]]):
                child = empty[0]
            else:
                child = None
            if child is None:
                shown[unit] = False
            else:
                shown[child] = False
                rem += remainder[child]
        remainder[unit] = rem
    return shown


@dataclass(frozen=True)
class Cell:
    """A publishable figure: `key` names it, `atoms` are the groups it adds up.

    fixed: already published (an earlier wave, or decided by `suppress_hierarchy`), so it
    is always counted as shown and never chosen for suppression.
    """

    key: Hashable
    atoms: frozenset[Hashable]
    fixed: bool = False


@dataclass(frozen=True)
class Block:
    """Atoms that every shown cell either contains all of or none of.

    signature: the keys of the shown cells containing them (empty: published nowhere).
    n: their respondents.
    """

    atoms: frozenset[Hashable]
    n: int
    signature: frozenset[Hashable]


def _atom_counts(atom_n: Mapping[Hashable, int]) -> dict[Hashable, int]:
    return {atom: _check_count(f"atom_n[{atom!r}]", n) for atom, n in atom_n.items()}


def _blocks(cells: Sequence[Cell], counts: Mapping[Hashable, int]) -> list[Block]:
    signature: dict[Hashable, list[Hashable]] = {atom: [] for atom in counts}
    seen: set[Hashable] = set()
    for cell in cells:
        if cell.key in seen:
            raise ValueError(f"cells: key {cell.key!r} is used by two cells.")
        seen.add(cell.key)
        for atom in cell.atoms:
            if atom not in signature:
                raise ValueError(
                    f"cell {cell.key!r}: atom {atom!r} has no count in atom_n "
                    "(give 0 for an empty group)."
                )
            signature[atom].append(cell.key)
    groups: dict[frozenset[Hashable], list[Hashable]] = {}
    for atom, keys in signature.items():
        groups.setdefault(frozenset(keys), []).append(atom)
    return [
        Block(frozenset(atoms), sum(counts[a] for a in atoms), key) for key, atoms in groups.items()
    ]


def atom_blocks(cells_shown: Iterable[Cell], atom_n: Mapping[Hashable, int]) -> list[Block]:
    """The finest groups an attacker could hope to separate with the shown cells.

    Inputs: the shown cells; atom_n, the respondents of every atom (every atom of a cell
    must be there; give 0 for an empty one).
    Output: the atoms grouped by signature (the set of shown cells containing them), in
    the order of each block's first atom in atom_n. Any linear combination of shown
    cells is constant on a block, so a group an attacker can recover is a union of blocks
    with a non-empty signature (Cox 1980). Raises ValueError for unknown atoms, negative
    counts or two cells with the same key.
    """
    return _blocks(list(cells_shown), _atom_counts(atom_n))


def violations(cells_shown: Iterable[Cell], atom_n: Mapping[Hashable, int], k: int) -> list[Block]:
    """The blocks that make the shown cells unsafe: published (non-empty signature) and
    holding between 1 and k - 1 respondents.

    Inputs and ordering as `atom_blocks`; k >= 3. An empty list means no linear
    combination of the shown cells isolates a group of 1..k-1 respondents. For a laminar
    family (a tree of subtrees) every block is itself recoverable, so the check is exact;
    otherwise it is conservative: some flagged blocks may not be recoverable.
    """
    k = _check_k(k)
    return [b for b in atom_blocks(cells_shown, atom_n) if b.signature and 0 < b.n < k]


def suppress_cells(cells: list[Cell], atom_n: Mapping[Hashable, int], k: int) -> set[Hashable]:
    """The keys of the cells that may be shown, with no violation left.

    Inputs: every candidate cell (fixed ones are already published); atom_n as in
    `atom_blocks`; k >= 3.
    Output: the set of shown keys. Fixed cells are always in it; a non-fixed cell starts
    shown when it has at least k respondents (primary suppression), then, while a
    violation is left, the first violating block B (in `violations` order) gets one more
    non-fixed cell hidden:
    1. a shown cell outside B's signature whose removal merges B with a non-empty block
       (its signature is B's plus that cell), the smallest such cell first;
    2. otherwise the smallest non-fixed cell in B's signature, which moves B into a
       coarser block (or out of publication);
    3. otherwise (B's signature is all fixed) the smallest cell that separates B from
       the atoms that share its fixed cells.
    "Smallest" is by respondents, ties by position in `cells`. Hiding a cell only merges
    blocks, so no new violation appears, and every step hides a cell, so it ends.
    Raises ValueError when the fixed cells alone already violate (nothing can repair what
    is published), for k < 3, unknown atoms or duplicate keys.

    Sound for any family (no violation is left), exact as a check for laminar ones;
    for non-laminar families it is conservative and greedy, so it may hide more than a
    minimal suppression (NP-hard in general: Kelly, Golden & Assad 1992, Networks 22).
    """
    k = _check_k(k)
    counts = _atom_counts(atom_n)
    _blocks(cells, counts)  # validates keys and atoms once
    total = {cell.key: sum(counts[a] for a in cell.atoms) for cell in cells}
    position = {cell.key: n for n, cell in enumerate(cells)}

    def size(key: Hashable) -> tuple[int, int]:
        return total[key], position[key]

    published = [cell for cell in cells if cell.fixed]
    broken = [b for b in _blocks(published, counts) if b.signature and 0 < b.n < k]
    if broken:
        keys = ", ".join(repr(key) for key in sorted(broken[0].signature, key=position.__getitem__))
        raise ValueError(
            f"fixed cells: already published figures ({keys}) isolate a group "
            f"of {broken[0].n}, fewer than {k}; nothing shown now can repair it."
        )

    shown = {cell.key for cell in cells if cell.fixed or total[cell.key] >= k}
    while True:
        current = [cell for cell in cells if cell.key in shown]
        blocks = _blocks(current, counts)
        broken = [b for b in blocks if b.signature and 0 < b.n < k]
        if not broken:
            return shown
        block = broken[0]
        by_signature = {b.signature: b for b in blocks}
        movable = [cell.key for cell in current if not cell.fixed]
        merging = [
            key
            for key in movable
            if key not in block.signature
            and (partner := by_signature.get(block.signature | {key})) is not None
            and partner.n > 0
        ]
        inside = [key for key in movable if key in block.signature]
        if merging:
            victim = min(merging, key=size)
        elif inside:
            victim = min(inside, key=size)
        else:
            # B's cells are all fixed, and the fixed cells alone are safe, so atoms sharing
            # B's fixed cells are split from B by some shown non-fixed cell: hide one.
            splitting = [
                key
                for key in movable
                if any(block.signature < b.signature and key in b.signature for b in blocks)
            ]
            victim = min(splitting or movable, key=size)
        shown.discard(victim)


def cut_cells(
    unit_key: Hashable,
    child_atoms: Mapping[Hashable, Mapping[Hashable, int]],
    *,
    shown_totals: Iterable[Hashable] | None = None,
) -> tuple[list[Cell], dict[Hashable, int]]:
    """The cells of a demographic cut of one unit beside its children, for `suppress_cells`.

    Inputs: unit_key; child_atoms, for each child the respondents of its subtree by cut
    value (the unit's own respondents go under unit_key itself: they are in the unit's
    cells but have no child cell); shown_totals, the unit and child totals already
    published by `suppress_hierarchy` (None: totals are new cells like the rest).
    Output: (cells, atom_n). Atoms are (child, value) pairs. Cells, keyed (who, value):
    the unit total (unit_key, None), each child total (child, None) and each cut-value
    total (unit_key, value). With shown_totals given, listed totals become fixed cells and
    unlisted ones (suppressed) get no cell at all, so a cut can never reopen them.
    Respondents who did not answer the question belong under a value of their own.
    Scope: one unit's table. Figures deeper in the tree are not atoms here; combine
    (unit, value) atoms yourself when cuts of several levels are published together.
    """
    atom_n: dict[Hashable, int] = {}
    values: dict[Hashable, None] = {}  # ordered set
    for child, by_value in child_atoms.items():
        for value, n in by_value.items():
            atom_n[(child, value)] = _check_count(f"child_atoms[{child!r}][{value!r}]", n)
            values.setdefault(value)
    decided = None if shown_totals is None else set(shown_totals)

    def total(key: Hashable, atoms: Iterable[Hashable]) -> list[Cell]:
        if decided is None:
            return [Cell((key, None), frozenset(atoms))]
        return [Cell((key, None), frozenset(atoms), fixed=True)] if key in decided else []

    cells = total(unit_key, atom_n)
    for child in child_atoms:
        if child != unit_key:
            cells += total(child, [(child, value) for value in child_atoms[child]])
    for value in values:
        atoms = frozenset((c, value) for c, by_value in child_atoms.items() if value in by_value)
        cells.append(Cell((unit_key, value), atoms))
    return cells, atom_n
