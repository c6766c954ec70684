"""Scoring a survey wave: item answers to respondent scale scores to unit figures.

Plain Python and NumPy, no Django. The rules here are a contract: the Django side, the CLI
and researchers' notebooks all get the same numbers from the same answers.

Answers are a float64 array of shape (n_respondents, n_items) in the instrument's item
order, NaN meaning "not answered". Units form a forest given by `parent_index` (-1 for a
root); a unit's figures cover its whole subtree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from echoorg.core.diagnostic.coded import (
    CodedAnswers,
    coded_unit_partial_sums,
    scale_sums_from_partials,
)
from echoorg.core.diagnostic.instrument import Instrument
from echoorg.core.units import Forest, children_first_order

__all__ = [
    "UnitFigures",
    "answered_any",
    "forest_order",
    "respondent_scale_scores",
    "reverse_key",
    "unit_figures",
]


def _answers_array(instrument: Instrument, answers: np.ndarray) -> np.ndarray:
    """The answers as float64, after checking their shape (range is checked by callers)."""
    data = np.asarray(answers, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != len(instrument.items):
        raise ValueError(
            f"answers: expected shape (respondents, {len(instrument.items)}), got {data.shape}."
        )
    return data


def reverse_key(instrument: Instrument, answers: np.ndarray) -> np.ndarray:
    """Answers with the instrument's reverse-keyed items turned round.

    Inputs: the instrument and answers of shape (n_respondents, n_items), NaN = not
    answered, values within the response scale.
    Output: a new float64 array of the same shape where each reverse-keyed item's value x
    is replaced by min + max - x (NaN stays NaN); other items are copied unchanged.
    Source: standard Likert reverse scoring, which mirrors a point about the scale's
    midpoint (Likert 1932, "A technique for the measurement of attitudes").
    """
    data = _answers_array(instrument, answers)
    low, high = instrument.response_scale.min, instrument.response_scale.max
    if ((data < low) | (data > high)).any():
        _refuse_out_of_range(instrument, data)
    data = data.copy()
    reversed_columns = [n for n, item in enumerate(instrument.items) if item.reverse]
    if reversed_columns:
        total = instrument.response_scale.min + instrument.response_scale.max
        data[:, reversed_columns] = total - data[:, reversed_columns]
    return data


def respondent_scale_scores(instrument: Instrument, answers: np.ndarray) -> np.ndarray:
    """Each respondent's score on each scale.

    Inputs: the instrument and answers (n_respondents, n_items), NaN = not answered.
    Output: float64 array (n_respondents, n_scales), columns in `instrument.scales` order.
    Rule: after reverse keying, a score is the mean of the respondent's answered items of
    that scale, provided at least half of the scale's items are answered
    (answered * 2 >= items in the scale); otherwise NaN. So 2 of 4 items give a score and
    1 of 4 does not; with 5 items, 3 are needed.
    Source: the echoorg scoring contract. Averaging the answered items is person-mean
    (ipsative) imputation of the missing ones, acceptable when few items are missing
    (Downey & King 1998, J. Gen. Psychol. 125:175-191; Schafer & Graham 2002,
    Psychol. Methods 7:147-177); the half rule bounds how few that must be.
    """
    return _score(instrument, answers)[0]


# Rows per block: the temporaries of one block stay in the processor's cache, which makes
# scoring a million respondents several times faster than whole-array operations.
_BLOCK_ROWS = 4096


def _score(instrument: Instrument, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale scores (as `respondent_scale_scores`) and `answered_any`, in one pass."""
    data = _answers_array(instrument, answers)
    item_count, scale_count = len(instrument.items), len(instrument.scales)
    low, high = instrument.response_scale.min, instrument.response_scale.max
    # Each item as a distance from the scale's low end after reverse keying:
    # x - min for ordinary items, max - x for reversed ones. Distances are >= 0, so
    # np.fmax(distance, 0) turns NaN into 0 without a separate masking pass.
    sign = np.array([-1.0 if item.reverse else 1.0 for item in instrument.items])
    offset = np.array([float(high) if item.reverse else float(-low) for item in instrument.items])
    scale_of = {scale.id: n for n, scale in enumerate(instrument.scales)}
    membership = np.zeros((item_count, scale_count))
    for n, item in enumerate(instrument.items):
        membership[n, scale_of[item.scale]] = 1.0
    membership32 = membership.astype(np.float32)
    size = membership.sum(axis=0)

    rows = len(data)
    sums = np.empty((rows, scale_count))
    missing = np.empty((rows, scale_count), dtype=np.float32)
    answered = np.empty(rows, dtype=bool)
    for start in range(0, rows, _BLOCK_ROWS):
        block = slice(start, start + _BLOCK_ROWS)
        distance = data[block] * sign + offset
        if not (
            np.nanmin(distance, initial=0.0) >= 0.0
            and np.nanmax(distance, initial=0.0) <= high - low
        ):
            _refuse_out_of_range(instrument, data)
        is_missing = np.isnan(distance)
        np.fmax(distance, 0.0, out=distance)
        np.matmul(distance, membership, out=sums[block])
        np.matmul(is_missing.astype(np.float32), membership32, out=missing[block])
        answered[block] = ~is_missing.all(axis=1)

    counts = size - missing  # small whole numbers: exact in float32 and float64
    scores = np.full((rows, scale_count), np.nan)
    # Back from distances to scale points: mean = low + sum of distances / count.
    np.divide(sums, counts, out=scores, where=(counts * 2 >= size) & (counts > 0))
    scores += low
    return scores, answered


