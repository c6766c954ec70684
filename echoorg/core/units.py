"""Organisation unit trees: parsing and validating a `unit,parent` CSV import, and every
operation on a tree (parents, children, orders, depths, ancestors, subtrees and their
sums) in one place, iterative and in linear time (see "trees" below).

Pure functions, no Django. An import is all-or-nothing: `parse_unit_rows` either returns
every row in an order where each parent comes before its children, or raises
`UnitImportError` listing every bad row, so the caller writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from echoorg.core.text import name_key, normalise_name

MAX_UNIT_NAME = 200
K = TypeVar("K")


@dataclass(frozen=True)
class UnitRow:
    """One row of an import: a unit and the name of its parent (None for a root)."""

    line: int
    unit: str
    parent: str | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.line}: {self.message}" if self.line else self.message


@dataclass
class UnitImportError(Exception):
    problems: list[RowProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


def read_unit_csv(text: str) -> list[UnitRow]:
    """Read `unit,parent` CSV text into rows, or raise UnitImportError for malformed rows.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    rows, problems = _read_rows(text)
    if problems:
        raise UnitImportError(problems)
    return rows


def _read_rows(text: str) -> tuple[list[UnitRow], list[RowProblem]]:
    """The well-formed rows and the problems of the others; a bad header or file raises."""
    problems: list[RowProblem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise UnitImportError(
            [RowProblem(0, "The file is empty: expected a header 'unit,parent'.")]
        )
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise UnitImportError([RowProblem(1, f"unreadable CSV ({exc}).")]) from None
    if header != ["unit", "parent"]:
        raise UnitImportError(
            [RowProblem(1, f"the header must be 'unit,parent', found '{','.join(header)}'.")]
        )
    rows: list[UnitRow] = []
    try:
        for number, record in enumerate(reader, start=2):
            if not record or all(not c.strip() for c in record):
                continue
            if len(record) != 2:
                problems.append(
                    RowProblem(number, f"expected 2 columns (unit,parent), found {len(record)}.")
                )
                continue
            unit, parent = normalise_name(record[0]), normalise_name(record[1])
            if not unit:
                problems.append(
                    RowProblem(
                        number,
                        "the unit name is empty."
                        if not record[0].strip()
                        else "the unit name has only invisible characters.",
                    )
                )
                continue
            if len(unit) > MAX_UNIT_NAME or len(parent) > MAX_UNIT_NAME:
                problems.append(
                    RowProblem(number, f"names are limited to {MAX_UNIT_NAME} characters.")
                )
                continue
            rows.append(UnitRow(number, unit, parent or None))
    except csv.Error as exc:
        problems.append(RowProblem(reader.line_num, f"unreadable CSV ({exc})."))
    if not rows and not problems:
        raise UnitImportError([RowProblem(0, "The file has a header but no units.")])
    return rows, problems


def order_unit_rows(rows: Iterable[UnitRow], existing: Iterable[str] = ()) -> list[UnitRow]:
    """Check a set of new units against the names that already exist and order them.

    Names are compared by `echoorg.core.text.name_key` (normal form, case-folded), so
    "Team A" and "team\u200ba" are the same unit. Refuses duplicates (within the file or
    with an existing unit), unknown parents, a unit that is its own parent and cycles.
    Returns rows ordered so that each parent precedes its children (a topological order,
    stable in file order).
    """
    rows = list(rows)
    existing_names = {name_key(name): name for name in existing}
    existing_keys = set(existing_names)
    problems: list[RowProblem] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        key = name_key(row.unit)
        if key in existing_keys:
            problems.append(RowProblem(row.line, f"unit '{row.unit}' already exists."))
        elif key in first_seen:
            problems.append(
                RowProblem(row.line, f"unit '{row.unit}' is a duplicate of row {first_seen[key]}.")
            )
        else:
            first_seen[key] = row.line
    by_key = {
        name_key(row.unit): row for row in rows if first_seen.get(name_key(row.unit)) == row.line
    }
    parent_of: dict[str, str | None] = {
        key: name_key(row.parent) if row.parent is not None else None for key, row in by_key.items()
    }
    for key, row in by_key.items():
        parent = parent_of[key]
        if parent is None:
            continue
        if parent == key:
            problems.append(RowProblem(row.line, f"unit '{row.unit}' is its own parent."))
        elif parent not in by_key and parent not in existing_keys:
            problems.append(RowProblem(row.line, f"parent '{row.parent}' is not a known unit."))
    problems.extend(_cycles(by_key, parent_of))
    if problems:
        raise UnitImportError(sorted(set(problems), key=lambda p: (p.line, p.message)))
    # Each parent is given as the unit itself spells it, whatever case the file used.
    spelling = {**existing_names, **{k: row.unit for k, row in by_key.items()}}
    # Parents first: by depth within the file (a parent that exists already counts as
    # depth 0), stable in file order; linear, where rounds of "ready" rows were quadratic.
    keys, forest = keyed_forest(parent_of)
    depth = dict(zip(keys, forest.depths(), strict=True))
    return [
        UnitRow(by_key[k].line, by_key[k].unit, spelling[parent])
        if (parent := parent_of[k]) is not None
        else by_key[k]
        for k in sorted(by_key, key=lambda k: depth[k])
    ]


def _cycles(by_key: dict[str, UnitRow], parent_of: dict[str, str | None]) -> list[RowProblem]:
    """Name every row that takes part in a cycle of parents within the file."""
    problems = []
    state: dict[str, str] = {}
    for start in by_key:
        path: list[str] = []
        node: str | None = start
        while node in by_key and node not in state:
            state[node] = "visiting"
            path.append(node)
            node = parent_of[node]
            if node == path[-1]:
                break  # self-parent, reported separately
        if node in by_key and state.get(node) == "visiting" and node != path[-1]:
            loop = path[path.index(node) :]
            chain = " → ".join(by_key[k].unit for k in [*loop, node])
            for key in loop:
                problems.append(RowProblem(by_key[key].line, f"cycle of parents: {chain}."))
        for key in path:
            state[key] = "done"
    return problems


def parse_units_csv(text: str, existing: Iterable[str] = ()) -> list[UnitRow]:
    """Read and validate a units CSV in one step, reporting every bad row at once.

    See `read_unit_csv` (the file's form) and `order_unit_rows` (the tree it describes).
    """
    rows, problems = _read_rows(text)
    try:
        ordered = order_unit_rows(rows, existing)
    except UnitImportError as exc:
        problems = problems + exc.problems
    if problems:
        raise UnitImportError(sorted(set(problems), key=lambda p: (p.line, p.message)))
    return ordered


# --- trees ---------------------------------------------------------------------------------
#
# Every walk over a unit tree in echoorg goes through the functions below: iterative (no
# recursion, so a chain of any depth works) and linear in the number of units. A tree is
# given either by index (`parent_index[i]` is unit i's parent's index, -1 for a root) or by
# key (`parents[key]` is the parent's key or None), as the callers hold it.


@dataclass(frozen=True)
class Forest:
    """A checked forest of units numbered 0..n-1: each unit's parent and children.

    Build it with `Forest.from_parents`, which refuses anything that is not a forest.
    `children[u]` lists u's children in index order; `roots` the units without a parent.
    """

    parent: tuple[int, ...]
    children: tuple[tuple[int, ...], ...]
    roots: tuple[int, ...]

    @classmethod
    def from_parents(cls, parent_index: Iterable[int]) -> Forest:
        """The forest of `parent_index` (one entry per unit: its parent's index, or -1).

        Parents may come after their children. Raises ValueError for a parent index out of
        range, a unit that is its own parent, or a cycle, naming a unit in it.
        """
        parent = tuple(int(p) for p in parent_index)
        count = len(parent)
        children: list[list[int]] = [[] for _ in range(count)]
        roots: list[int] = []
        for unit, above in enumerate(parent):
            if above == -1:
                roots.append(unit)
            elif above == unit:
                raise ValueError(f"parent_index: unit {unit} is its own parent.")
            elif 0 <= above < count:
                children[above].append(unit)
            else:
                raise ValueError(
                    f"parent_index: unit {unit} has parent {above}, which is "
                    f"not -1 or a unit index (0..{count - 1})."
                )
        forest = cls(parent, tuple(tuple(c) for c in children), tuple(roots))
        reached = forest.breadth_first()
        if len(reached) != count:
            seen = set(reached)
            stuck = next(u for u in range(count) if u not in seen)
            raise ValueError(
                f"parent_index: unit {stuck} is in a cycle of parents (it has no root above it)."
            )
        return forest

    def __len__(self) -> int:
        return len(self.parent)

    def breadth_first(self) -> list[int]:
        """Units level by level from the roots: every parent before its children."""
        order = list(self.roots)
        for unit in order:  # the list grows while it is walked
            order.extend(self.children[unit])
        return order

    def children_first(self) -> list[int]:
        """Every unit after all of its descendants (the breadth-first order reversed, so
        siblings keep index order): the order for adding counts up a tree."""
        return self.breadth_first()[::-1]

    def depth_first(self, sort_key: Callable[[int], Any] | None = None) -> list[int]:
        """Pre-order: each unit, then its subtrees in turn; siblings (and roots) in index
        order or sorted by `sort_key`. The order of a printed tree."""

        def arranged(units: Sequence[int]) -> list[int]:
            return sorted(units, key=sort_key) if sort_key is not None else list(units)

        order: list[int] = []
        stack = arranged(self.roots)[::-1]
        while stack:
            unit = stack.pop()
            order.append(unit)
            stack.extend(arranged(self.children[unit])[::-1])
        return order

    def depths(self) -> list[int]:
        """Each unit's depth: 0 for a root, its parent's depth + 1 otherwise."""
        depth = [0] * len(self.parent)
        for unit in self.breadth_first():
            if self.parent[unit] >= 0:
                depth[unit] = depth[self.parent[unit]] + 1
        return depth

    def ancestors(self, unit: int) -> list[int]:
        """The units above `unit`, from its root down to its parent."""
        path = []
        above = self.parent[unit]
        while above >= 0:
            path.append(above)
            above = self.parent[above]
        return path[::-1]

    def subtree(self, unit: int) -> list[int]:
        """`unit` and every unit below it, in pre-order."""
        found, stack = [], [unit]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(self.children[node]))
        return found

    def subtree_sums(self, values: Sequence[Any]) -> list[Any]:
        """For each unit, the sum of `values` over its subtree (itself included), in one
        pass from the leaves up."""
        if len(values) != len(self.parent):
            raise ValueError(f"values: has {len(values)} entries for {len(self.parent)} units.")
        total = list(values)
        for unit in self.children_first():
            if self.parent[unit] >= 0:
                total[self.parent[unit]] += total[unit]
        return total


