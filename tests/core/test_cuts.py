"""Splits of a wave's figures by a background question, computed in the core (issue 9)."""

from __future__ import annotations

import numpy as np

from echoorg.core.diagnostic.cuts import MAX_CUT_ATOMS, NOT_ANSWERED, cut_table
from echoorg.core.diagnostic.instrument import load_instrument_text, shipped_instruments
from echoorg.core.units import Forest, tree_order_by_name

INSTRUMENT = load_instrument_text(shipped_instruments()["echo-culture-v1"].read_text())
OPTIONS = ("A", "B")


def _table(
    answer_of: list[str | None],
    unit_index: list[int],
    parents: list[int],
    shown: list[bool] | None = None,
    k: int = 3,
):
    rng = np.random.default_rng(7)
    answers = rng.integers(1, 6, size=(len(unit_index), len(INSTRUMENT.item_ids))).astype(float)
    shown = shown if shown is not None else [True] * len(parents)
    means = [{s.id: 3.0 for s in INSTRUMENT.scales} for _ in parents]
    return cut_table(
        INSTRUMENT, answers, np.array(unit_index), parents, answer_of, OPTIONS, shown, means, k
    )


def test_each_shown_unit_gets_a_row_per_answer_and_not_answered():
    table = _table(["A"] * 4 + ["B"] * 4, [1] * 4 + [2] * 4, [-1, 0, 0], k=3)
    assert set(table) == {0, 1, 2}
    assert [row.value for row in table[0]] == ["A", "B", NOT_ANSWERED]
    assert [row.n for row in table[0]] == [4, 4, None]  # nobody left unanswered


def test_an_answer_outside_the_options_counts_as_not_answered():
    table = _table(["A"] * 4 + ["Z"] * 3 + [None], [0] * 8, [-1], k=3)
    assert [(row.value, row.n) for row in table[0]] == [("A", 4), ("B", None), (NOT_ANSWERED, 4)]


def test_a_small_group_is_withheld_with_its_means():
    table = _table(["A"] * 5 + ["B"] * 2, [0] * 7, [-1], k=3)
    b = next(row for row in table[0] if row.value == "B")
    assert b.n is None and all(v is None for v in b.means.values())


def test_a_unit_that_is_not_shown_has_no_split():
    table = _table(["A"] * 8, [1] * 4 + [2] * 4, [-1, 0, 0], shown=[True, True, False])
    assert 2 not in table


def test_a_large_organisation_gets_no_splits():
    units = MAX_CUT_ATOMS // (len(OPTIONS) + 1) + 1
    assert _table([], [], [-1] * units) is None


def test_tree_order_lists_each_unit_then_its_children_by_name():
    #      0 root, children 1 "b" and 2 "A"; 3 "c" under 2
    forest = Forest.from_parents([-1, 0, 0, 2])
    assert tree_order_by_name(forest, ["root", "b", "A", "c"]) == [0, 2, 3, 1]


def test_tree_order_handles_a_5000_deep_chain():
    forest = Forest.from_parents([-1, *range(4999)])
    assert tree_order_by_name(forest, [str(i) for i in range(5000)]) == list(range(5000))
