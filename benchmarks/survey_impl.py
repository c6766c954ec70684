"""The two implementations compared by bench_survey_score: echoorg's and plain pandas.

Each runs in its own process (so peak memory is its own) through `python -m
benchmarks.survey_impl echoorg|pandas RESPONSES UNITS OUT`, and prints one JSON line with
its wall time and peak resident memory.
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
    out.mkdir(parents=True, exist_ok=True)
    if which == "echoorg":
        import echoorg.core.diagnostic.report  # noqa: F401
    else:
        import pandas  # noqa: F401
    import scipy.optimize  # noqa: F401  (omega, in both)

    started = time.perf_counter()
    (run_echoorg if which == "echoorg" else run_pandas)(responses, units, out)
    seconds = time.perf_counter() - started
    peak_mb = peak_resident_mb()
    print(json.dumps({"implementation": which, "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
