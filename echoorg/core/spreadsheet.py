"""Cells for files people open in a spreadsheet: text that cannot run as a formula.

A spreadsheet program reads a CSV cell that starts with `=`, `+`, `-` or `@` (and, in
some programs, a tab or a carriage return) as a formula, so a unit called
`=HYPERLINK("http://x","click")` in an export becomes a live link, or worse, on the reader's
machine (CSV or formula injection). Every CSV and XLSX echoorg writes passes its cells
through this module:

- CSV: a text cell that starts with one of those characters gets a single quote in front
  (OWASP's rule for CSV injection); the csv module's quoting does the rest.
- XLSX: text stays as it is but is always written as a string cell, never a formula
  (openpyxl would otherwise make a formula of any string that starts with `=`).

Only text is touched: numbers (int, float, Decimal; bool is left alone too) are data and
stay numbers, negative ones included. Text that is exactly a plain decimal number, such as
"-2" or "+0.5", is also left as it is: a spreadsheet reads it as that number, never as a
formula, and prefixing it would turn an answer like "-1" into text nobody can add up.
Anything more ("-2+3", "-1e3+A1") is neutralised. See docs/decisions/0009-exports-and-trees.md.

Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (see the module's text)."""
    return text.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(text) is None


def csv_cell(value: Any) -> Any:
    """A value ready for csv.writer: formula-like text gets a leading single quote.

    Input: any cell value. Output: the same value, except text for which
    `is_formula_like` holds, which comes back as "'" + text. Numbers and None pass
    unchanged (None is written as an empty cell by the csv module).
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A whole row through `csv_cell`, for `writer.writerow(csv_row([...]))`."""
    return [csv_cell(value) for value in values]


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with every text cell as a string, never a
    formula.

    openpyxl makes a formula of a string that starts with "=" when it is assigned; this
    sets the data type back to "s" (a string) after appending, so the workbook stores the
    text and a spreadsheet shows it as text. Numbers stay numeric cells.
    """
    row = list(values)
    sheet.append(row)
    line = sheet.max_row
    for column, value in enumerate(row, start=1):
        if isinstance(value, str):
            sheet.cell(row=line, column=column).data_type = "s"
