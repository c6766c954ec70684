"""The size checks run on an uploaded workbook before it is parsed (issue 8, finding 10)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from echoorg.core.diagnostic.xlsx_limits import (
    XlsxLimits,
    XlsxTooLarge,
    check_xlsx,
    column_number,
)

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: bytes, level: int = 9) -> bytes:
    """A real workbook (from openpyxl) whose first sheet is replaced by `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["respondent", "unit", "thr1"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for info in source.infolist():
            archive.writestr(
                info.filename,
                sheet_xml
                if info.filename == "xl/worksheets/sheet1.xml"
                else source.read(info.filename),
            )
    return out.getvalue()


def bomb(
    rows: int, declared: int | None = None, cells_per_row: int = 2, prefix: bytes = b""
) -> bytes:
    """A sheet of `rows` near-identical rows (compresses to almost nothing) declaring
    `declared` rows in its <dimension> (the truth by default)."""
    declared = rows if declared is None else declared
    p = prefix + b":" if prefix else b""
    xmlns = NS.replace(b"xmlns=", b"xmlns:" + prefix + b"=") if prefix else NS
    row = (
        b"<"
        + p
        + b"row>"
        + (b"<" + p + b"c><" + p + b"v>1</" + p + b"v></" + p + b"c>") * cells_per_row
        + b"</"
        + p
        + b"row>"
    )
    return with_sheet(
        b'<?xml version="1.0"?><'
        + p
        + b"worksheet "
        + xmlns
        + b"><"
        + p
        + b'dimension ref="A1:C'
        + str(declared).encode()
        + b'"/><'
        + p
        + b"sheetData>"
        + row * rows
        + b"</"
        + p
        + b"sheetData></"
        + p
        + b"worksheet>"
    )


def test_an_ordinary_workbook_passes_and_is_counted():
    data = workbook(
        [["respondent", "unit", "thr1", "thr2"], ["A", "Support", 1, 2], ["B", "Support", 3, None]]
    )
    assert check_xlsx(data) == (3, 4)


def test_a_million_and_a_half_row_bomb_is_refused_at_once_by_its_ratio():
    data = bomb(1_500_000)
    assert len(data) < 700_000
    started = time.perf_counter()
    with pytest.raises(XlsxTooLarge, match="compressed more than 250 to 1"):
        check_xlsx(data)
    assert time.perf_counter() - started < 1


def test_a_declared_dimension_past_the_limit_is_refused_before_counting():
    with pytest.raises(XlsxTooLarge, match="declares 1,500,000 rows; the limit is 100,000"):
        check_xlsx(bomb(20, declared=1_500_000))


def test_a_sheet_that_lies_about_its_dimension_is_counted_and_refused():
    data = bomb(150_000, declared=2)
    with pytest.raises(XlsxTooLarge, match="more than 100,000 responses"):
        check_xlsx(data, XlsxLimits(max_ratio=100_000))


def test_namespaced_sheets_are_counted_too():
    data = bomb(30, declared=2, prefix=b"x")
    assert check_xlsx(data) == (30, 2)
    with pytest.raises(XlsxTooLarge, match="more than 20 responses"):
        check_xlsx(data, XlsxLimits(max_rows=21))


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (XlsxLimits(max_columns=3), "more than 3 cells"),
        (XlsxLimits(max_cells=50), "more than 50 cells"),
        (XlsxLimits(max_uncompressed=1024), r"would unpack to 0\.\d\d MB; the limit is 0\.00 MB"),
    ],
)
def test_each_limit_is_named_in_its_refusal(limits, message):
    with pytest.raises(XlsxTooLarge, match=message):
        check_xlsx(bomb(30, cells_per_row=5), limits)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04garbage", b"not a zip at all"])
def test_a_file_that_is_not_a_workbook_is_refused(data):
    with pytest.raises(XlsxTooLarge, match="not an Excel"):
        check_xlsx(data)


def test_column_letters_count_like_a_spreadsheet():
    assert [column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
