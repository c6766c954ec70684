"""k-anonymous research rows (issue 8, finding 21): no combination of unit, audience and
background answers in an export is shared by fewer than k rows."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic.kanonymity import (
    WITHHELD,
    combination_counts,
    generalise_units,
    k_anonymise,
)

# Units 1..6: 1 > 2 > {3, 4}; 5 > 6 (None is the whole organisation).
PARENTS = {1: None, 2: 1, 3: 2, 4: 2, 5: None, 6: 5}
QUESTIONS = ["service", "group"]


def ancestors(unit: int | None) -> list[int | None]:
    chain: list[int | None] = [unit]
    while unit is not None:
        unit = PARENTS.get(unit)
        chain.append(unit)
    return chain


@st.composite
def waves(draw):
    n = draw(st.integers(0, 60))
    units = draw(st.lists(st.sampled_from(sorted(PARENTS)), min_size=n, max_size=n))
    audiences = draw(st.lists(st.sampled_from(["staff", "leaders"]), min_size=n, max_size=n))
    background = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["", "<2", "2-5", ">5"]), st.sampled_from(["", "care", "admin"])
            ),
            min_size=n,
            max_size=n,
        )
    )
    k = draw(st.integers(1, 8))
    return units, audiences, background, k


@settings(max_examples=300, deadline=None)
@given(waves())
def test_every_released_combination_covers_at_least_k_rows(wave):
    units, audiences, background, k = wave
    result = k_anonymise(PARENTS, units, audiences, background, QUESTIONS, k)
    if len(units) < k:
        assert result.kept == [] and result.rows_left_out == len(units)
        return
    assert result.kept == list(range(len(units)))
    assert min(combination_counts(result).values()) >= k
    # Only generalised or withheld, never changed into something else.
    for i, original in enumerate(units):
        assert result.units[i] in ancestors(original)
        assert result.audiences[i] in (audiences[i], WITHHELD)
        for given_answer, released in zip(background[i], result.background[i], strict=True):
            assert released in (given_answer, WITHHELD)
    # The README's counts are the truth.
    assert result.units_generalised == sum(a != b for a, b in zip(units, result.units, strict=True))
    for position, question in enumerate(QUESTIONS):
        assert result.withheld.get(question, 0) == sum(
            row[position] == WITHHELD for row in result.background
        )
    assert result.withheld.get("audience", 0) == result.audiences.count(WITHHELD)


def test_rows_already_k_anonymous_are_left_as_they_are():
    units = [3] * 6 + [6] * 6
    audiences = ["staff"] * 12
    background = [("<2", "care")] * 3 + [("<2", "care")] * 3 + [(">5", "")] * 6
    result = k_anonymise(PARENTS, units, audiences, background, QUESTIONS, 5)
    assert result.units == units and result.background == background
    assert result.withheld == {} and result.units_generalised == 0


def test_a_lone_long_serving_leader_is_hidden_in_their_unit():
    # Five staff with under two years in unit 3, and one leader with over five years.
    units = [3] * 6
    audiences = ["staff"] * 5 + ["leaders"]
    background = [("<2", "care")] * 5 + [(">5", "admin")]
    result = k_anonymise(PARENTS, units, audiences, background, QUESTIONS, 5)
    assert min(combination_counts(result).values()) >= 5
    assert result.units == [3] * 6  # the unit itself covers six: it stays named
    # The leader cannot be found: the whole unit is one group of six, all withheld.
    assert Counter(result.background) == {(WITHHELD, WITHHELD): 6}
    assert result.withheld == {"service": 6, "group": 6, "audience": 6}


def test_small_units_move_up_the_tree_first():
    # Unit 4's one row joins its parent 2, which then covers three.
    assert generalise_units(PARENTS, [3, 3, 3, 4, 2, 2, 6, 6, 6], 3) == [3, 3, 3, 2, 2, 2, 6, 6, 6]
    # Unit 6 alone is too small and the top has none: it joins the top with the smallest.
    assert generalise_units(PARENTS, [3, 3, 3, 6], 3) == [None, None, None, None]


def test_fewer_than_k_in_the_whole_wave_releases_nothing():
    result = k_anonymise(PARENTS, [3, 3], ["staff"] * 2, [("", "")] * 2, QUESTIONS, 5)
    assert result.kept == [] and result.rows_left_out == 2


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="one entry per row"):
        k_anonymise(PARENTS, [3], [], [], QUESTIONS, 2)
