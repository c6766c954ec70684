from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic.instrument import Instrument, Item, ResponseScale, Scale
from echoorg.core.diagnostic.scoring import (
    answered_any,
    forest_order,
    respondent_scale_scores,
    reverse_key,
    unit_figures,
)
from tests.core.strategies import forests

NAN = math.nan


def make_instrument(items: list[tuple[str, bool]], low: int = 1, high: int = 5) -> Instrument:
    """An instrument from (scale id, reversed) pairs, scales in order of first use."""
    scale_ids = list(dict.fromkeys(scale for scale, _ in items))
    return Instrument(
        id="test",
        version=1,
        title="Test",
        description="",
        response_scale=ResponseScale(low, high, tuple(str(p) for p in range(low, high + 1))),
        scales=tuple(Scale(s, s.title(), "", "test") for s in scale_ids),
        items=tuple(Item(f"i{n}", f"Item {n}", scale, rev) for n, (scale, rev) in enumerate(items)),
    )


def array(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


# Scales of 1 to 5 items, interleaved, some reversed: the brute-force comparison's instrument.
MIXED = make_instrument(
    [
        ("five", False),
        ("four", True),
        ("one", False),
        ("three", False),
        ("five", True),
        ("two", False),
        ("four", False),
        ("three", True),
        ("five", False),
        ("two", True),
        ("four", False),
        ("five", True),
        ("three", False),
        ("four", True),
        ("five", False),
    ]
)


def test_it_reverse_keys_only_reversed_items():
    instrument = make_instrument([("a", True), ("a", False)])
    keyed = reverse_key(instrument, array([[1, 1], [5, 2], [NAN, NAN], [3, 4], [2, NAN]]))
    assert same(keyed, array([[5, 1], [1, 2], [NAN, NAN], [3, 4], [4, NAN]]))


@pytest.mark.parametrize(
    ("low", "high", "given_value", "keyed"),
    [
        (0, 4, 0, 4),
        (0, 4, 3, 1),
        (-2, 2, -2, 2),
        (-2, 2, 1, -1),
        (1, 7, 2, 6),
        (1, 7, 4, 4),
    ],
)
def test_it_reverse_keys_on_any_response_scale(low, high, given_value, keyed):
    instrument = make_instrument([("a", True)], low, high)
    assert reverse_key(instrument, array([[given_value]]))[0, 0] == keyed


def test_it_leaves_the_callers_answers_untouched():
    instrument = make_instrument([("a", True), ("a", False)])
    answers = array([[1, 2]])
    reverse_key(instrument, answers)
    respondent_scale_scores(instrument, answers)
    assert same(answers, array([[1, 2]]))


def test_it_scores_a_scale_of_four_with_two_answers_but_not_one():
    instrument = make_instrument([("a", False)] * 4)
    scores = respondent_scale_scores(
        instrument,
        array(
            [
                [1, 2, 3, 4],
                [2, NAN, 5, NAN],
                [NAN, NAN, 4, NAN],
                [NAN, NAN, NAN, NAN],
            ]
        ),
    )
    assert same(scores, array([[2.5], [3.5], [NAN], [NAN]]))


def test_it_needs_three_of_five_items():
    instrument = make_instrument([("a", False)] * 5)
    scores = respondent_scale_scores(
        instrument,
        array(
            [
                [1, 2, NAN, NAN, NAN],
                [1, 2, 3, NAN, NAN],
                [NAN, 5, NAN, 4, 3],
            ]
        ),
    )
    assert same(scores, array([[NAN], [2.0], [4.0]]))


def test_it_scores_odd_sized_scales():
    instrument = make_instrument(
        [("one", False), ("three", False), ("three", False), ("three", False)]
    )
    scores = respondent_scale_scores(
        instrument,
        array(
            [
                [4, 1, 2, NAN],  # 2 of 3: scored
                [NAN, NAN, 5, NAN],  # 1 of 3: not; the one-item scale unanswered
                [2, 5, 5, 5],
            ]
        ),
    )
    assert same(scores, array([[4, 1.5], [NAN, NAN], [2, 5]]))


def test_it_scores_reverse_keyed_items_after_turning_them():
    instrument = make_instrument([("a", True), ("a", False), ("b", True)], low=1, high=7)
    scores = respondent_scale_scores(instrument, array([[1, 5, 2], [NAN, 3, 7]]))
    # Scale a: (7 + 5) / 2 and 3 alone (1 of 2 is half); scale b: 8 - 2 and 8 - 7.
    assert same(scores, array([[6, 6], [3, 1]]))


def test_it_orders_score_columns_as_the_instruments_scales():
    instrument = make_instrument([("zeta", False), ("alpha", False)])
    assert [s.id for s in instrument.scales] == ["zeta", "alpha"]
    assert same(respondent_scale_scores(instrument, array([[1, 5]])), array([[1, 5]]))


@pytest.mark.parametrize("bad", [0, 6, 5.5, math.inf, -math.inf])
def test_it_refuses_answers_outside_the_response_scale(bad):
    instrument = make_instrument([("a", False), ("a", True)])
    with pytest.raises(
        ValueError,
        match=r"respondent 1, item 'i1'.*outside the response "
        r"scale 1\.\.5",
    ):
        respondent_scale_scores(instrument, array([[1, 2], [3, bad]]))
    with pytest.raises(ValueError, match="outside the response scale"):
        reverse_key(instrument, array([[1, 2], [3, bad]]))


def test_it_refuses_answers_of_the_wrong_shape():
    instrument = make_instrument([("a", False), ("a", True)])
    with pytest.raises(ValueError, match=r"expected shape \(respondents, 2\)"):
        respondent_scale_scores(instrument, array([[1, 2, 3]]))
    with pytest.raises(ValueError, match=r"expected shape"):
        reverse_key(instrument, np.array([1.0, 2.0]))


def test_it_handles_a_wave_with_no_respondents():
    instrument = make_instrument([("a", False), ("b", True)])
    assert respondent_scale_scores(instrument, np.empty((0, 2))).shape == (0, 2)
    figures = unit_figures(instrument, np.empty((0, 2)), np.empty(0, dtype=int), ["A"], [-1])
    assert figures.n.tolist() == [0]
    assert np.isnan(figures.scale_mean).all()


def test_it_marks_respondents_who_answered_anything():
    answers = array([[1, NAN], [NAN, NAN], [NAN, 3]])
    assert answered_any(answers).tolist() == [True, False, True]


# A three-level tree: org (0) > directorate (1) > teams 2 and 3; a second root (4).
TREE_UNITS = ["Org", "Directorate", "Team A", "Team B", "Elsewhere"]
TREE_PARENTS = [-1, 0, 1, 1, -1]


def test_it_aggregates_each_units_whole_subtree():
    instrument = make_instrument([("a", False), ("a", False), ("b", True)])
    answers = array(
        [
            [1, 3, 5],  # Team A: a=2, b=1
            [5, 5, NAN],  # Team A: a=5, b unanswered
            [2, NAN, 2],  # Team B: a=2 (1 of 2 is half), b=4
            [4, 4, 4],  # Directorate itself: a=4, b=2
            [NAN, NAN, NAN],  # Org: answered nothing, counts nowhere
            [3, 3, 3],  # Elsewhere: a=3, b=3
        ]
    )
    units = np.array([2, 2, 3, 1, 0, 4])
    figures = unit_figures(instrument, answers, units, TREE_UNITS, TREE_PARENTS)
    assert figures.units == TREE_UNITS
    assert figures.n.tolist() == [4, 4, 2, 1, 1]
    assert figures.own_n.tolist() == [0, 1, 2, 1, 1]
    assert figures.scale_n.tolist() == [[4, 3], [4, 3], [2, 1], [1, 1], [1, 1]]
    assert figures.own_scale_n.tolist() == [[0, 0], [1, 1], [2, 1], [1, 1], [1, 1]]
    assert figures.scale_sum.tolist() == [[13, 7], [13, 7], [7, 1], [2, 4], [3, 3]]
    assert np.allclose(
        figures.scale_mean,
        [[13 / 4, 7 / 3], [13 / 4, 7 / 3], [3.5, 1], [2, 4], [3, 3]],
        rtol=0,
        atol=1e-12,
    )


def test_it_counts_respondents_who_answered_nothing_nowhere():
    instrument = make_instrument([("a", False), ("a", False)])
    answers = array([[NAN, NAN], [NAN, NAN], [2, NAN]])
    figures = unit_figures(instrument, answers, np.array([0, 1, 1]), ["Root", "Team"], [-1, 0])
    assert figures.n.tolist() == [1, 1]
    assert figures.own_n.tolist() == [0, 1]
    assert figures.scale_n.tolist() == [[1], [1]]


def test_it_counts_a_respondent_without_any_scale_score_in_n_only():
    instrument = make_instrument([("a", False)] * 4)
    figures = unit_figures(instrument, array([[3, NAN, NAN, NAN]]), np.array([0]), ["A"], [-1])
    assert figures.n.tolist() == [1]
    assert figures.scale_n.tolist() == [[0]]
    assert np.isnan(figures.scale_mean[0, 0])


def test_it_accepts_parents_listed_after_their_children():
    instrument = make_instrument([("a", False)])
    # Team (0) < Directorate (1) < Org (2): every parent after its child.
    answers = array([[1], [2], [3], [5]])
    figures = unit_figures(
        instrument, answers, np.array([0, 0, 1, 2]), ["Team", "Directorate", "Org"], [1, 2, -1]
    )
    assert figures.n.tolist() == [2, 3, 4]
    assert figures.scale_sum.tolist() == [[3], [6], [11]]
    assert figures.scale_mean.tolist() == [[1.5], [2.0], [2.75]]


def test_it_refuses_a_respondent_without_a_unit():
    instrument = make_instrument([("a", False)])
    with pytest.raises(ValueError, match="respondent 1 has unit index -1"):
        unit_figures(instrument, array([[1], [2]]), np.array([0, -1]), ["A"], [-1])
    with pytest.raises(ValueError, match="respondent 0 has unit index 3"):
        unit_figures(instrument, array([[1]]), np.array([3]), ["A"], [-1])


def test_it_refuses_mismatched_lengths():
    instrument = make_instrument([("a", False)])
    with pytest.raises(ValueError, match="has 1 entries for 2 respondents"):
        unit_figures(instrument, array([[1], [2]]), np.array([0]), ["A"], [-1])
    with pytest.raises(ValueError, match="has 1 entries for 2 units"):
        unit_figures(instrument, array([[1]]), np.array([0]), ["A", "B"], [-1])
    with pytest.raises(ValueError, match="unit indexes"):
        unit_figures(instrument, array([[1]]), np.array([0.0]), ["A"], [-1])


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ([1, 0], "cycle"),
        ([-1, 2, 1], "cycle"),
        ([0], "its own parent"),
        ([-1, 5], "not -1 or a unit index"),
    ],
)
def test_it_refuses_a_parent_index_that_is_not_a_forest(parents, message):
    instrument = make_instrument([("a", False)])
    with pytest.raises(ValueError, match=message):
        unit_figures(
            instrument, array([[1]]), np.array([0]), [f"u{n}" for n in range(len(parents))], parents
        )


