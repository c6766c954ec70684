from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from echoorg.core.units import UnitImportError, parse_units_csv, read_unit_csv, subtree


def problems_of(text: str, existing=()) -> list[str]:
    with pytest.raises(UnitImportError) as caught:
        parse_units_csv(text, existing)
    return [str(p) for p in caught.value.problems]


def test_it_orders_parents_before_children():
    rows = parse_units_csv("unit,parent\nTeam,Service\nService,Directorate\nDirectorate,\n")
    assert [r.unit for r in rows] == ["Directorate", "Service", "Team"]


def test_it_accepts_parents_that_already_exist():
    rows = parse_units_csv("unit,parent\nNew team,Fostering\n", existing={"Fostering"})
    assert rows[0].parent == "Fostering"


def test_it_names_every_row_of_a_cycle():
    found = problems_of("unit,parent\nA,C\nB,A\nC,B\nD,\n")
    assert found == [f"Row {n}: cycle of parents: A → C → B → A." for n in (2, 3, 4)]


def test_it_refuses_a_unit_that_is_its_own_parent():
    assert problems_of("unit,parent\nA,A\n") == ["Row 2: unit 'A' is its own parent."]


def test_it_refuses_duplicates_in_the_file_and_with_existing_units():
    found = problems_of("unit,parent\nA,\nA,\nB,\n", existing={"B"})
    assert "Row 3: unit 'A' is a duplicate of row 2." in found
    assert "Row 4: unit 'B' already exists." in found


def test_it_refuses_unknown_parents():
    assert problems_of("unit,parent\nA,Nowhere\n") == [
        "Row 2: parent 'Nowhere' is not a known unit."
    ]


def test_it_refuses_malformed_rows_with_their_numbers():
    found = problems_of("unit,parent\nA,\nB,A,extra\n,A\n")
    assert found == [
        "Row 3: expected 2 columns (unit,parent), found 3.",
        "Row 4: the unit name is empty.",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("name,parent\nA,\n", "the header must be 'unit,parent'"),
        ("unit,parent\n", "no units"),
        ('unit,parent\n"A,\n', "unreadable CSV"),
    ],
)
def test_it_explains_a_bad_file(text, message):
    assert any(message in p for p in problems_of(text))


def test_it_reads_a_spreadsheets_byte_order_mark_and_blank_lines():
    rows = read_unit_csv("\ufeffunit,parent\r\nA,\r\n\r\nB,A\r\n")
    assert [(r.line, r.unit, r.parent) for r in rows] == [(2, "A", None), (4, "B", "A")]


def test_subtree_includes_every_unit_below():
    parents = {"D": None, "S": "D", "T1": "S", "T2": "S", "Other": None}
    assert subtree(parents, "S") == {"S", "T1", "T2"}


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30))
def test_any_acyclic_file_is_ordered_parent_first(parent_choices):
    # Unit i may only take a parent with a smaller number, so the file has no cycles.
    lines = ["unit,parent"]
    for i, choice in enumerate(parent_choices):
        parent = f"U{choice % i}" if i and choice % 3 else ""
        lines.append(f"U{i},{parent}")
    # Children first in the file: the importer must still place parents first.
    rows = parse_units_csv("\n".join([lines[0], *reversed(lines[1:])]))
    seen: set[str] = set()
    for row in rows:
        assert row.parent is None or row.parent in seen
        seen.add(row.unit)
    assert len(rows) == len(parent_choices)


@given(st.integers(min_value=2, max_value=12))
def test_any_cycle_is_refused_whole(length):
    lines = ["unit,parent"] + [f"U{i},U{(i + 1) % length}" for i in range(length)]
    with pytest.raises(UnitImportError) as caught:
        parse_units_csv("\n".join(lines))
    assert {p.line for p in caught.value.problems} == set(range(2, length + 2))


def test_names_are_normalised_and_compared_without_case():
    rows = parse_units_csv("unit,parent\nTeam\u200b A,SERVICE\nService,\n")
    assert [(r.unit, r.parent) for r in rows] == [("Service", None), ("Team A", "Service")]


def test_a_parent_is_given_as_the_existing_unit_spells_it():
    rows = parse_units_csv("unit,parent\nNew,fostering\n", existing={"Fostering"})
    assert rows[0].parent == "Fostering"


def test_case_variants_are_duplicates():
    problems = problems_of("unit,parent\nTeam,\nTEAM,\n")
    assert "Row 3: unit 'TEAM' is a duplicate of row 2." in problems
