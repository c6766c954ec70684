"""The implementations compared by bench_survey_score: echoorg's, plain pandas and polars.

Each runs in its own process (so peak memory is its own) through `python -m
benchmarks.survey_impl echoorg|pandas|polars RESPONSES UNITS OUT [--whole-process]`, and
prints one JSON line with its wall time and peak resident memory. All three write the same
two files, units.csv and reliability.csv, so their figures can be compared.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from echoorg.core.diagnostic.anonymity import suppress_hierarchy
from echoorg.core.diagnostic.instrument import find_instrument

K = 5  # imports stay outside the timed work of either implementation: each one's own
# modules are imported in main() before the clock starts


def run_echoorg(responses: Path, units: Path, out: Path) -> None:
    from echoorg.core.diagnostic.report import score_files

    score_files(find_instrument("echo-culture-v1"), responses, units, K, out)


def run_pandas(responses: Path, units: Path, out: Path) -> None:
    """The straightforward way: read_csv, vectorised per scale, groupby, a loop up the tree."""
    import pandas as pd

    from echoorg.core.diagnostic.psychometrics import omega_total

    instrument = find_instrument("echo-culture-v1")
    low, high = instrument.response_scale.min, instrument.response_scale.max
    frame = pd.read_csv(responses, dtype={"respondent": str, "unit": str})
    tree = pd.read_csv(units, dtype=str, keep_default_na=False)
    for item in instrument.items:
        if item.reverse:
            frame[item.id] = low + high - frame[item.id]
    answered = frame[list(instrument.item_ids)].notna().any(axis=1)
    scores = pd.DataFrame(index=frame.index)
    for scale in instrument.scales:
        ids = [i.id for i in instrument.items_of(scale.id)]
        block = frame[ids]
        enough = block.notna().sum(axis=1) * 2 >= len(ids)
        scores[scale.id] = block.mean(axis=1).where(enough)
    scores["unit"] = frame["unit"]
    scores["answered"] = answered
    names = list(tree["unit"])
    parent_of = dict(zip(tree["unit"], tree["parent"], strict=True))
    own_n = scores[scores["answered"]].groupby("unit").size()
    sums = scores.groupby("unit")[[s.id for s in instrument.scales]].sum()
    counts = scores.groupby("unit")[[s.id for s in instrument.scales]].count()
    index = {name: i for i, name in enumerate(names)}
    parents = [index[parent_of[n]] if parent_of[n] else -1 for n in names]
    subtree_n = {n: int(own_n.get(n, 0)) for n in names}
    subtree_sum = {
        n: sums.loc[n].copy() if n in sums.index else pd.Series(0.0, sums.columns) for n in names
    }
    subtree_count = {
        n: counts.loc[n].copy() if n in counts.index else pd.Series(0, counts.columns)
        for n in names
    }
    depth = {}
    for n in names:
        d, node = 0, n
        while parent_of[node]:
            node, d = parent_of[node], d + 1
        depth[n] = d
    for n in sorted(names, key=lambda x: -depth[x]):
        p = parent_of[n]
        if p:
            subtree_n[p] += subtree_n[n]
            subtree_sum[p] = subtree_sum[p] + subtree_sum[n]
            subtree_count[p] = subtree_count[p] + subtree_count[n]
    shown = suppress_hierarchy(parents, [int(own_n.get(n, 0)) for n in names], K)
    rows = []
    for s in instrument.scales:
        own_scale = [int(counts.loc[n, s.id]) if n in counts.index else 0 for n in names]
        cells = suppress_hierarchy(parents, own_scale, K)
        for u, n in enumerate(names):
            rows.append((n, s.id, cells[u] and shown[u]))
    visible = {(n, s): v for n, s, v in rows}
    with open(out / "units.csv", "w") as handle:
        handle.write("unit,n,suppressed," + ",".join(s.id for s in instrument.scales) + "\n")
        for u, n in enumerate(names):
            cells = []
            for s in instrument.scales:
                count = subtree_count[n][s.id]
                ok = visible[(n, s.id)] and count > 0
                cells.append(repr(float(subtree_sum[n][s.id] / count)) if ok else "")
            handle.write(
                f"{n},{subtree_n[n]},{'false' if shown[u] else 'true'}," + ",".join(cells) + "\n"
            )
    with open(out / "reliability.csv", "w") as handle:
        handle.write("scale,n_items,n_complete,alpha,omega\n")
        for scale in instrument.scales:
            ids = [i.id for i in instrument.items_of(scale.id)]
            complete = frame[ids].dropna()
            k = len(ids)
            variances = complete.var(ddof=1)
            total = complete.sum(axis=1).var(ddof=1)
            alpha = k / (k - 1) * (1 - variances.sum() / total)
            omega = omega_total(complete.to_numpy(dtype=float))
            handle.write(f"{scale.id},{k},{len(complete)},{float(alpha)!r},{float(omega)!r}\n")


def run_polars(responses: Path, units: Path, out: Path) -> None:
    """The polars way: a lazy scan, scale means per respondent as horizontal expressions,
    one group-by for the unit sums and counts, the tree rolled up in NumPy, and the same
    suppression and reliability functions as the others."""
    import polars as pl

    from echoorg.core.diagnostic.psychometrics import omega_total

    instrument = find_instrument("echo-culture-v1")
    low, high = instrument.response_scale.min, instrument.response_scale.max
    items = list(instrument.item_ids)
    scales = [s.id for s in instrument.scales]
    ids_of = {s: [i.id for i in instrument.items_of(s)] for s in scales}
    schema = {"respondent": pl.String, "unit": pl.String} | {i: pl.Int64 for i in items}
    frame = pl.scan_csv(responses, schema_overrides=schema).with_columns(
        (low + high - pl.col(item.id)).alias(item.id) for item in instrument.items if item.reverse
    )
    per_respondent = frame.select(
        pl.col("unit"),
        pl.any_horizontal(pl.col(items).is_not_null()).alias("answered"),
        *(
            pl.when(pl.sum_horizontal(pl.col(ids_of[s]).is_not_null()) * 2 >= len(ids_of[s]))
            .then(pl.mean_horizontal(ids_of[s]))
            .alias(s)
            for s in scales
        ),
    )
    by_unit = per_respondent.group_by("unit").agg(
        pl.col("answered").sum().alias("own_n"),
        *(pl.col(s).sum().alias(f"sum_{s}") for s in scales),
        *(pl.col(s).count().alias(f"count_{s}") for s in scales),
    )
    # Reliability reads the reversed answers of each scale's complete rows.
    answers = frame.select(items)
    by_unit, answers = pl.collect_all([by_unit, answers])

    tree = pl.read_csv(units, schema={"unit": pl.String, "parent": pl.String})
    names = tree["unit"].to_list()
    index = {name: i for i, name in enumerate(names)}
    parents = [index[p] if p else -1 for p in tree["parent"].to_list()]
    rows = [index[name] for name in by_unit["unit"].to_list()]
    own_n = np.zeros(len(names), dtype=np.int64)
    own_n[rows] = by_unit["own_n"].to_numpy()
    sums = np.zeros((len(names), len(scales)))
    counts = np.zeros((len(names), len(scales)), dtype=np.int64)
    for column, s in enumerate(scales):
        sums[rows, column] = by_unit[f"sum_{s}"].fill_null(0).to_numpy()
        counts[rows, column] = by_unit[f"count_{s}"].to_numpy()
    subtree_n, subtree_sum, subtree_count = own_n.copy(), sums.copy(), counts.copy()
    depth = [0] * len(names)
    for u in range(len(names)):
        node = u
        while parents[node] >= 0:
            node, depth[u] = parents[node], depth[u] + 1
    for u in sorted(range(len(names)), key=lambda x: -depth[x]):
        if parents[u] >= 0:
            subtree_n[parents[u]] += subtree_n[u]
            subtree_sum[parents[u]] += subtree_sum[u]
            subtree_count[parents[u]] += subtree_count[u]
    shown = suppress_hierarchy(parents, own_n.tolist(), K)
    visible = [suppress_hierarchy(parents, counts[:, c].tolist(), K) for c in range(len(scales))]
    with open(out / "units.csv", "w") as handle:
        handle.write("unit,n,suppressed," + ",".join(scales) + "\n")
        for u, n in enumerate(names):
            cells = [
                repr(float(subtree_sum[u, c] / subtree_count[u, c]))
                if visible[c][u] and shown[u] and subtree_count[u, c] > 0
                else ""
                for c in range(len(scales))
            ]
            handle.write(
                f"{n},{subtree_n[u]},{'false' if shown[u] else 'true'}," + ",".join(cells) + "\n"
            )
    with open(out / "reliability.csv", "w") as handle:
        handle.write("scale,n_items,n_complete,alpha,omega\n")
        for s in scales:
            complete = answers.select(ids_of[s]).drop_nulls().to_numpy().astype(float)
            k = complete.shape[1]
            alpha = (
                k
                / (k - 1)
                * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
            )
            omega = omega_total(complete)
            handle.write(f"{s},{k},{len(complete)},{float(alpha)!r},{float(omega)!r}\n")


IMPLEMENTATIONS = {
    "echoorg": run_echoorg,
    "pandas": run_pandas,
    "polars": run_polars,
}


def peak_resident_mb() -> float:
    """This process's peak resident memory. On Linux, VmHWM of /proc/self/status: unlike
    ru_maxrss it starts afresh at exec, so it does not include the benchmark's own memory,
    which the child held for a moment between fork and exec."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    which, responses, units, out = (
        sys.argv[1],
        Path(sys.argv[2]),
        Path(sys.argv[3]),
        Path(sys.argv[4]),
    )
    whole_process = sys.argv[5:] == ["--whole-process"]
    out.mkdir(parents=True, exist_ok=True)
    if which == "echoorg":
        import echoorg.core.diagnostic.report  # noqa: F401
    elif which == "pandas":
        import pandas  # noqa: F401
    else:
        import polars  # noqa: F401
    if which == "polars" and whole_process:
        # Timed as a whole process, polars gets echoorg's trick: SciPy (for omega) loads
        # on another thread while the CSV is read, so the comparison is not won by it.
        from echoorg.core.diagnostic.psychometrics import import_optimiser_in_background

        import_optimiser_in_background()
    else:
        import scipy.optimize  # noqa: F401  (omega, in all three)

    started = time.perf_counter()
    IMPLEMENTATIONS[which](responses, units, out)
    seconds = time.perf_counter() - started
    peak_mb = peak_resident_mb()
    print(json.dumps({"implementation": which, "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