def test_it_orders_children_before_parents():
    parents = [3, -1, 1, 1, 2]
    order = forest_order(parents)
    assert sorted(order) == list(range(5))
    place = {unit: n for n, unit in enumerate(order)}
    assert all(place[child] < place[parent] for child, parent in enumerate(parents) if parent >= 0)


def brute_force_figures(
    instrument: Instrument, answers: np.ndarray, unit_of: list[int], parents: list[int]
) -> tuple[list, list, list]:
    """n, scale_n and scale_mean by walking every respondent up through every ancestor."""
    low, high = instrument.response_scale.min, instrument.response_scale.max
    count = len(parents)
    n = [0] * count
    scale_n = [[0] * len(instrument.scales) for _ in range(count)]
    scale_sum = [[0.0] * len(instrument.scales) for _ in range(count)]
    for row, unit in zip(answers.tolist(), unit_of, strict=True):
        if all(math.isnan(x) for x in row):
            continue
        scores = []
        for scale in instrument.scales:
            values = [
                low + high - x if item.reverse else x
                for x, item in zip(row, instrument.items, strict=True)
                if item.scale == scale.id and not math.isnan(x)
            ]
            size = sum(1 for item in instrument.items if item.scale == scale.id)
            scores.append(sum(values) / len(values) if values and 2 * len(values) >= size else None)
        ancestor = unit
        while ancestor != -1:
            n[ancestor] += 1
            for s, score in enumerate(scores):
                if score is not None:
                    scale_n[ancestor][s] += 1
                    scale_sum[ancestor][s] += score
            ancestor = parents[ancestor]
    means = [
        [total / k if k else NAN for total, k in zip(sums, ks, strict=True)]
        for sums, ks in zip(scale_sum, scale_n, strict=True)
    ]
    return n, scale_n, means


