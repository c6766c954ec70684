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
            unit, parent = record[0].strip(), record[1].strip()
            if not unit:
                problems.append(RowProblem(number, "the unit name is empty."))
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

    Refuses duplicates (within the file or with an existing unit), unknown parents, a unit
    that is its own parent and cycles. Returns rows ordered so that each parent precedes
    its children (a topological order, stable in file order).
    """
    rows = list(rows)
    existing = set(existing)
    problems: list[RowProblem] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        if row.unit in existing:
            problems.append(RowProblem(row.line, f"unit '{row.unit}' already exists."))
        elif row.unit in first_seen:
            problems.append(
                RowProblem(
                    row.line, f"unit '{row.unit}' is a duplicate of row {first_seen[row.unit]}."
                )
            )
        else:
            first_seen[row.unit] = row.line
    by_name = {row.unit: row for row in rows if first_seen.get(row.unit) == row.line}
    for row in by_name.values():
        if row.parent is None:
            continue
        if row.parent == row.unit:
            problems.append(RowProblem(row.line, f"unit '{row.unit}' is its own parent."))
        elif row.parent not in by_name and row.parent not in existing:
            problems.append(RowProblem(row.line, f"parent '{row.parent}' is not a known unit."))
    problems.extend(_cycles(by_name))
    if problems:
        raise UnitImportError(sorted(set(problems), key=lambda p: (p.line, p.message)))
    ordered: list[UnitRow] = []
    placed = set(existing)
    pending = list(by_name.values())
    while pending:
        ready = [r for r in pending if r.parent is None or r.parent in placed]
        ordered.extend(ready)
        placed.update(r.unit for r in ready)
        pending = [r for r in pending if r.unit not in placed]
    return ordered


def _cycles(by_name: dict[str, UnitRow]) -> list[RowProblem]:
    """Name every row that takes part in a cycle of parents within the file."""
    problems = []
    state: dict[str, str] = {}
    for start in by_name:
        path: list[str] = []
        node: str | None = start
        while node in by_name and node not in state:
            state[node] = "visiting"
            path.append(node)
            node = by_name[node].parent
            if node == path[-1]:
                break  # self-parent, reported separately
        if node in by_name and state.get(node) == "visiting" and node != path[-1]:
            loop = path[path.index(node) :]
            chain = " → ".join([*loop, node])
            for name in loop:
                problems.append(RowProblem(by_name[name].line, f"cycle of parents: {chain}."))
        for name in path:
            state[name] = "done"
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
