"""The inquiry library: reading and checking the shipped codebook and cases, and drawing a
case's timeline.

The pages read the shipped files once per process (echoorg.core.library.shipped.library,
cached), so the cold read is paid by the first request after a start; every request
then computes the case figures and, on a case page, draws the SVG timeline. Figures are
wall time in this process, median and p95 over ECHOORG_BENCH_REQUESTS runs (default 200).
No target is set by the issue; these are the figures to watch as the library grows.
"""

from __future__ import annotations

import os
import statistics
import time

REQUESTS = int(os.environ.get("ECHOORG_BENCH_REQUESTS", "200"))


def _time(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def run() -> None:
    from echoorg.core.library import shipped
    from echoorg.core.library.figures import case_figures
    from echoorg.library.charts import timeline_svg

    def cold_read():
        shipped.library.cache_clear()
        shipped.library()

    median, p95 = _time(cold_read, max(10, REQUESTS // 10))
    lib = shipped.library()
    events = sum(len(c.events) for c in lib.cases)
    print(
        f"   read and check the codebook ({len(lib.codebook.codes)} codes) and "
        f"{len(lib.cases)} cases ({events} events): median {median:.1f} ms, p95 {p95:.1f} ms"
    )
    median, p95 = _time(lambda: [case_figures(c) for c in lib.cases], REQUESTS)
    print(f"   figures of every case: median {median:.2f} ms, p95 {p95:.2f} ms")
    largest = max(lib.cases, key=lambda c: len(c.events))
    figures = case_figures(largest)
    median, p95 = _time(lambda: timeline_svg(largest, figures), REQUESTS)
    print(
        f"   timeline SVG of {largest.id} ({len(largest.events)} events): "
        f"median {median:.2f} ms, p95 {p95:.2f} ms"
    )
