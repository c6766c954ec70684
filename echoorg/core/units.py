"""Organisation unit trees: parsing and validating a `unit,parent` CSV import.

Pure functions, no Django. An import is all-or-nothing: `parse_unit_rows` either returns
every row in an order where each parent comes before its children, or raises
`UnitImportError` listing every bad row, so the caller writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from echoorg.core.text import name_key, normalise_name

MAX_UNIT_NAME = 200


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
    ordered: list[UnitRow] = []
    placed = set(existing_keys)
    pending = list(by_key)
    while pending:
        ready = [k for k in pending if parent_of[k] is None or parent_of[k] in placed]
        ordered.extend(
            UnitRow(by_key[k].line, by_key[k].unit, spelling[parent_of[k]])
            if parent_of[k] is not None
            else by_key[k]
            for k in ready
        )
        placed.update(ready)
        pending = [k for k in pending if k not in placed]
    return ordered


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


def subtree(parents: dict[str, str | None], root: str) -> set[str]:
    """All units below `root` (inclusive), given a mapping unit -> parent."""
    children: dict[str | None, list[str]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    found, stack = set(), [root]
    while stack:
        unit = stack.pop()
        if unit in found:
            continue
        found.add(unit)
        stack.extend(children.get(unit, []))
    return found
