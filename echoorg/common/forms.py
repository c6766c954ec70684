"""Small helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest


def submitted(request: HttpRequest):
    """The form data of a POST (even an empty one, so it shows 'required' errors), else None."""
    return request.POST if request.method == "POST" else None


def submitted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None
