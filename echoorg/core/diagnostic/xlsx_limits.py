"""Cheap checks of an uploaded XLSX workbook's size before anything parses it.

An XLSX file is a zip of XML parts. A few hundred kilobytes of zip can declare a sheet of
millions of rows ("decompression bomb"): parsing it ties a worker for tens of seconds and
may exhaust memory. These checks read only the zip directory, the start of the first
sheet (its `<dimension>`), and then stream the sheet's XML once counting rows and cells,
never building it in memory. Each refusal says which limit was passed.

Plain Python, no Django. The limits are parameters with defaults in `XlsxLimits`.
The checks follow OWASP's advice for file uploads (check declared sizes and compression
ratio of archives before extracting them).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from posixpath import dirname, join, normpath

__all__ = ["XlsxLimits", "XlsxTooLarge", "check_xlsx", "column_number"]


class XlsxTooLarge(ValueError):
    """The workbook passes a limit (or is not a workbook); the message says which."""


@dataclass(frozen=True)
class XlsxLimits:
    """What an imported workbook may hold.

    max_rows counts every row of the first sheet, the header included; max_columns is the
    widest row allowed; max_cells bounds rows × columns actually present; max_uncompressed
    is the total the zip's parts declare once decompressed, in bytes; max_ratio the largest
    compression ratio of any part (ordinary spreadsheets stay well below 100).
    """

    max_rows: int = 100_001
    max_columns: int = 1_000
    max_cells: int = 10_000_000
    max_uncompressed: int = 300 * 1024 * 1024
    max_ratio: int = 250


_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]+)?(\d+)?"
    rb"(?::([A-Za-z]+)(\d+))?\""
)
_CHUNK = 1 << 20


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:,.0f} MB" if megabytes >= 10 else f"{megabytes:.2f} MB"


def column_number(letters: str) -> int:
    """Spreadsheet column letters as a number: A is 1, Z 26, AA 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first sheet (as Excel and openpyxl order sheets)."""
    names = set(archive.namelist())
    try:
        workbook = archive.read("xl/workbook.xml")[: 1 << 20]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20]
    except KeyError:
        workbook = rels = b""
    first = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\b\w+:id=\"([^\"]+)\"", workbook)
    if first:
        for relation in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            tag = relation.group(0)
            rid = re.search(rb"\bId=\"([^\"]+)\"", tag)
            target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
            if rid and target and rid.group(1) == first.group(1):
                path = target.group(1).decode("utf-8", "replace")
                path = (
                    path.lstrip("/")
                    if path.startswith("/")
                    else normpath(join(dirname("xl/workbook.xml"), path))
                )
                if path in names:
                    return path
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        raise XlsxTooLarge("The file is not an Excel (.xlsx) workbook: it has no sheet.")
    return sheets[0]


def check_xlsx(data: bytes, limits: XlsxLimits | None = None) -> tuple[int, int]:
    """Refuse a workbook that is too large to parse safely; return (rows, widest row).

    Inputs: the file's bytes; the limits (defaults of `XlsxLimits`).
    Raises XlsxTooLarge, naming the limit, when the zip declares more than
    `max_uncompressed` bytes or a part compressed more than `max_ratio` to 1, when the
    first sheet's declared `<dimension>` or its actual rows, columns or cells pass the
    limits; or when the file is not a zip at all. Cost: one pass over the sheet's XML in
    1 MB pieces (well under a second per 100 MB), never more than the declared size, because
    Python's zip reader stops at the size a part declares.
    """
    limits = limits or XlsxLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise XlsxTooLarge("The file is not an Excel (.xlsx) workbook.") from None
    with archive:
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        if declared > limits.max_uncompressed:
            raise XlsxTooLarge(
                f"The workbook would unpack to {_megabytes(declared)}; the limit is "
                f"{_megabytes(limits.max_uncompressed)}. Save it as CSV, or split it."
            )
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(
                member.compress_size, 1
            ):
                raise XlsxTooLarge(
                    f"Part {member.filename} of the workbook is compressed more than "
                    f"{limits.max_ratio} to 1, which no ordinary spreadsheet is; it was not "
                    "read. Save it as CSV."
                )
        sheet = _first_sheet(archive)
        rows, widest = _count_sheet(archive, sheet, limits)
    return rows, widest


def _count_sheet(archive: zipfile.ZipFile, sheet: str, limits: XlsxLimits) -> tuple[int, int]:
    """Rows and widest row of a sheet, counted on its XML in pieces (bytes.count runs in C,
    and the loop is per row, which the row limit bounds)."""
    rows = cells = widest = in_row = 0
    carry = b""
    tags: tuple[bytes, bytes, tuple[bytes, ...]] | None = None
    try:
        with archive.open(sheet) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                buffer = carry + chunk
                if tags is None:
                    _check_dimension(buffer[: 1 << 16], limits)
                    tags = _tags(buffer[: 1 << 16])
                row_tag, _, cell_tags = tags
                cut = buffer.rfind(b"<")
                if cut < 0 or len(buffer) - cut > 64:
                    cut = len(buffer)
                pieces = buffer[:cut].split(row_tag)
                carry = buffer[cut:]
                for number, piece in enumerate(pieces):
                    found = sum(piece.count(tag) for tag in cell_tags)
                    if number:
                        widest = max(widest, in_row)
                        rows, in_row = rows + 1, 0
                    cells, in_row = cells + found, in_row + found
                    if rows > limits.max_rows or in_row > limits.max_columns:
                        break
                _check_counts(rows, max(widest, in_row), cells, limits)
            if carry:
                in_row += sum(carry.count(tag) for tag in (tags or _tags(b""))[2])
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ) as exc:
        raise XlsxTooLarge(f"The workbook is damaged and could not be read ({exc}).") from None
    widest = max(widest, in_row)
    _check_counts(rows, widest, cells, limits)
    return rows, widest


def _tags(head: bytes) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """The row and cell tags of a sheet, with the namespace prefix its writer used."""
    found = re.search(rb"<(\w+:)?worksheet\b", head)
    prefix = (found.group(1) or b"") if found else b""
    cell = b"<" + prefix + b"c"
    return b"<" + prefix + b"row", cell, (cell + b" ", cell + b">", cell + b"/")


def _check_dimension(head: bytes, limits: XlsxLimits) -> None:
    """The sheet's own declaration of its extent, e.g. <dimension ref="A1:BZ1500000"/>."""
    found = _DIMENSION.search(head)
    if not found or not found.group(4):
        return
    last_row = int(found.group(4))
    last_column = column_number(found.group(3).decode())
    if last_row > limits.max_rows:
        raise XlsxTooLarge(
            f"The sheet declares {last_row:,} rows; the limit is "
            f"{limits.max_rows - 1:,} responses and a header. Split the file."
        )
    if last_column > limits.max_columns:
        raise XlsxTooLarge(
            f"The sheet declares {last_column:,} columns; the limit is {limits.max_columns:,}."
        )


def _check_counts(rows: int, widest: int, cells: int, limits: XlsxLimits) -> None:
    if rows > limits.max_rows:
        raise XlsxTooLarge(
            f"The sheet has more than {limits.max_rows - 1:,} responses (the "
            "limit, with a header row); it was not read. Split the file."
        )
    if widest > limits.max_columns:
        raise XlsxTooLarge(
            f"A row of the sheet has more than {limits.max_columns:,} cells "
            "(the limit); it was not read."
        )
    if cells > limits.max_cells:
        raise XlsxTooLarge(
            f"The sheet has more than {limits.max_cells:,} cells (the limit); "
            "it was not read. Save it as CSV, or split it."
        )
