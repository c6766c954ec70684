"""A wave's figures split by one background question, for every shown unit at once.

Why the whole tree at once: a split of one unit can be subtracted from the split of its
parent or of a unit below it. Here every group is an atom (a unit's own respondents with
one answer), the published totals of units are fixed cells, and every unit-and-answer
figure is a candidate cell; `anonymity.suppress_cells` then withholds candidates until no
combination of everything shown isolates fewer than k people. The same is done per scale
for the means. Pure computation; no Django.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from echoorg.core.diagnostic.anonymity import Cell, suppress_cells
from echoorg.core.diagnostic.instrument import Instrument
from echoorg.core.diagnostic.scoring import respondent_scale_scores
from echoorg.core.units import Forest

NOT_ANSWERED = "Not answered"

# Beyond this many groups (units times answers) splits are not offered. The check grows
# much faster than the groups: measured on this project's 2-core machine with 5,000
# responses and a question of four options, 45 units (225 groups) took 0.2 s, 80 units
# (400) 3.4 s, 120 units (600) 128 s. Every split is computed when a wave closes, inside
# the facilitator's request, so the limit keeps closing within seconds.
MAX_CUT_ATOMS = 400


@dataclass
class CutRow:
    """One answer's figures within a unit: its count and scale means, None where withheld."""

    value: str
    n: int | None
    means: dict[str, float | None]


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
) -> dict[int, list[CutRow]] | None:
    """Every shown unit's figures split by one background question.

    Inputs: the instrument; `answers` (respondents × items, NaN where not answered) and
    `unit_index` (each respondent's unit position); `parents` (each unit's parent
    position, -1 for a root); `answer_of` (each respondent's answer to the question, None
    when not given); the question's `options`; which units are `shown` and each unit's
    published scale means (`shown_means`, None where suppressed); the minimum group `k`.

    Output: unit position -> one `CutRow` per option and then "Not answered" (an answer
    outside the options counts as not answered), for shown units only; or None when the
    units times the answers exceed `MAX_CUT_ATOMS`.
    """
    every_option = [*options, NOT_ANSWERED]
    n_units = len(parents)
    if n_units * len(every_option) > MAX_CUT_ATOMS:
        return None
    forest = Forest.from_parents(parents)
    subtree_of = {u: forest.subtree(u) for u in range(n_units)}
    scores = respondent_scale_scores(instrument, answers)
    answered = ~np.all(np.isnan(answers), axis=1)
    value_of = np.array([NOT_ANSWERED if a is None else a for a in answer_of], dtype=object)
    if value_of.size:
        value_of[~np.isin(value_of, every_option)] = NOT_ANSWERED
    shown_units = [u for u in range(n_units) if shown[u]]

    def shown_cells(include: np.ndarray, totals: list[int]) -> set[Hashable]:
        atom_n: dict[Hashable, int] = {(u, o): 0 for u in range(n_units) for o in every_option}
        for unit, value in zip(unit_index[include], value_of[include], strict=True):
            atom_n[(int(unit), value)] += 1
        cells = [
            Cell(
                ("total", u),
                frozenset((v, o) for v in subtree_of[u] for o in every_option),
                fixed=True,
            )
            for u in totals
        ]
        cells += [
            Cell((u, o), frozenset((v, o) for v in subtree_of[u]))
            for u in shown_units
            for o in every_option
        ]
        return suppress_cells(cells, atom_n, k)

    overall = shown_cells(answered, shown_units)
    per_scale = {}
    for s, scale in enumerate(instrument.scales):
        has = ~np.isnan(scores[:, s])
        totals = [u for u in shown_units if shown_means[u].get(scale.id) is not None]
        per_scale[scale.id] = shown_cells(has, totals) & overall
    table: dict[int, list[CutRow]] = {}
    for u in shown_units:
        inside = np.isin(unit_index, subtree_of[u])
        rows = []
        for option in every_option:
            member = inside & answered & (value_of == option)
            means: dict[str, float | None] = {}
            for s, scale in enumerate(instrument.scales):
                column = scores[member, s]
                column = column[~np.isnan(column)]
                visible = (u, option) in per_scale[scale.id] and len(column) > 0
                means[scale.id] = float(column.mean()) if visible else None
            rows.append(
                CutRow(option, int(member.sum()) if (u, option) in overall else None, means)
            )
        table[u] = rows
    return table
