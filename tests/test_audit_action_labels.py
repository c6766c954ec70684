"""The audit trail in words: every kind of entry the code records has a label and an
explanation in one table (echoorg.core.audit_actions), and the audit page shows them
instead of codes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import echoorg
from echoorg.audit.log import record
from echoorg.core.audit_actions import ACTIONS, CONFIRMED_ROLE_CODES, describe
from echoorg.orgs.services import CONFIRMED_ROLES

PACKAGE = Path(echoorg.__file__).parent


def recorded_actions() -> set[str]:
    """Every action passed to `record(...)` anywhere in the package. An f-string action
    (`f"{role}.granted"`) stands for each role that a second person confirms."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name != "record":
                continue
            action = node.args[0]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
            elif isinstance(action, ast.JoinedStr):
                parts = action.values
                assert isinstance(parts[0], ast.FormattedValue) and len(parts) == 2, (
                    f"{path}:{node.lineno}: an action built otherwise than '<role>.<step>' "
                    "needs its own way into this test"
                )
                found |= {f"{role}{parts[1].value}" for role in CONFIRMED_ROLES}
            else:
                raise AssertionError(f"{path}:{node.lineno}: record() with a computed action")
    return found


def test_the_scan_finds_the_calls():
    found = recorded_actions()
    assert {"concern.viewed", "wave.opened", "guardian.granted", "board.requested"} <= found


def test_every_recorded_action_has_a_label_and_a_meaning():
    missing = sorted(recorded_actions() - set(ACTIONS))
    assert missing == [], f"add these to echoorg/core/audit_actions.py: {missing}"
    for code, label in ACTIONS.items():
        assert label.label and label.meaning, code
        assert "_" not in label.label and "." not in label.label.rstrip("."), code


def test_the_table_names_the_roles_the_code_confirms():
    assert tuple(CONFIRMED_ROLE_CODES) == tuple(CONFIRMED_ROLES)


def test_an_entry_reads_as_words():
    viewed = describe("concern.viewed", {})
    assert viewed.label == "Read a concern" and viewed.details == []
    event = describe(
        "concern.event",
        {"event": "to_safeguarding_authority", "date": "2026-11-29", "defensive": False},
    )
    assert event.details == [
        ("event", "to safeguarding authority"),
        ("date", "2026-11-29"),
        ("defensive", "no"),
    ]
    opened = describe("wave.opened", {"invited": 40, "joined_since_set_up": 0})
    assert opened.details == [("people invited", "40"), ("people added after set-up", "0")]
    granted = describe("guardian.granted", {"before": [], "after": ["staff", "guardian"]})
    assert granted.label == "Gave the speak-up guardian role"
    assert granted.details[0] == ("before", "none")


def test_an_action_missing_from_the_table_still_reads_as_words():
    assert describe("wave.archived_early", {}).label == "Wave: archived early"


@pytest.mark.django_db
def test_the_audit_page_shows_labels_details_and_what_they_mean(org, facilitator, login_as):
    record("concern.viewed", actor=facilitator, organisation=org, object_type="concerns.concern")
    record("wave.opened", actor=facilitator, organisation=org, object_type="w", invited=12)
    html = login_as(facilitator).get(f"/o/{org.slug}/audit/").content.decode()
    assert "concern.viewed {}" not in html and "{&#x27;invited&#x27;" not in html
    assert '<a href="#action-concernviewed" title="Who opened a case' in html
    assert ">Read a concern</a>" in html and "<li>People invited: 12</li>" in html
    # The glossary explains every kind of entry, each with its own anchor.
    assert html.count('<tr id="action-') == len(ACTIONS)
    assert ACTIONS["wave.links_printed"].meaning in html