@settings(max_examples=150, deadline=None)
@given(
    parents=forests(30),
    seed=st.integers(0, 2**32 - 1),
    respondents=st.integers(0, 80),
    missing=st.floats(0.1, 0.3),
)
def test_it_matches_a_brute_force_walk_up_the_tree(parents, seed, respondents, missing):
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(respondents, len(MIXED.items))).astype(np.float64)
    answers[rng.random(answers.shape) < missing] = np.nan
    answers[rng.random(respondents) < 0.1] = np.nan  # some answered nothing at all
    unit_of = rng.integers(0, len(parents), size=respondents)
    units = [f"unit {n}" for n in range(len(parents))]

    figures = unit_figures(MIXED, answers, unit_of, units, parents)
    n, scale_n, means = brute_force_figures(MIXED, answers, unit_of.tolist(), parents)

    assert figures.n.tolist() == n
    assert figures.scale_n.tolist() == scale_n
    assert np.allclose(figures.scale_mean, np.array(means), rtol=0, atol=1e-12, equal_nan=True)
    assert np.array_equal(np.isnan(figures.scale_mean), figures.scale_n == 0)
    own = np.bincount(unit_of[answered_any(answers)], minlength=len(parents))
    assert figures.own_n.tolist() == own.tolist()
    roots = [u for u, p in enumerate(parents) if p == -1]
    assert figures.n[roots].sum() == answered_any(answers).sum()
