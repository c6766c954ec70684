"""Every write goes through a service function that also writes its audit entry: a view
never saves, creates, updates or deletes a model itself (docs: ENGINEERING, the service
rule). The scan reads the source of every view module with `ast`, so a new view that
writes directly fails here before review."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import echoorg

PACKAGE = Path(echoorg.__file__).parent

# Methods that write a model (or a queryset of them).
WRITES = frozenset(
    {
        "save",
        "create",
        "update",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
    }
)

# Receivers that are not models, so their methods of the same names write no row that
# needs an audit entry:
ALLOWED_RECEIVERS = frozenset(
    {
        # The session is the person's own login state (Django saves it itself); clearing or
        # filling it is not a change to the organisation's records.
        "request.session",
    }
)


def _view_modules() -> set[Path]:
    """Every module a URL points to, and every file that is named as a view module."""
    found: set[Path] = set()

    def walk(patterns) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                module = getattr(p.callback, "__module__", "")
                if module.startswith("echoorg."):
                    found.add(PACKAGE.parent / (module.replace(".", "/") + ".py"))

    walk(get_resolver().url_patterns)
    found |= set(PACKAGE.glob("*/views.py")) | set(PACKAGE.glob("*/*_views.py"))
    found |= set(PACKAGE.glob("*/views/*.py"))
    return {path for path in found if path.exists()}


def _receiver(node: ast.expr) -> str:
    """`request.session` for `request.session.update(...)`'s receiver, "" when it is not a
    plain dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def direct_writes(source: str) -> list[str]:
    """`line: call` for each call of a writing method in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _receiver(node.func.value) not in ALLOWED_RECEIVERS
        ):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def test_the_scan_finds_the_view_modules():
    names = {str(p.relative_to(PACKAGE)) for p in _view_modules()}
    assert {
        "orgs/views.py",
        "accounts/views.py",
        "concerns/views.py",
        "concerns/report_views.py",
        "diagnostic/take.py",
    } <= names
    assert any(name.startswith("diagnostic/views") for name in names)


def test_no_view_writes_a_model_itself():
    offences = [
        f"{path.relative_to(PACKAGE)}:{write}"
        for path in sorted(_view_modules())
        for write in direct_writes(path.read_text())
    ]
    assert not offences, (
        "Views write models directly; move each write into the app's "
        "services.py with its audit entry:\n" + "\n".join(offences)
    )


def test_it_flags_a_save_a_create_and_a_queryset_delete():
    source = (
        "def view(request):\n"
        "    concern.save(update_fields=['unit'])\n"
        "    Token.objects.create(name='x')\n"
        "    Unit.objects.filter(pk=1).delete()\n"
        "    Policy.objects.get_or_create(organisation=org)\n"
    )
    assert [w.split(":")[0] for w in direct_writes(source)] == ["2", "3", "4", "5"]


def test_it_allows_the_session():
    source = (
        "def view(request):\n"
        "    request.session.update({'a': 1})\n"
        "    services.save_the_world(request)\n"
    )
    assert direct_writes(source) == []
