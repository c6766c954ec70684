"""Splits by a background question (issue 10): the exact disclosure check and the repair,
checked against an attacker written here independently.

`linear_attack` is the textbook definition: the published figures are M @ n (n the
respondents per atom, an atom being a unit's own respondents with one answer); an atom is
known to be empty when no non-negative n consistent with the figures has anyone in it (a
linear programme); a group G is given away when its indicator, on the other atoms, lies in
the real row space of M. It tries every group, so it runs on small tables only.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.diagnostic.split_suppression import (
    DERIVABLE,
    SMALL,
    split_disclosure,
    suppress_split,
)
from tests.core.strategies import forests

# ---------------------------------------------------------------- the attacker


def subtree(parents: list[int], unit: int) -> set[int]:
    members = set()
    for v in range(len(parents)):
        walker = v
        while walker != -1:
            if walker == unit:
                members.add(v)
                break
            walker = parents[walker]
    return members


def published_sets(parents, shown_totals, shown, options) -> list[frozenset]:
    sets = [
        frozenset((v, o) for v in subtree(parents, u) for o in range(options))
        for u in range(len(parents))
        if shown_totals[u]
    ]
    sets += [
        frozenset((v, o) for v in subtree(parents, u))
        for u in range(len(parents))
        for o in range(options)
        if shown[u][o]
    ]
    return sets


def linear_attack(parents, shown_totals, shown, own, k) -> list[tuple[frozenset, int]]:
    """Every group of 1..k-1 respondents whose number the published figures give."""
    options = len(own[0])
    atoms = [(v, o) for v in range(len(parents)) for o in range(options)]
    people = {(v, o): own[v][o] for v, o in atoms}
    return group_attack(atoms, people, published_sets(parents, shown_totals, shown, options), k)


def group_attack(atoms: list, people: dict, sets: list[frozenset], k: int) -> list:
    """(group, its people) for every group of 1..k-1 given away by the published sets."""
    if not sets:
        return []
    counts = np.array([people[a] for a in atoms], dtype=float)
    matrix = np.array([[a in s for a in atoms] for s in sets], dtype=float)
    figures = matrix @ counts
    live = []  # atoms someone may be in, given the figures
    for i in range(len(atoms)):
        best = linprog(
            -np.eye(len(atoms))[i], A_eq=matrix, b_eq=figures, bounds=(0, None), method="highs"
        )
        if best.status == 3 or -best.fun > 1e-9:  # 3: no limit (published nowhere)
            live.append(i)
    sub = matrix[:, live]
    projector = np.linalg.pinv(sub) @ sub
    found = []
    for size in range(1, len(live) + 1):
        for chosen in itertools.combinations(range(len(live)), size):
            group = np.zeros(len(live))
            group[list(chosen)] = 1
            n = int(counts[[live[c] for c in chosen]].sum())
            if 0 < n < k and np.abs(group @ projector - group).max() < 1e-8:
                found.append((frozenset(atoms[live[c]] for c in chosen), n))
    return found


def safe_totals(parents, own, k) -> list[bool]:
    return suppress_hierarchy(parents, [sum(row) for row in own], k)


# ---------------------------------------------------------------- hand-made attacks

ROOT_AND_TWO_TEAMS = [-1, 0, 0]


def test_the_attacker_catches_a_row_missing_one_answer():
    own = [[0, 0], [9, 3], [6, 6]]  # team 1: nine said A, three said B
    shown = [[True, True], [True, False], [False, False]]
    attacks = linear_attack(ROOT_AND_TWO_TEAMS, [True, True, True], shown, own, 5)
    assert (frozenset({(1, 1)}), 3) in attacks  # team 1's total minus its A


def test_a_team_total_minus_the_organisations_split_gives_nothing_away():
    # Teams of 12 and 12; the organisation's split 15 / 9 is shown with every total.
    own = [[0, 0], [9, 3], [6, 6]]
    shown = [[True, True], [False, False], [False, False]]
    assert linear_attack(ROOT_AND_TWO_TEAMS, [True] * 3, shown, own, 5) == []
    assert split_disclosure(ROOT_AND_TWO_TEAMS, [True] * 3, shown, own, 5) is None


def test_the_check_finds_the_answer_a_row_leaves_out():
    own = [[0, 0], [9, 3], [6, 6]]
    shown = [[True, True], [True, False], [False, False]]
    found = split_disclosure(ROOT_AND_TWO_TEAMS, [True] * 3, shown, own, 5)
    assert found is not None and found.n == 3 and (1, 1) in found.atoms


def test_the_repair_hides_the_rest_of_a_row_that_misses_an_answer():
    own = [[0, 0], [9, 3], [6, 6]]
    why = suppress_split(ROOT_AND_TWO_TEAMS, [True] * 3, [[True, True]] * 3, own, 5)
    assert why[0] == [None, None]  # the organisation: 15 and 9
    assert why[1] == [DERIVABLE, SMALL]  # team 1's B has 3, so its A would give it away
    # Team 2 (6 and 6) beside the organisation (15 and 9) would give team 1's B as 9 - 6.
    assert why[2] == [DERIVABLE, DERIVABLE]


def test_two_levels_of_splits_cannot_be_subtracted_to_a_small_group():
    # Organisation > two departments > teams. Department 1's "B" has 4 people; showing its
    # other answers beside the organisation's column would give them away (a rectangle).
    parents = [-1, 0, 0, 1, 1, 2, 2]
    own = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [6, 2, 5], [5, 2, 6], [7, 6, 5], [6, 7, 5]]
    totals = safe_totals(parents, own, 5)
    why = suppress_split(parents, totals, [[t] * 3 for t in totals], own, 5)
    shown = [[w is None for w in row] for row in why]
    assert linear_attack(parents, totals, shown, own, 5) == []
    assert why[0] == [None, None, None]  # the organisation's split is shown in full
    assert why[1][1] == SMALL and why[1][0] == why[1][2] == DERIVABLE


def test_it_refuses_totals_that_already_give_a_group_away():
    with pytest.raises(ValueError, match="published totals alone"):
        suppress_split([-1, 0, 0], [True, True, False], [[False]] * 3, [[0], [9], [3]], 5)


@pytest.mark.parametrize(
    ("parents", "totals", "own", "message"),
    [
        ([-1, 0], [True], [[1], [2]], "one entry per unit"),
        ([-1, 0], [True, True], [[1], [2, 3]], "own\\[1\\]: has 2 answers"),
        ([-1, 0], [True, True], [[1], [-2]], "must be at least 0"),
        ([-1, 1], [True, True], [[1], [2]], "its own parent"),
    ],
)
def test_it_refuses_malformed_input(parents, totals, own, message):
    with pytest.raises(ValueError, match=message):
        suppress_split(parents, totals, [[True] * len(own[0])] * len(parents), own, 5)


def test_the_organisations_split_is_shown_for_groups_of_eighty_and_more():
    # A demo-sized tree: 4 directorates of 3 teams of about 11, four answers.
    rng = np.random.default_rng(10)
    parents = [-1] + [0] * 4 + [1 + d for d in range(4) for _ in range(3)]
    own = [[0] * 5] * 5 + rng.multinomial(11, [0.25, 0.25, 0.2, 0.2, 0.1], size=12).tolist()
    totals = safe_totals(parents, own, 5)
    why = suppress_split(parents, totals, [[t] * 5 for t in totals], own, 5)
    assert why[0] == [None] * 5


# ---------------------------------------------------------------- against the attacker


@st.composite
def small_tables(draw: st.DrawFn):
    parents = draw(forests(4))
    options = draw(st.integers(2, 3))
    counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 9))
    own = [[draw(counts) for _ in range(options)] for _ in parents]
    return parents, own


@settings(max_examples=150, deadline=None)
@given(table=small_tables(), k=st.sampled_from([3, 5]), data=st.data())
def test_the_check_agrees_with_the_attacker(table, k, data):
    parents, own = table
    totals = safe_totals(parents, own, k)
    shown = [[data.draw(st.booleans()) for _ in row] for row in own]
    attacks = linear_attack(parents, totals, shown, own, k)
    found = split_disclosure(parents, totals, shown, own, k)
    assert (found is None) == (attacks == [])
    if found is not None:
        assert 0 < found.n < k
        assert found.n == sum(own[v][o] for v, o in found.atoms)


@settings(max_examples=150, deadline=None)
@given(table=small_tables(), k=st.sampled_from([3, 5]))
def test_the_repair_leaves_nothing_to_attack(table, k):
    parents, own = table
    totals = safe_totals(parents, own, k)
    why = suppress_split(parents, totals, [[t] * len(own[0]) for t in totals], own, k)
    shown = [[w is None for w in row] for row in why]
    assert linear_attack(parents, totals, shown, own, k) == []
    for u, row in enumerate(why):
        for o, w in enumerate(row):
            people = sum(own[v][o] for v in subtree(parents, u))
            assert w is not None or (totals[u] and people >= k)
            assert w != SMALL or not totals[u] or people < k


@settings(max_examples=80, deadline=None)
@given(table=small_tables(), k=st.sampled_from([3, 5]), data=st.data())
def test_padding_the_tree_with_empty_units_gives_nothing_away(table, k, data):
    """An insider who may edit the unit tree adds empty teams (under any unit) before the
    wave closes, hoping the extra totals and splits isolate someone."""
    parents, own = table
    extra = data.draw(st.integers(1, 2))
    for _ in range(extra):
        parents = [*parents, data.draw(st.integers(0, len(parents) - 1))]
        own = [*own, [0] * len(own[0])]
    totals = safe_totals(parents, own, k)
    why = suppress_split(parents, totals, [[t] * len(own[0]) for t in totals], own, k)
    shown = [[w is None for w in row] for row in why]
    assert linear_attack(parents, totals, shown, own, k) == []


@settings(max_examples=60, deadline=None)
@given(
    parents=forests(3),
    k=st.sampled_from([3, 5]),
    data=st.data(),
)
def test_two_questions_split_side_by_side_give_nothing_away(parents, k, data):
    """The splits of two background questions, each suppressed on its own, combined: atoms
    are (unit, first answer, second answer) and every figure of both splits is known."""
    counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 8))
    people = {
        (v, a, b): data.draw(counts) for v in range(len(parents)) for a in (0, 1) for b in (0, 1)
    }
    first = [[sum(people[(v, a, b)] for b in (0, 1)) for a in (0, 1)] for v in range(len(parents))]
    second = [[sum(people[(v, a, b)] for a in (0, 1)) for b in (0, 1)] for v in range(len(parents))]
    totals = safe_totals(parents, first, k)
    rows = [[t, t] for t in totals]
    by_first = suppress_split(parents, totals, rows, first, k)
    by_second = suppress_split(parents, totals, rows, second, k)
    atoms = list(people)
    units = range(len(parents))
    sets = [frozenset(x for x in atoms if x[0] in subtree(parents, u)) for u in units if totals[u]]
    for answer, why, position in (
        (0, by_first, 1),
        (1, by_first, 1),
        (0, by_second, 2),
        (1, by_second, 2),
    ):
        sets += [
            frozenset(x for x in atoms if x[0] in subtree(parents, u) and x[position] == answer)
            for u in units
            if why[u][answer] is None
        ]
    assert group_attack(atoms, people, sets, k) == []
