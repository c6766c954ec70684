"""Small helpers shared by every app's views."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest


def submitted(request: HttpRequest):
    """The form data of a POST (even an empty one, so it shows 'required' errors), else None."""
    return request.POST if request.method == "POST" else None


def submitted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


class IsoDateInput(forms.DateInput):
    """A browser date picker whose value is always ISO 8601 (`2026-11-29`): the only
    format `<input type="date">` accepts. Django would otherwise write the value in the
    language's format (`29/11/2026` in en-GB), which the browser drops, so the field
    came up empty and the form failed with "required"."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def posted_rows(
    data, prefix: str, fields: tuple[str, ...], *, limit: int, preset: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """The rows of a table-shaped form, whose inputs are named `<prefix>-<n>-<field>`
    (n from 0). A row whose fields are all blank (not counting the `preset` ones, such as
    a select or a date the page fills in beforehand), or whose `<prefix>-<n>-remove` box
    is ticked, is left out. Reads at most `limit` + 20 rows (a page offers a few blank ones
    beyond what is stored), so a crafted post cannot make the server loop for long."""
    rows = []
    for n in range(limit + 20):
        names = [f"{prefix}-{n}-{field}" for field in fields]
        if not any(name in data for name in names):
            break
        if data.get(f"{prefix}-{n}-remove"):
            continue
        row = {
            field: (data.get(name) or "").strip() for field, name in zip(fields, names, strict=True)
        }
        if any(v for k, v in row.items() if k not in preset):
            rows.append(row)
    return rows


def row_slots(rows: list[dict], blank: dict, extra: int) -> list[dict]:
    """The rows to show in a table-shaped form: those given, then `extra` blank ones."""
    return [*rows, *({**blank} for _ in range(extra))]
