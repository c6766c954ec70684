"""A wave's figures split by one background question, for every shown unit at once.

Why the whole tree at once: a split of one unit can be subtracted from the split of its
parent, of a unit below it, or from the unit totals. Every group is an atom (a unit's own
respondents with one answer), the published unit totals are fixed, and every
unit-and-answer figure is a candidate; `split_suppression.suppress_split` then withholds
candidates until no combination of everything shown gives the number of a group of fewer
than k people. The same is done per scale for the means (with the respondents who have a
score on it). Pure computation; no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from echoorg.core.diagnostic.instrument import Instrument
from echoorg.core.diagnostic.scoring import respondent_scale_scores
from echoorg.core.diagnostic.split_suppression import DERIVABLE, SMALL, suppress_split
from echoorg.core.units import Forest

__all__ = [
    "CUTS_VERSION",
    "DERIVABLE",
    "MAX_CUT_ATOMS",
    "NOT_ANSWERED",
    "SMALL",
    "CutRow",
    "cut_table",
]

NOT_ANSWERED = "Not answered"

# Bump when the rules deciding which groups of a split are shown change: stored splits of
# an older version are computed again (`services.ensure_wave_figures`). 1: the exact check
# of `split_suppression` (issue 10); before it (0), the block check hid nearly every group.
CUTS_VERSION = 1

# Beyond this many groups (units times answers) splits are not offered. Every split is
# computed when a wave closes, inside the facilitator's request. Measured on this
# project's shared 2-core machine (`python -m benchmarks bench_splits`, a question of four
# options and "not answered", 4% of items skipped): 80 units 0.24 s, 400 units 0.8 s,
# 1,500 units 1.7 s with teams of about 70 and 0.8 s with teams of about 9. The block
# check before it took 3.4 s at 80 units and 128 s at 120, hence its limit of 400 groups.
MAX_CUT_ATOMS = 9000


@dataclass
class CutRow:
    """One answer's figures within a unit: its count and scale means, None where withheld.

    why: why the count is withheld (`SMALL`: fewer than k people; `DERIVABLE`: shown, it
    would let a smaller group be worked out), "" when shown. means_why: the same for each
    withheld mean of a shown count (a scale few of the group answered, or derivable).
    Pages say both in the same words: which of two hidden groups is the small one would
    narrow its size down (the row's total minus the other).
    """

    value: str
    n: int | None
    means: dict[str, float | None]
    why: str = ""
    means_why: dict[str, str] = field(default_factory=dict)


def cut_table(
    instrument: Instrument,
    answers: np.ndarray,
    unit_index: np.ndarray,
    parents: Sequence[int],
    answer_of: Sequence[str | None],
    options: Sequence[str],
    shown: Sequence[bool],
    shown_means: Sequence[Mapping[str, float | None]],
    k: int,
    scores: np.ndarray | None = None,
) -> dict[int, list[CutRow]] | None:
    """Every shown unit's figures split by one background question.

    Inputs: the instrument; `answers` (respondents × items, NaN where not answered) and
    `unit_index` (each respondent's unit position); `parents` (each unit's parent
    position, -1 for a root); `answer_of` (each respondent's answer to the question, None
    when not given); the question's `options`; which units are `shown` and each unit's
    published scale means (`shown_means`, None where suppressed); the minimum group `k`;
    optionally the respondents' scale scores (`scoring.respondent_scale_scores`), when the
    caller splits by several questions.

    Output: unit position -> one `CutRow` per option and then "Not answered" (an answer
    outside the options counts as not answered), for shown units only; or None when the
    units times the answers exceed `MAX_CUT_ATOMS`.
    """
    every_option = [*options, NOT_ANSWERED]
    width = len(every_option)
    n_units = len(parents)
    if n_units * width > MAX_CUT_ATOMS:
        return None
    forest = Forest.from_parents(parents)
    if scores is None:
        scores = respondent_scale_scores(instrument, answers)
    answered = ~np.all(np.isnan(answers), axis=1)
    position = {option: o for o, option in enumerate(options)}
    code = np.array(
        [width - 1 if a is None else position.get(a, width - 1) for a in answer_of], dtype=np.int64
    )
    group = np.asarray(unit_index, dtype=np.int64) * width + code
    cells = n_units * width

    def per_group(rows: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        counted = np.bincount(group[rows], weights=weights, minlength=cells)
        return counted.reshape(n_units, width)

    own = per_group(answered).astype(np.int64)
    scale_count = np.zeros((len(instrument.scales), n_units, width), dtype=np.int64)
    scale_sum = np.zeros((len(instrument.scales), n_units, width))
    for s in range(len(instrument.scales)):
        has = answered & ~np.isnan(scores[:, s])
        scale_count[s] = per_group(has).astype(np.int64)
        scale_sum[s] = per_group(has, scores[has, s])

    # Subtree figures: each unit's own added to its parent's, children first.
    subtree_n, subtree_count, subtree_sum = own.copy(), scale_count.copy(), scale_sum.copy()
    for u in forest.children_first():
        p = forest.parent[u]
        if p >= 0:
            subtree_n[p] += subtree_n[u]
            subtree_count[:, p] += subtree_count[:, u]
            subtree_sum[:, p] += subtree_sum[:, u]

    shown_units = [u for u in range(n_units) if shown[u]]
    every_row = [[bool(shown[u])] * width for u in range(n_units)]
    overall = suppress_split(parents, list(shown), every_row, own.tolist(), k)
    overall_shown = [[why is None for why in row] for row in overall]
    per_scale = []
    done: dict[tuple[bytes, bytes], list[list[str | None]]] = {}
    for s, scale in enumerate(instrument.scales):
        totals = [
            bool(shown[u]) and shown_means[u].get(scale.id) is not None for u in range(n_units)
        ]
        key = (np.packbits(totals).tobytes(), scale_count[s].tobytes())
        if key not in done:
            same = totals == list(map(bool, shown)) and np.array_equal(scale_count[s], own)
            done[key] = (
                overall
                if same
                else suppress_split(parents, totals, overall_shown, scale_count[s].tolist(), k)
            )
        per_scale.append(done[key])

    table: dict[int, list[CutRow]] = {}
    for u in shown_units:
        rows = []
        for o, option in enumerate(every_option):
            means: dict[str, float | None] = {}
            means_why: dict[str, str] = {}
            for s, scale in enumerate(instrument.scales):
                count = int(subtree_count[s, u, o])
                why = per_scale[s][u][o]
                if why is None and count:
                    means[scale.id] = float(subtree_sum[s, u, o] / count)
                else:
                    means[scale.id] = None
                    means_why[scale.id] = why or SMALL
            why = overall[u][o]
            rows.append(
                CutRow(
                    option,
                    None if why else int(subtree_n[u, o]),
                    means,
                    why or "",
                    {} if why else means_why,
                )
            )
        table[u] = rows
    return table
