"""What a file really is, from its own bytes (magic numbers), not from its name or the
type the browser claims.

Recognised: PDF, PNG, JPEG, GIF, the Office Open XML documents (Word .docx, Excel .xlsx,
PowerPoint .pptx, told apart by the main part named in their [Content_Types].xml, as
ECMA-376 Part 2 describes) and plain text (valid UTF-8 with no NUL character).

Pure: no Django; the caller passes the bytes, the name and the allowed types.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# The content type of the main part of each Office Open XML document (macro-free only:
# the macro-enabled variants name other types and are not recognised).
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_MACRO_MARKERS = ("macroEnabled", "vbaProject")
# Names people give each type; a name with one of these endings must match the content.
EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    GIF: (".gif",),
    TEXT: (".txt", ".text"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
}
# What browsers send when they do not know a file's type: then the content decides.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few KB; refuse bombs


def _ooxml_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_LIMIT:
                return None
            with archive.open(info) as handle:
                listing = handle.read(_CONTENT_TYPES_LIMIT + 1)
            names = archive.namelist()
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        EOFError,
    ):
        return None
    if len(listing) > _CONTENT_TYPES_LIMIT:
        return None
    text = listing.decode("utf-8", errors="replace")
    if any(marker in text for marker in _MACRO_MARKERS) or any(
        "vbaProject" in name for name in names
    ):
        return None
    found = {kind for part, kind in _OOXML_MAIN_PARTS.items() if f'"{part}"' in text}
    return found.pop() if len(found) == 1 else None


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect(data: bytes) -> str | None:
    """The type of `data` by its content, or None when it is none of the known types."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_type(data)
    if data and _is_plain_text(data):
        return TEXT
    return None


@dataclass(frozen=True)
class FileCheck:
    """The type found in a file, and why it is refused (empty when it is accepted)."""

    detected: str | None
    problem: str = ""

    @property
    def accepted(self) -> bool:
        return not self.problem


def _describe(kind: str | None) -> str:
    return {
        PDF: "a PDF",
        PNG: "a PNG image",
        JPEG: "a JPEG image",
        GIF: "a GIF image",
        TEXT: "plain text",
        DOCX: "a Word document",
        XLSX: "an Excel workbook",
        PPTX: "a PowerPoint presentation",
    }.get(kind or "", "not a type echoorg knows")


def check_file(data: bytes, name: str, declared: str, allowed: Mapping[str, object]) -> FileCheck:
    """Check a file's bytes against the allowed types (the keys of `allowed`).

    Refused: an empty file; content that is not an allowed type; a name ending in
    another type's extension (report.pdf that holds HTML); or a declared type other
    than the one found (e.g. text/html or application/x-msdownload for bytes that
    are plain text). Only a generic declared type (none, application/octet-stream)
    leaves the decision to the content alone.
    """
    if not data:
        return FileCheck(None, "is empty.")
    kind = detect(data)
    if kind is None or kind not in allowed:
        return FileCheck(kind, f"is not a type echoorg accepts (its content is {_describe(kind)}).")
    lowered = name.lower()
    for other, endings in EXTENSIONS.items():
        if other != kind and lowered.endswith(endings):
            return FileCheck(
                kind, f"is named as {_describe(other)} but its content is {_describe(kind)}."
            )
    claimed = (declared or "").split(";")[0].strip().lower()
    if claimed not in GENERIC_TYPES and claimed != kind:
        said = _describe(claimed) if claimed in EXTENSIONS else claimed
        return FileCheck(kind, f"was sent as {said} but its content is {_describe(kind)}.")
    return FileCheck(kind)
