"""The researcher's scoring run: responses and units in, unit figures and reliability out.

`score_files` is what `echoorg survey score` runs. It writes, into the output folder:

- units.csv: `unit,n,suppressed,<scale ids>` for every unit named in either file. `n` is
  the number of respondents in the unit's subtree with at least one answer; `suppressed`
  is true when the unit's figures are withheld (fewer than k respondents, or withheld so
  that no smaller group can be recovered by subtraction); then every scale cell is empty.
  A single scale cell is also empty when fewer than k respondents have a score on that
  scale, or when showing it would let such a group be recovered.
- reliability.csv: `scale,n_items,n_complete,alpha,omega` over all respondents.
- summary.json: counts, settings, timings and warnings.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from echoorg.core.spreadsheet import csv_cell, csv_row
from echoorg.core.units import UnitImportError, parse_units_csv

from .anonymity import suppress_units_and_scales
from .instrument import Instrument
from .psychometrics import scale_reliability
from .responses import ResponseFileError, RowProblem, read_responses_csv
from .scoring import unit_figures

MIN_K = 3


@dataclass
class ScoreSummary:
    instrument: str
    min_group: int
    respondents: int
    respondents_with_answers: int
    units: int
    units_suppressed: int
    scale_cells_suppressed: int
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_units_file(path: Path) -> list[tuple[str, str | None]]:
    """`unit,parent` rows, parents first; ResponseFileError naming rows on any problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResponseFileError([RowProblem(0, f"Cannot read {path}: {exc}")]) from None
    try:
        rows = parse_units_csv(text)
    except UnitImportError as exc:
        raise ResponseFileError(
            [RowProblem(p.line, f"{path.name}: {p.message}") for p in exc.problems]
        ) from None
    return [(r.unit, r.parent) for r in rows]


def score_files(
    instrument: Instrument,
    responses: Path,
    units: Path | None,
    k: int,
    out_dir: Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScoreSummary:
    """Score a responses file and write units.csv, reliability.csv and summary.json.

    `progress(stage, done, total)` is called while the file is read, with bytes read so
    far; reading is by far the longest stage.
    Raises ResponseFileError (with row numbers) for malformed input, before writing anything.
    """
    if k < MIN_K:
        raise ValueError(f"--min-group must be at least {MIN_K}, not {k}.")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    tree = read_units_file(units) if units is not None else []
    size = responses.stat().st_size if responses.is_file() else 0
    table = read_responses_csv(
        responses,
        instrument,
        progress=(lambda done: progress("reading", done, size)) if progress else None,
        accelerated=True,
    )
    timings["read"] = time.perf_counter() - started

    stage = time.perf_counter()
    warnings: list[str] = []
    names = [name for name, _ in tree]
    index = {name: i for i, name in enumerate(names)}
    parents = [index[p] if p is not None else -1 for _, p in tree]
    codes, found = table.unit_codes, table.unit_names
    extra = [name for name in found if name not in index]
    if extra:
        if units is not None:
            listed = ", ".join(extra[:5]) + (" …" if len(extra) > 5 else "")
            warnings.append(
                f"{len(extra)} unit(s) in the responses are not in the units "
                f"file and are treated as top-level units: {listed}"
            )
        for name in extra:
            index[name] = len(names)
            names.append(name)
            parents.append(-1)
    lookup = np.array([index[name] for name in found], dtype=np.int64)
    unit_of_respondent = lookup[codes] if len(codes) else codes
    if table.missing_items:
        warnings.append(
            "Items with no column in the responses file (treated as unanswered): "
            + ", ".join(table.missing_items)
        )
    # Reliability needs only the answers, so it runs on a second core meanwhile (NumPy
    # releases the interpreter lock in its loops).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(scale_reliability, instrument, table.coded)
        figures = unit_figures(instrument, table.coded, unit_of_respondent, names, parents)
        timings["score"] = time.perf_counter() - stage
        stage = time.perf_counter()
        reliability = pending.result()
        timings["reliability"] = time.perf_counter() - stage

    stage = time.perf_counter()
    shown, cells = suppress_units_and_scales(
        parents, figures.own_n.tolist(), figures.own_scale_n.T.tolist(), k
    )
    scale_visible = np.array(cells, dtype=bool).reshape(len(names), len(instrument.scales))
    timings["suppress"] = time.perf_counter() - stage

    stage = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "units.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "n", "suppressed", *[s.id for s in instrument.scales]])
        for u, name in enumerate(names):
            cells = []
            for s in range(len(instrument.scales)):
                value = figures.scale_mean[u, s]
                cells.append(
                    repr(float(value)) if scale_visible[u, s] and not math.isnan(value) else ""
                )
            writer.writerow(
                [csv_cell(name), int(figures.n[u]), "false" if shown[u] else "true", *cells]
            )
    with open(out_dir / "reliability.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["scale", "n_items", "n_complete", "alpha", "omega"])
        for r in reliability:
            writer.writerow(
                csv_row([r.scale, r.n_items, r.n_complete]) + [_number(r.alpha), _number(r.omega)]
            )
    timings["write"] = time.perf_counter() - stage
    timings["total"] = time.perf_counter() - started
    summary = ScoreSummary(
        instrument=instrument.key,
        min_group=k,
        respondents=len(table),
        respondents_with_answers=int(figures.own_n.sum()),
        units=len(names),
        units_suppressed=int(len(names) - sum(shown)),
        scale_cells_suppressed=int((~scale_visible[np.array(shown, dtype=bool)]).sum())
        if any(shown)
        else 0,
        seconds={key: round(value, 3) for key, value in timings.items()},
        warnings=warnings,
    )
    payload = {
        **summary.__dict__,
        "scales": [
            {"id": s.id, "name": s.name, "items": [i.id for i in instrument.items_of(s.id)]}
            for s in instrument.scales
        ],
        "rules": {
            "scale_score": "mean of answered items after reverse keying (min+max-x), when at "
            "least half of the scale's items are answered",
            "unit_n": "respondents in the unit's subtree with at least one answered item",
            "suppression": f"no figure for fewer than {k} respondents; complementary "
            "suppression so no withheld group can be recovered by subtraction",
        },
    }
    (out_dir / "summary.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return summary


def _number(value: float) -> str:
    return "" if value is None or math.isnan(value) else repr(float(value))
