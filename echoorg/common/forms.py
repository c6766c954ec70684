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
