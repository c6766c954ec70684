"""Reading survey responses from other tools: CSV (fast, streaming) and XLSX.

The format: a header `respondent,unit,<item ids>`; one row per respondent; each item cell
an integer within the instrument's response scale, or empty when not answered. Row
numbers in messages count the header as row 1, as a spreadsheet shows them.

A file is accepted whole or refused whole: `ResponseFileError` lists every problem found
(up to a limit), each with its row number, and the caller writes nothing.
"""

from __future__ import annotations

import importlib
import io
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from . import fastread
from .coded import CodedAnswers
from .instrument import Instrument


class _Later:
    """A module imported when one of its names is first used. Arrow takes a fifth of a
    second to import and the C accelerator's route reads plain files without it."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


pa = _Later("pyarrow")
pac = _Later("pyarrow.compute")
pacsv = _Later("pyarrow.csv")

MAX_PROBLEMS = 50
FIXED_COLUMNS = ("respondent", "unit")
# A missing answer is an empty cell, or one of these words (R writes NA, other tools the
# rest). A whole number may end in a point and zeros ("3.0"), as pandas writes a column
# of whole numbers that has blanks in it.
BLANK_WORDS = ("NA", "N/A", "NaN", "nan", "null", "NULL")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1 is the header; 0 means the whole file
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row else self.message


@dataclass
class ResponseFileError(ValueError):
    problems: list[RowProblem] = field(default_factory=list)

    def __str__(self) -> str:
        more = "" if len(self.problems) < MAX_PROBLEMS else " (first problems only)"
        return "\n".join(str(p) for p in self.problems) + more


@dataclass
class ResponseTable:
    """Checked responses: answers in the instrument's item order, one byte each.

    `unit_codes[i]` indexes `unit_names`; `rows[i]` is response i's row in the file.
    """

    coded: CodedAnswers
    unit_codes: np.ndarray  # int64
    unit_names: list[str]
    respondent_column: Any  # an Arrow array, a NumPy array of str, or a function giving one
    missing_items: tuple[str, ...] = ()  # instrument items with no column in the file
    rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.coded)

    @cached_property
    def answers(self) -> np.ndarray:
        """float64 (n, n_items), NaN for blanks."""
        return self.coded.to_float()

    @cached_property
    def units(self) -> np.ndarray:
        return np.array(self.unit_names, dtype=object)[self.unit_codes]

    @cached_property
    def respondents(self) -> np.ndarray:
        column = self.respondent_column
        if callable(column):
            column = column()
        if isinstance(column, (pa.Array, pa.ChunkedArray)):
            column = column.to_numpy(zero_copy_only=False)
        return np.asarray(column, dtype=object)


def _check_header(header: list[str], instrument: Instrument) -> list[str]:
    """The item columns of a header, or ResponseFileError naming what is wrong with it."""
    clean = [h.strip() for h in header]
    if clean[:2] != list(FIXED_COLUMNS):
        raise ResponseFileError(
            [
                RowProblem(
                    1,
                    f"the header must start with 'respondent,unit', found '{','.join(clean[:2])}'.",
                )
            ]
        )
    problems = []
    known = set(instrument.item_ids)
    # Ids are matched exactly; a column spelt with other capitals is named with the id it
    # was probably meant to be (an instrument's ids never differ only in case).
    folded = {item.casefold(): item for item in instrument.item_ids}
    seen: set[str] = set()
    for column, name in enumerate(clean[2:], start=3):
        if not name:
            problems.append(RowProblem(1, f"column {column} of the header is empty."))
        elif name in seen:
            problems.append(RowProblem(1, f"column '{name}' appears twice."))
        elif name not in known and name.casefold() in folded:
            problems.append(
                RowProblem(
                    1,
                    f"'{name}' is not an item of {instrument.key}: item ids are matched "
                    f"exactly, capitals included; the instrument has '{folded[name.casefold()]}'.",
                )
            )
        elif name not in known:
            problems.append(RowProblem(1, f"'{name}' is not an item of {instrument.key}."))
        seen.add(name)
    if not problems and not clean[2:]:
        listed = ", ".join(instrument.item_ids[:5])
        more = ", …" if len(instrument.item_ids) > 5 else ""
        problems.append(
            RowProblem(
                1,
                f"the header has no item column of {instrument.key}; expected columns "
                f"named as its items ({listed}{more}) after 'respondent,unit'.",
            )
        )
    if problems:
        raise ResponseFileError(problems[:MAX_PROBLEMS])
    return clean[2:]


def missing_items_note(table: ResponseTable) -> str:
    """A sentence naming the instrument's items that had no column in the file (their
    answers count as unanswered), or an empty string when every item had one."""
    if not table.missing_items:
        return ""
    listed = ", ".join(table.missing_items[:20])
    more = f" and {len(table.missing_items) - 20} more" if len(table.missing_items) > 20 else ""
    return (
        f"No column in the file for {len(table.missing_items)} item(s), counted as "
        f"unanswered: {listed}{more}."
    )


def _problems_in_values(
    values: np.ndarray, item: str, low: int, high: int, rows: np.ndarray, problems: list[RowProblem]
) -> None:
    bad = np.nonzero(~np.isnan(values) & ((values < low) | (values > high)))[0]
    for index in bad[: MAX_PROBLEMS - len(problems)]:
        problems.append(
            RowProblem(
                int(rows[index]),
                f"{item} is {values[index]:g}; answers must be whole numbers from {low} to {high}.",
            )
        )


def _finish(
    respondents: np.ndarray,
    units: np.ndarray,
    columns: dict[str, np.ndarray],
    instrument: Instrument,
    problems: list[RowProblem],
) -> ResponseTable:
    """Shared checks of every source: blanks, duplicates, ranges; then the answer matrix.

    Rows that are wholly empty (a blank line, a spreadsheet's empty row) are left out;
    row numbers of the others stay as the file shows them.
    """
    low, high = instrument.response_scale.min, instrument.response_scale.max
    rows = np.arange(len(respondents)) + 2
    empty = (respondents == "") & (units == "")
    for values in columns.values():
        empty &= np.isnan(values)
    if empty.any():
        keep = ~empty
        respondents, units, rows = respondents[keep], units[keep], rows[keep]
        columns = {name: values[keep] for name, values in columns.items()}
    for name, column in (("respondent", respondents), ("unit", units)):
        blank = np.nonzero(np.char.str_len(column.astype(str)) == 0)[0] if len(column) else []
        for index in blank[: MAX_PROBLEMS - len(problems)]:
            problems.append(RowProblem(int(rows[index]), f"the {name} is empty."))
    if len(respondents):
        order = np.argsort(respondents, kind="stable")
        ranked = respondents[order]
        repeat = np.nonzero(ranked[1:] == ranked[:-1])[0]
        first_row: dict[str, int] = {}
        for position in repeat:
            name = ranked[position + 1]
            if name == "":
                continue
            first = first_row.setdefault(name, int(rows[order[position]]))
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    RowProblem(
                        int(rows[order[position + 1]]),
                        f"respondent '{name}' is a duplicate of row {first}.",
                    )
                )
    for item, values in columns.items():
        if len(problems) >= MAX_PROBLEMS:
            break
        _problems_in_values(values, item, low, high, rows, problems)
    if problems:
        raise ResponseFileError(sorted(problems, key=lambda p: p.row)[:MAX_PROBLEMS])
    n = len(respondents)
    answers = np.full((n, len(instrument.items)), np.nan)
    for position, item in enumerate(instrument.item_ids):
        if item in columns:
            answers[:, position] = columns[item]
    missing = _missing_items(instrument, columns)
    names, codes = units_in_order_of_appearance(units)
    return ResponseTable(
        CodedAnswers.from_float(answers, low, high), codes, names, respondents, missing, rows
    )


def units_in_order_of_appearance(units: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct unit names in order of first appearance, and each row's index into them.

    Every reader numbers units this way (the accelerator and Arrow's dictionary encoding
    do it by construction), so a file gives the same units in the same order whichever
    route reads it, and `echoorg survey score` writes the same bytes.
    """
    if not len(units):
        return [], np.zeros(0, dtype=np.int64)
    sorted_names, first, inverse = np.unique(
        units.astype(str), return_index=True, return_inverse=True
    )
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return [str(sorted_names[i]) for i in order], rank[np.ravel(inverse)]


def read_responses_csv(
    source: str | Path | bytes | BinaryIO,
    instrument: Instrument,
    progress: Callable[[int], None] | None = None,
    accelerated: bool = False,
) -> ResponseTable:
    """Read and check a responses CSV. `progress` receives the number of bytes read so far.

    Fastest path, for plain files: the C accelerator (fastread.py), when installed and
    asked for with `accelerated=True`. Only the command line asks for it (a researcher's
    own file on their own machine); files uploaded through the web never reach C code.
    Fast path: Arrow's multi-threaded CSV reader in 16 MB blocks with integer item columns.
    Only when a file is malformed is it read again, single-threaded as text, to find the
    row of every problem.
    """
    raw = _as_bytes_source(source)
    header = _read_header(raw)
    item_columns = _check_header(header, instrument)
    if accelerated and fastread.available():
        plain = _plain_table(raw, item_columns, instrument, progress)
        if plain is not None:
            return plain
    names = [h.strip() for h in header]
    types = {names[0]: pa.string(), names[1]: pa.string()}
    types.update({name: pa.int8() for name in item_columns})
    invalid_rows: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid_rows.append(row)
        return "skip"

    # Arrow's whole-file reader is the fastest (it parses blocks on every core); it runs in
    # a thread while this one reports how many bytes it has taken so far.
    stream, counter = _reopen(raw)
    outcome: dict[str, Any] = {}

    def read() -> None:
        try:
            outcome["table"] = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(block_size=1 << 20, column_names=names, skip_rows=1),
                parse_options=pacsv.ParseOptions(
                    ignore_empty_lines=False, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=types, null_values=["", *BLANK_WORDS], strings_can_be_null=False
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=read, name="echoorg-csv", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        if progress is not None:
            progress(counter.count)
    table = outcome.get("table")
    if progress is not None:
        progress(_size(raw))
    if table is not None and not invalid_rows:
        fast = _fast_table(table, item_columns, instrument)
        if fast is not None:
            return fast
        # Every cell was read as a number: the problems are values out of range, blank
        # cells or repeated respondents, which the shared checks name from this table.
        return _finish(
            *_text_columns(table),
            {
                name: table.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)
                for name in item_columns
            },
            instrument,
            [],
        )
    return _slow_table(raw, names, instrument)


def _missing_items(instrument: Instrument, present: Iterable[str]) -> tuple[str, ...]:
    """The instrument's items that have no column in the file."""
    present = set(present)
    return tuple(i for i in instrument.item_ids if i not in present)


def _text_columns(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """The respondent and unit columns, trimmed, as NumPy arrays of str objects."""
    return tuple(
        pac.utf8_trim_whitespace(table.column(i)).to_numpy(zero_copy_only=False).astype(object)
        for i in (0, 1)
    )


def _plain_table(
    raw: Any,
    item_columns: list[str],
    instrument: Instrument,
    progress: Callable[[int], None] | None,
) -> ResponseTable | None:
    """A plain file read by the C accelerator, or None to read it the general way."""
    data = fastread.map_file(raw) if isinstance(raw, Path) else raw
    start = data.find(b"\n") + 1
    position = {item: j for j, item in enumerate(instrument.item_ids)}
    low, high = instrument.response_scale.min, instrument.response_scale.max
    plain = (
        fastread.read_plain(
            data,
            start,
            [position[name] for name in item_columns],
            len(instrument.items),
            low,
            high,
            progress,
        )
        if start
        else None
    )
    if plain is None:
        return None
    missing = _missing_items(instrument, item_columns)
    return ResponseTable(
        CodedAnswers(list(plain.codes), low, high),
        plain.unit_codes,
        plain.unit_names,
        plain.respondents,
        missing,
        np.arange(len(plain)) + 2,
    )


def _fast_table(
    table: pa.Table, item_columns: list[str], instrument: Instrument
) -> ResponseTable | None:
    """Checks and conversion done inside Arrow and NumPy, for a file with nothing wrong.

    Returns None when any check fails, so the caller can find each problem's row. The
    duplicate check runs in a second thread beside the item conversion (Arrow releases
    the interpreter lock while it works).
    """
    low, high = instrument.response_scale.min, instrument.response_scale.max
    if table.num_rows == 0:
        return None
    respondents = pac.utf8_trim_whitespace(table.column(0))
    units = pac.utf8_trim_whitespace(table.column(1))
    for column in (respondents, units):
        if pac.min(pac.utf8_length(column)).as_py() == 0:
            return None  # blank cells or blank lines: the slow path names their rows
    with ThreadPoolExecutor(max_workers=2) as pool:
        distinct = pool.submit(lambda: len(pac.unique(respondents)))
        columns = _code_columns(table, item_columns, instrument, low, high, pool)
        if columns is None or distinct.result() != table.num_rows:
            return None
    encoded = pac.dictionary_encode(units).combine_chunks()
    missing = _missing_items(instrument, item_columns)
    return ResponseTable(
        CodedAnswers(columns, low, high),
        encoded.indices.to_numpy().astype(np.int64),
        encoded.dictionary.to_pylist(),
        respondents,
        missing,
        np.arange(table.num_rows) + 2,
    )


def _code_columns(
    table: pa.Table,
    item_columns: list[str],
    instrument: Instrument,
    low: int,
    high: int,
    pool: ThreadPoolExecutor,
) -> list[np.ndarray] | None:
    """Each item as uint8 codes (0 blank, else answer - min + 1), or None if any answer is
    outside the response scale. Columns are converted on the pool's threads."""
    blank = np.zeros(table.num_rows, dtype=np.uint8)
    sentinel = low - 1  # stands for a blank until the shift below makes it 0

    def convert(name: str) -> np.ndarray | None:
        column = table.column(name)
        extremes = pac.min_max(column).as_py()  # blanks are skipped
        if extremes["min"] is not None and (extremes["min"] < low or extremes["max"] > high):
            return None  # an answer outside the scale
        values = pac.fill_null(column, sentinel).combine_chunks().to_numpy()
        if sentinel:
            values = values - sentinel
        return values.view(np.uint8)

    present = set(item_columns)
    converted = dict(zip(item_columns, pool.map(convert, item_columns), strict=True))
    if any(values is None for values in converted.values()):
        return None
    return [converted[name] if name in present else blank for name in instrument.item_ids]


def _slow_table(raw: Any, names: list[str], instrument: Instrument) -> ResponseTable:
    """Read a file as text, one thread, to name the row of every problem.

    Used when the fast path found something wrong, and for files with blank lines.
    """
    problems: list[RowProblem] = []

    def on_invalid(row: Any) -> str:
        if len(problems) < MAX_PROBLEMS:
            problems.append(
                RowProblem(
                    (row.number or 0),
                    f"expected {row.expected_columns} columns, found {row.actual_columns}.",
                )
            )
        return "skip"

    try:
        table = pacsv.read_csv(
            _reopen(raw)[0],
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(
                ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):  # Arrow's words for a row longer than its 1 MB block
            raise ResponseFileError(
                [
                    RowProblem(
                        0,
                        "The file could not be read as CSV: a row "
                        "is longer than 1 MB, far more than a "
                        "responses row needs.",
                    )
                ]
            ) from None
        raise ResponseFileError(
            [RowProblem(0, f"The file could not be read as CSV ({exc}).")]
        ) from None
    if problems:  # rows skipped above shift later rows; report the shape problems alone
        raise ResponseFileError(problems)
    columns: dict[str, np.ndarray] = {}
    for name in names[2:]:
        values, bad, text = _answers_from_text(table.column(name))
        for index in bad[: MAX_PROBLEMS - len(problems)]:
            cell = text[int(index)].as_py()
            problems.append(
                RowProblem(
                    int(index) + 2, f"{name} is '{cell}'; answers must be whole numbers or empty."
                )
            )
        columns[name] = values
    respondents, units = _text_columns(table)
    return _finish(respondents, units, columns, instrument, problems)


def _answers_from_text(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, Any]:
    """One item column read as text: its answers as floats (NaN for a blank), the indexes
    of cells that are neither a whole number nor a blank, and the trimmed text (an Arrow
    array, for messages). Done in Arrow's compute functions: a million cells a second
    or more, where NumPy's string functions took tens of seconds for a large file."""
    text = pac.utf8_trim_whitespace(column.combine_chunks())
    blank = pac.is_in(text, value_set=pa.array(["", *BLANK_WORDS]))
    try:  # most columns are plain integers and blanks: one cast, no regular expressions
        values = pac.if_else(blank, pa.scalar(None, pa.string()), text).cast(pa.int64())
        return (
            values.cast(pa.float64()).to_numpy(zero_copy_only=False),
            np.zeros(0, dtype=np.int64),
            text,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    whole = pac.match_substring_regex(text, f"^{_WHOLE_NUMBER.pattern}$")
    bad = np.flatnonzero(pac.invert(pac.or_(blank, whole)).to_numpy(zero_copy_only=False))
    number = pac.replace_substring_regex(
        pac.replace_substring_regex(text, r"\.0*$", ""), r"^\+", ""
    )
    answered = pac.and_(whole, pac.invert(blank))
    values = pac.if_else(answered, number, pa.scalar(None, pa.string())).cast(pa.float64())
    return values.to_numpy(zero_copy_only=False), bad, text


def read_responses_rows(rows: Iterable[Iterable[Any]], instrument: Instrument) -> ResponseTable:
    """Check responses given as rows (the first is the header): XLSX sheets and API bodies."""
    rows = iter(rows)
    try:
        header = [("" if c is None else str(c)) for c in next(rows)]
    except StopIteration:
        raise ResponseFileError([RowProblem(0, "The file is empty.")]) from None
    while header and header[-1] == "":
        header.pop()
    item_columns = _check_header(header, instrument)
    width = len(header)
    respondents: list[str] = []
    units: list[str] = []
    values: list[list[float]] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=2):
        cells = list(row)
        while len(cells) > width and cells[-1] in (None, ""):
            cells.pop()
        if all(c in (None, "") for c in cells):
            cells = [""] * width
        if len(cells) != width:
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    RowProblem(number, f"expected {width} columns, found {len(cells)}.")
                )
            continue
        cells += [None] * (width - len(cells))
        respondents.append("" if cells[0] is None else str(cells[0]).strip())
        units.append("" if cells[1] is None else str(cells[1]).strip())
        parsed = []
        for name, cell in zip(item_columns, cells[2:], strict=True):
            value = _cell_value(cell)
            if value is None:
                if len(problems) < MAX_PROBLEMS:
                    problems.append(
                        RowProblem(
                            number, f"{name} is '{cell}'; answers must be whole numbers or empty."
                        )
                    )
                value = np.nan
            parsed.append(value)
        values.append(parsed)
    matrix = np.array(values, dtype=float).reshape(len(values), len(item_columns))
    columns = {name: matrix[:, i] for i, name in enumerate(item_columns)}
    return _finish(
        np.array(respondents, dtype=object),
        np.array(units, dtype=object),
        columns,
        instrument,
        problems,
    )


def _cell_value(cell: Any) -> float | None:
    """A cell as a number (NaN when empty), or None when it is not a whole number."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return np.nan
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return float(cell)
    if isinstance(cell, float):
        return cell if cell.is_integer() else None
    text = str(cell).strip()
    if text in BLANK_WORDS:
        return np.nan
    if _WHOLE_NUMBER.fullmatch(text):
        return float(int(text.split(".")[0]))
    return None


def read_responses_xlsx(data: bytes, instrument: Instrument) -> ResponseTable:
    """Check the first sheet of an XLSX workbook, laid out like the CSV."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ResponseFileError(
            [RowProblem(0, "The file is not an Excel (.xlsx) workbook.")]
        ) from None
    sheet = workbook.worksheets[0]
    try:
        return read_responses_rows(sheet.iter_rows(values_only=True), instrument)
    finally:
        workbook.close()


# --- sources -------------------------------------------------------------------------------


def _as_bytes_source(source: str | Path | bytes | BinaryIO) -> Any:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ResponseFileError([RowProblem(0, f"There is no file {path}.")])
        return path
    return source.read()


class _CountingReader(io.RawIOBase):
    """A binary reader that remembers how many bytes it has handed out (for progress)."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner, self.count = inner, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def _reopen(raw: Any) -> tuple[Any, _CountingReader]:
    inner = open(raw, "rb") if isinstance(raw, Path) else io.BytesIO(raw)
    counter = _CountingReader(inner)
    return pa.PythonFile(counter, mode="r"), counter


MAX_HEADER_BYTES = 1 << 20  # the header row is read whole only up to this size
MAX_HEADER_CELL = 1000  # characters in one header cell; item ids are a few characters


def _read_header(raw: Any) -> list[str]:
    """The header row's cells, or ResponseFileError with a message a person can act on:
    an empty file, lines that end in a carriage return alone, a header row or a header
    cell that is too long to be a header (named by its column)."""
    if isinstance(raw, Path):
        with open(raw, "rb") as handle:
            first = handle.readline(MAX_HEADER_BYTES + 1)
    else:
        end = raw.find(b"\n", 0, MAX_HEADER_BYTES + 1)
        first = raw[: end + 1 if end >= 0 else MAX_HEADER_BYTES + 1]
    if len(first) > MAX_HEADER_BYTES and not first.endswith(b"\n"):
        ending = " (its lines end in a carriage return alone?)" if b"\r" in first else ""
        raise ResponseFileError(
            [
                RowProblem(
                    1,
                    f"the header row is longer than "
                    f"{MAX_HEADER_BYTES:,} bytes{ending}; expected "
                    "'respondent,unit,<item ids>'.",
                )
            ]
        )
    text = first.decode("utf-8-sig", errors="replace")
    text = text[:-1] if text.endswith("\n") else text
    text = text[:-1] if text.endswith("\r") else text
    if not text.strip():
        raise ResponseFileError(
            [RowProblem(0, "The file is empty: expected a header 'respondent,unit,<item ids>'.")]
        )
    if "\r" in text:
        # Old Mac files end lines in CR alone: the whole file would look like one row.
        raise ResponseFileError(
            [
                RowProblem(
                    0,
                    "The file's lines end in a carriage return "
                    "alone (CR, as old Mac programs write). Save "
                    "it with Windows (CRLF) or Unix (LF) line "
                    "endings and import it again.",
                )
            ]
        )
    import csv

    cells = text.split(",")
    for column, cell in enumerate(cells, start=1):
        if len(cell) > MAX_HEADER_CELL:  # a quoted cell with commas is split here too
            raise ResponseFileError(
                [
                    RowProblem(
                        1,
                        f"column {column} of the header is "
                        f"{len(cell):,} characters long; a "
                        f"header cell may have at most "
                        f"{MAX_HEADER_CELL:,}.",
                    )
                ]
            )
    try:
        return next(csv.reader([text]))
    except csv.Error as exc:
        raise ResponseFileError(
            [RowProblem(1, f"the header row is not valid CSV ({exc}).")]
        ) from None


def _size(raw: Any) -> int:
    return raw.stat().st_size if isinstance(raw, Path) else len(raw)
