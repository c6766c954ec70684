"""Splits by a background question (issue 10): the whole table's suppression and figures.

What is timed: `cuts.cut_table` for one question of four options (five answers with "not
answered") over a unit tree of 80, 120, 400 and 1,500 units, as a wave's close computes
it (unit suppression first, then the split with its exact disclosure check and the
per-scale means). The trees: one root, divisions of about 8 units below it, teams below
those; 62 respondents per unit (about the issue's 5,000 responses at 80 units), then 8 per
unit (teams of about 9, where most team cells are small and the check has the most to
do); answers drawn uniformly with 4% of items skipped (so the scales' counts differ and
each is checked on its own), background answers for nine in ten. Also reported: the whole
organisation's groups and how many cells are shown in all. Set ECHOORG_BENCH_SPLIT_UNITS
(comma-separated) for other sizes. Before this change (block check, limited to 400
groups) 80 units took 3.4 s and 120 units 128 s on the same machine.
"""

from __future__ import annotations

import os
import time

import numpy as np

from echoorg.core.diagnostic.anonymity import suppress_units_and_scales
from echoorg.core.diagnostic.cuts import MAX_CUT_ATOMS, cut_table
from echoorg.core.diagnostic.instrument import find_instrument
from echoorg.core.diagnostic.scoring import unit_figures

SIZES = [int(s) for s in os.environ.get("ECHOORG_BENCH_SPLIT_UNITS", "80,120,400,1500").split(",")]
OPTIONS = ("Practitioners", "Managers", "Support", "Other")


def organisation(units: int) -> list[int]:
    """Root 0, divisions (one per 8 units) under it, teams spread over the divisions."""
    divisions = max(1, units // 8)
    parents = [-1] + [0] * divisions
    parents += [1 + (t % divisions) for t in range(units - 1 - divisions)]
    return parents


def one(units: int, per_unit: int, seed: int = 10) -> None:
    instrument = find_instrument("echo-culture-v1")
    rng = np.random.default_rng(seed)
    parents = organisation(units)
    respondents = units * per_unit
    above = set(parents)
    teams = [u for u in range(units) if u not in above]
    unit_index = rng.choice(teams, size=respondents)
    low, high = instrument.response_scale.min, instrument.response_scale.max
    size = (respondents, len(instrument.item_ids))
    answers = rng.integers(low, high + 1, size=size).astype(float)
    answers[rng.random(size) < 0.04] = np.nan  # 4% of items skipped
    codes = rng.integers(0, len(OPTIONS), size=respondents).tolist()
    given = (rng.random(respondents) < 0.9).tolist()
    background = [OPTIONS[c] if g else None for c, g in zip(codes, given, strict=True)]
    started = time.perf_counter()
    figures = unit_figures(instrument, answers, unit_index, [str(u) for u in range(units)], parents)
    shown, cells = suppress_units_and_scales(
        parents, figures.own_n.tolist(), figures.own_scale_n.T.tolist(), 5
    )
    means = [
        {
            scale.id: float(figures.scale_mean[u, s]) if cells[u][s] else None
            for s, scale in enumerate(instrument.scales)
        }
        for u in range(units)
    ]
    units_s = time.perf_counter() - started
    started = time.perf_counter()
    table = cut_table(
        instrument, answers, unit_index, parents, background, OPTIONS, shown, means, 5
    )
    split_s = time.perf_counter() - started
    if table is None:
        print(f"   {units:>5} units: no split (over {MAX_CUT_ATOMS} groups)")
        return
    root = [row.n for row in table[0]]
    every = [row for rows in table.values() for row in rows]
    print(
        f"   {units:>5} units, {respondents:>6,} responses: split {split_s:6.2f} s "
        f"(unit figures {units_s:.2f} s); whole organisation {root}; "
        f"{sum(r.n is not None for r in every)} of {len(every)} cells shown"
    )


def run() -> None:
    print(f"   MAX_CUT_ATOMS = {MAX_CUT_ATOMS}")
    for per_unit, label in ((62, "teams of about 70"), (8, "teams of about 9")):
        print(f"   {label}:")
        for units in SIZES:
            one(units, per_unit)


if __name__ == "__main__":
    run()
