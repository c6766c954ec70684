"""Who may do what is written once, in `echoorg.core.roles.ACTIONS`, and asked through
`allowed()` / `echoorg.orgs.permissions` (issue 9). A check such as `"guardian" in
member.roles` outside that table would let the table and the code drift apart, so the
scan below fails on any comparison of a role name with a list of roles."""

from __future__ import annotations

import ast
from pathlib import Path

import echoorg
from echoorg.core import roles

PACKAGE = Path(echoorg.__file__).parent
ROLE_NAMES = frozenset(roles.ROLES)
ROLE_CONSTANTS = frozenset(
    name
    for name in dir(roles)
    if name.isupper()
    and isinstance(getattr(roles, name), str)
    and getattr(roles, name) in ROLE_NAMES
)

# Files that may name roles next to lists of roles: the table itself, and the demo data,
# whose people are described by their roles (no permission is decided there).
# The permission layer itself may turn the table into a database filter (narrowed_to).
ALLOWED = frozenset({"core/roles.py", "orgs/permissions.py", "orgs/demo.py", "core/demo.py"})


def _names_a_role(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value in ROLE_NAMES) or (
        isinstance(node, ast.Name) and node.id in ROLE_CONSTANTS
    )


def _is_roles(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "roles"


def role_checks(source: str) -> list[int]:
    """Lines comparing a role name with a list of roles (`"guardian" in m.roles`), or
    filtering on one (`roles__contains=...`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Compare)
            and _names_a_role(node.left)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            and any(_is_roles(c) for c in node.comparators)
        ):
            found.append(node.lineno)
        if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("roles__"):
            found.append(node.value.lineno)
    return found


def test_no_role_is_checked_outside_the_permission_table():
    offences = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(PACKAGE)) not in ALLOWED
        for line in role_checks(path.read_text())
    ]
    assert not offences, (
        "Roles checked by name; add an action to "
        "echoorg.core.roles.ACTIONS and ask allowed()/can():\n" + "\n".join(offences)
    )


def test_it_finds_a_string_check_a_constant_check_and_a_filter():
    source = (
        'a = "guardian" in member.roles\n'
        "b = FACILITATOR in m.roles\n"
        'c = Membership.objects.filter(roles__contains=["leader"])\n'
        "d = role in member.roles\n"
    )
    assert role_checks(source) == [1, 2, 3]
