"""Typing files by their own bytes (echoorg.core.file_types)."""

from __future__ import annotations

import io
import zipfile

import pytest

from echoorg.core import file_types as ft

ALLOWED = {
    ft.PDF: ".pdf",
    ft.PNG: ".png",
    ft.JPEG: ".jpg",
    ft.TEXT: ".txt",
    ft.DOCX: ".docx",
    ft.XLSX: ".xlsx",
}
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 10
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


def office(main_part: str, extra: dict[str, bytes] | None = None) -> bytes:
    listing = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/main.xml" ContentType="{main_part}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", listing)
        archive.writestr("main.xml", "<x/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, ft.PDF),
        (PNG, ft.PNG),
        (JPEG, ft.JPEG),
        (GIF, ft.GIF),
        (DOCX, ft.DOCX),
        (XLSX, ft.XLSX),
        (b"Notes from the ward\n", ft.TEXT),
        ("Zoë’s notes ✓".encode(), ft.TEXT),
        (HTML, ft.TEXT),
        (EXE, None),
        (b"text with a \x00 NUL", None),
        (b"\xff\xfe\xfa", None),
        (b"", None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_files_are_typed_by_their_bytes(data, kind):
    assert ft.detect(data) == kind


def test_a_plain_zip_or_a_macro_workbook_is_not_an_office_document():
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert ft.detect(plain.getvalue()) is None
    macro = office(
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml", {"xl/vbaProject.bin": b"\x00"}
    )
    assert ft.detect(macro) is None


def test_an_oversized_content_types_listing_is_not_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", " " * (2 * 1024 * 1024))
    assert ft.detect(out.getvalue()) is None


@pytest.mark.parametrize(
    ("data", "name", "declared"),
    [
        (PDF, "report.pdf", "application/pdf"),
        (PNG, "photo.png", "image/png"),
        (JPEG, "photo.jpeg", "image/jpeg"),
        (DOCX, "letter.docx", "application/octet-stream"),
        (XLSX, "rota.xlsx", ft.XLSX),
        (b"notes", "notes.txt", "text/plain; charset=utf-8"),
        (b"notes", "notes", ""),
    ],
)
def test_allowed_files_are_accepted_with_the_type_found(data, name, declared):
    found = ft.check_file(data, name, declared, ALLOWED)
    assert found.accepted and found.detected == ft.detect(data)


@pytest.mark.parametrize(
    ("data", "name", "declared", "problem"),
    [
        (HTML, "report.pdf", "application/pdf", "named as a PDF but its content is plain text"),
        (EXE, "report.pdf", "application/pdf", "not a type echoorg accepts"),
        (PDF, "report.txt", "text/plain", "named as plain text but its content is a PDF"),
        (b"notes", "notes", "application/pdf", "sent as a PDF but its content is plain text"),
        (GIF, "anim.gif", "image/gif", "not a type echoorg accepts (its content is a GIF image)"),
        (b"", "empty.txt", "text/plain", "is empty"),
        (
            b"MZ",
            "x.exe",
            "application/x-msdownload",
            "was sent as application/x-msdownload but its content is plain text",
        ),
        (HTML, "page.html", "text/html", "was sent as text/html but its content is plain text"),
    ],
)
def test_mismatched_or_unknown_files_are_refused(data, name, declared, problem):
    found = ft.check_file(data, name, declared, ALLOWED)
    assert not found.accepted and problem in found.problem
