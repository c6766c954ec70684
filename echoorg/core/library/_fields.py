"""Field checks shared by the codebook and case schemas.

Every problem is raised as a `LibraryError` whose message starts with the path of the
field, for example ``events[3].sources[0].title: is required.``
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it (about ten times faster), else the
# pure-Python one; both build only plain data.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_KIND_WORDS = {
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping",
}


class LibraryError(ValueError):
    """A codebook or case document that breaks the schema; the message names the field."""


def need(data: dict[str, Any], key: str, where: str, kind: type) -> Any:
    """`data[key]`, which must be present, of `kind`, and (for text) not blank."""
    if key not in data or data[key] is None:
        raise LibraryError(f"{where}{key}: is required.")
    value = data[key]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise LibraryError(
            f"{where}{key}: must be {_KIND_WORDS.get(kind.__name__, kind.__name__)}, "
            f"not {type(value).__name__}."
        )
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise LibraryError(f"{where}{key}: must not be empty.")
    return value


def optional_text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LibraryError(f"{where}{key}: must be text, not {type(value).__name__}.")
    return value.strip()


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LibraryError(f"{where}: must be a mapping of fields.")
    return value


def only_fields(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(str(k) for k in set(data) - allowed)
    if extra:
        raise LibraryError(
            f"{where}{extra[0]}: is not a field of the schema "
            f"(allowed: {', '.join(sorted(allowed))})."
        )


def identifier(value: str, where: str) -> str:
    if not _ID.match(value):
        raise LibraryError(
            f"{where}: '{value}' must be lower-case letters, digits and underscores, "
            "starting with a letter."
        )
    return value


def slug(value: str, where: str) -> str:
    if not _SLUG.match(value):
        raise LibraryError(f"{where}: '{value}' must be lower-case letters, digits and hyphens.")
    return value


def choices(
    value: Any, allowed: dict[str, str], where: str, *, at_least: int = 0
) -> tuple[str, ...]:
    """A list of ids, each one of `allowed`, without repeats."""
    if value is None:
        value = []
    if not isinstance(value, list):
        raise LibraryError(f"{where}: must be a list.")
    if len(value) < at_least:
        raise LibraryError(f"{where}: needs at least {at_least}.")
    seen: list[str] = []
    for n, item in enumerate(value):
        if not isinstance(item, str) or item not in allowed:
            raise LibraryError(f"{where}[{n}]: '{item}' is not one of {', '.join(allowed)}.")
        if item in seen:
            raise LibraryError(f"{where}[{n}]: '{item}' is listed twice.")
        seen.append(item)
    return tuple(seen)


PRECISIONS = ("day", "month", "year")
_DATE_FORMS = {
    "day": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "year": re.compile(r"^\d{4}$"),
}


def date_text(value: Any) -> str:
    """YAML reads 2013-02-06 as a date and 2013 as a number; give both back as text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def precision_of(text: str) -> str | None:
    """The precision a date written as `text` carries, or None when it is not a date."""
    for precision, form in _DATE_FORMS.items():
        if form.match(text):
            try:
                parse_partial(text, precision)
            except ValueError:
                return None
            return precision
    return None


def parse_partial(text: str, precision: str) -> dt.date:
    """The first day the date `text` of `precision` could mean (raises ValueError)."""
    if precision == "day":
        return dt.date.fromisoformat(text)
    if precision == "month":
        year, month = text.split("-")
        return dt.date(int(year), int(month), 1)
    return dt.date(int(text), 1, 1)