def _refuse_out_of_range(instrument: Instrument, data: np.ndarray) -> None:
    """Raise ValueError naming the first answer outside the response scale."""
    low, high = instrument.response_scale.min, instrument.response_scale.max
    outside = (data < low) | (data > high)  # NaN compares False both ways
    row, col = (int(x) for x in np.argwhere(outside)[0])
    raise ValueError(
        f"answers: respondent {row}, item '{instrument.items[col].id}' has "
        f"{data[row, col]!r}, outside the response scale {low}..{high}."
    )


def answered_any(answers: np.ndarray) -> np.ndarray:
    """Which respondents answered at least one item.

    Input: answers (n_respondents, n_items), NaN = not answered.
    Output: bool array (n_respondents,). Respondents who answered nothing are not counted
    anywhere (the echoorg scoring contract: an empty return is not a response).
    """
    data = np.asarray(answers, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError(f"answers: expected a 2-dimensional array, got shape {data.shape}.")
    return np.asarray(~np.isnan(data).all(axis=1))


def forest_order(parent_index: Sequence[int]) -> list[int]:
    """The units of a forest ordered so every child comes before its parent.

    Input: parent_index, one entry per unit: the index of its parent, or -1 for a root.
    Parents may come after their children in the list.
    Output: a permutation of range(len(parent_index)), children before parents (a
    reversed breadth-first order from the roots, so siblings stay in index order).
    Raises ValueError for a parent index out of range or a cycle, naming a unit in it.
    The tree walk itself is echoorg.core.units' (one home for tree code).
    """
    return children_first_order(parent_index)


def _depth_levels(parent_index: np.ndarray) -> list[np.ndarray]:
    """Units grouped by depth, deepest first (each group is children of the next ones)."""
    depth = np.asarray(Forest.from_parents(parent_index.tolist()).depths(), dtype=np.int64)
    if len(depth) == 0:
        return []
    by_depth = np.argsort(depth, kind="stable")
    bounds = np.searchsorted(depth[by_depth], np.arange(depth.max() + 2))
    return [by_depth[bounds[d] : bounds[d + 1]] for d in range(depth.max(), 0, -1)]


@dataclass
class UnitFigures:
    """Counts and means for every unit, over its whole subtree and of its own.

    units: unit names, in the order of the arrays' first axis.
    n: int (n_units,): respondents in the unit's subtree who answered at least one item.
    scale_n: int (n_units, n_scales): subtree respondents with a score on the scale.
    scale_sum: float (n_units, n_scales): sum of those scores.
    scale_mean: float (n_units, n_scales): scale_sum / scale_n, NaN where scale_n == 0.
    own_n, own_scale_n: as n and scale_n, counting only respondents attached to the unit
    itself (not its descendants); the anonymity engine works from these.
    """

    units: list[str]
    n: np.ndarray
    scale_n: np.ndarray
    scale_sum: np.ndarray
    scale_mean: np.ndarray
    own_n: np.ndarray
    own_scale_n: np.ndarray


def _own_totals(
    instrument: Instrument, data: np.ndarray, unit_of: np.ndarray, unit_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit, of its own respondents: answered-anything count, scale counts and sums."""
    scores, answered = _score(instrument, data)
    scale_count = len(instrument.scales)
    own_n = np.bincount(unit_of[answered], minlength=unit_count).astype(np.int64)
    own_scale_n = np.zeros((unit_count, scale_count), dtype=np.int64)
    own_scale_sum = np.zeros((unit_count, scale_count), dtype=np.float64)
    for s in range(scale_count):
        has_score = ~np.isnan(scores[:, s])
        where = unit_of[has_score]
        own_scale_n[:, s] = np.bincount(where, minlength=unit_count)
        own_scale_sum[:, s] = np.bincount(where, weights=scores[has_score, s], minlength=unit_count)
    return own_n, own_scale_n, own_scale_sum


def unit_figures(
    instrument: Instrument,
    answers: np.ndarray | CodedAnswers,
    unit_of_respondent: np.ndarray,
    units: list[str],
    parent_index: Sequence[int],
) -> UnitFigures:
    """Aggregate respondents' scale scores over every unit's subtree.

    Inputs: the instrument; answers (n_respondents, n_items), NaN = not answered;
    unit_of_respondent, int (n_respondents,), each an index into `units`; units, the unit
    names; parent_index, one per unit, -1 for a root (a forest; parents may be listed after
    their children).
    Output: UnitFigures. A respondent counts in n for their unit and every ancestor when
    they answered at least one item, and in scale_n / scale_sum for a scale when they have
    a score on it (see `respondent_scale_scores`); respondents who answered nothing count
    nowhere. Means are means of respondent scale scores (each respondent weighs the same).
    Raises ValueError for a respondent whose unit is -1 or out of range, for mismatched
    lengths, or a parent_index that is not a forest.
    Method: per-unit totals with np.bincount, then one bottom-up pass over the forest,
    level by level from the deepest, adding children into parents (np.add.at), so the cost
    is linear in respondents plus units.
    """
    unit_count = len(units)
    if len(parent_index) != unit_count:
        raise ValueError(f"parent_index: has {len(parent_index)} entries for {unit_count} units.")
    parents = np.asarray(parent_index, dtype=np.int64).reshape(unit_count)
    levels = _depth_levels(parents)  # validates the forest before any heavy work

    unit_of = np.asarray(unit_of_respondent)
    if unit_of.ndim != 1 or (unit_of.size and not np.issubdtype(unit_of.dtype, np.integer)):
        raise ValueError("unit_of_respondent: expected a 1-dimensional array of unit indexes.")
    unit_of = unit_of.astype(np.int64, copy=False)
    data: CodedAnswers | np.ndarray
    if isinstance(answers, CodedAnswers):  # large files: one byte per answer
        data = answers
    else:
        data = _answers_array(instrument, answers)
    if len(unit_of) != len(data):
        raise ValueError(
            f"unit_of_respondent: has {len(unit_of)} entries for {len(data)} respondents."
        )
    bad = (unit_of < 0) | (unit_of >= unit_count)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"unit_of_respondent: respondent {first} has unit index "
            f"{int(unit_of[first])}, which is not a unit (0..{unit_count - 1})."
        )
    if isinstance(data, CodedAnswers):
        # Whole numbers up the tree, one division at the end: the same bits in any order
        # of units and on either route (see coded_unit_partial_sums).
        own_n, own_scale_n, partial = coded_unit_partial_sums(instrument, data, unit_of, unit_count)
    else:
        own_n, own_scale_n, own_scale_sum = _own_totals(instrument, data, unit_of, unit_count)
        partial = own_scale_sum

    n = own_n.copy()
    scale_n = own_scale_n.copy()
    partial = partial.copy()
    for level in levels:  # deepest first: every child is complete before it is added
        up = parents[level]
        np.add.at(n, up, n[level])
        np.add.at(scale_n, up, scale_n[level])
        np.add.at(partial, up, partial[level])
    scale_sum = (
        scale_sums_from_partials(partial, scale_n, data.low)
        if isinstance(data, CodedAnswers)
        else partial
    )

    scale_mean = np.full(scale_sum.shape, np.nan)
    np.divide(scale_sum, scale_n, out=scale_mean, where=scale_n > 0)
    return UnitFigures(
        units=list(units),
        n=n,
        scale_n=scale_n,
        scale_sum=scale_sum,
        scale_mean=scale_mean,
        own_n=own_n,
        own_scale_n=own_scale_n,
    )