def children_first_order(parent_index: Sequence[int]) -> list[int]:
    """The units of a forest ordered so every child comes before its parent (see
    `Forest.children_first`); raises ValueError if `parent_index` is not a forest."""
    return Forest.from_parents(parent_index).children_first()


def tree_order_by_name(forest: Forest, names: Sequence[str]) -> list[int]:
    """The order units are listed in on every page: each unit, then its children by name
    (case-insensitive), at any depth (`Forest.depth_first`). `names[u]` is unit u's."""
    if len(names) != len(forest):
        raise ValueError(f"names: has {len(names)} entries for {len(forest)} units.")
    return forest.depth_first(lambda u: names[u].lower())


def keyed_forest(parents: Mapping[K, K | None]) -> tuple[list[K], Forest]:
    """A forest over keys (unit ids or names): the keys in mapping order, and the Forest
    over their positions. A parent that is not itself a key makes its unit a root."""
    keys = list(parents)
    position = {key: i for i, key in enumerate(keys)}
    return keys, Forest.from_parents(
        [
            position.get(parents[key], -1)  # type: ignore[arg-type]
            if parents[key] is not None
            else -1
            for key in keys
        ]
    )


def ancestors(parents: Mapping[K, K | None], unit: K) -> list[K]:
    """The units above `unit` in a mapping unit -> parent, from the top down to its parent.
    Stops at a unit it has met already, so a broken mapping with a cycle cannot loop."""
    path: list[K] = []
    seen = {unit}
    above = parents.get(unit)
    while above is not None and above not in seen:
        path.append(above)
        seen.add(above)
        above = parents.get(above)
    return path[::-1]


def subtree(parents: Mapping[K, K | None], root: K) -> set[K]:
    """All units below `root` (inclusive), given a mapping unit -> parent."""
    return subtrees(parents, [root])


def subtrees(parents: Mapping[K, K | None], roots: Iterable[K]) -> set[K]:
    """All units at or below any of `roots`, each unit visited once (linear time even when
    the roots lie inside one another)."""
    children: dict[K | None, list[K]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    found: set[K] = set()
    stack = [root for root in roots if root in parents]
    while stack:
        unit = stack.pop()
        if unit in found:
            continue
        found.add(unit)
        stack.extend(children.get(unit, []))
    return found
