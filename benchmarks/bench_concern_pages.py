"""Speak-up pages with 10,000 cases: the guardian's queue, the statistics and the return.

Target (issue 9): the guardian queue, the concerns statistics and the quarterly return
each under 150 ms p95 with 10,000 cases; `GET /api/organisations/{slug}/concerns` paged,
with a fixed number of queries. The cases are the demo's simulated ones (two years of
cases over 60 teams), imported through the ordinary import. Figures are wall time of the
whole request through Django's test client (middleware, templates and the navigation
included), single user, on a fresh SQLite database in a temporary folder (set
DATABASE_URL to measure PostgreSQL instead). Set ECHOORG_BENCH_CASES for another size.

Side by side: the path before the stored clock figures (issue 9), which read every case
with its steps and ran `core.concerns.clocks.review_case` on each for every request (the
queue sorted all of them in Python; the statistics and the return built a `CaseSummary`
per case from the fresh review). The old path is timed as its computation only (what it
did before rendering), so it is a lower bound of what those pages took.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

CASES = int(os.environ.get("ECHOORG_BENCH_CASES", "10000"))
REQUESTS = int(os.environ.get("ECHOORG_BENCH_REQUESTS", "30"))
TARGET_MS = 150


def _setup(folder: Path) -> None:
    os.environ["ECHOORG_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echoorg.web.settings")
    # As `echoorg` does before Django starts: the data folder and its secrets.
    from echoorg.web.data_folder import prepare

    prepare()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # As in Django's tests: one connection for the run, so its queries can be counted.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    logging.getLogger("echoorg.requests").setLevel(logging.WARNING)


def _organisation():
    from django.utils import timezone

    from echoorg.accounts.models import User
    from echoorg.concerns.importing import import_cases
    from echoorg.concerns.models import Concern
    from echoorg.core.concerns.simulate import simulate_cases
    from echoorg.orgs.models import Membership, Organisation, Unit

    org = Organisation.objects.create(slug="bench", name="Bench Trust")
    root = Unit.objects.create(organisation=org, name="Trust")
    teams = []
    for d in range(6):
        division = Unit.objects.create(organisation=org, name=f"Division {d}", parent=root)
        teams += [
            Unit.objects.create(organisation=org, name=f"Team {d}-{t}", parent=division)
            for t in range(10)
        ]
    leaders = []
    for n in range(12):
        user = User.objects.create_user(f"leader{n}@example.org", "x" * 20, full_name=f"Leader {n}")
        Membership.objects.create(
            user=user, organisation=org, roles=["leader"], name=user.full_name
        )
        leaders.append(user.email)
    guardian = User.objects.create_user("guardian@example.org", "x" * 20, full_name="Guardian")
    Membership.objects.create(
        user=guardian, organisation=org, roles=["guardian", "board"], name="Guardian"
    )
    cases = simulate_cases([t.name for t in teams], leaders, 9, timezone.localdate(), n=CASES)
    for case in cases:
        case["summary"] = "A concern written at some length. " * 30
    started = time.perf_counter()
    import_cases(
        None, org, "bench.json", json.dumps(cases).encode(), source=Concern.IMPORT, prefix="B-"
    )
    print(
        f"   data: {CASES:,} cases with "
        f"{sum(len(c['events']) for c in cases):,} events imported in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return org, guardian


def _time(client, url: str, query: dict | None = None) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    took = []
    size = queries = 0
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, query or {})
            took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size, queries = len(response.content), len(captured)
    return took, size, queries


def _old_queue(org) -> list[dict]:
    """The queue as it was computed before the stored figures: every case with its steps,
    reviewed and sorted in Python."""
    import datetime as dt

    from echoorg.concerns import services
    from echoorg.core.concerns.clocks import is_closed

    today = services.today_for(org)
    policy = services.read_policy(org).as_core()
    rows = []
    for concern, case in services.with_steps(services.listed_concerns(org)):
        found = services.review(concern, today, policy, case)
        upcoming = found.next_clock
        if not found.out_of_range and upcoming is None and is_closed(case):
            continue
        label, due = upcoming if upcoming else ("No clock running", None)
        rows.append({"concern": concern, "clock": label, "due": due, "oor": found.out_of_range})
    far = dt.date.max
    return sorted(rows, key=lambda r: (not r["oor"], r["due"] or far, r["concern"].received_on))


def _old_summaries(org, received_between=None) -> list:
    """`insights.summaries` before the stored figures: a fresh review of every case."""
    from echoorg.concerns import services
    from echoorg.core.concerns.metrics import CaseSummary

    policy = services.read_policy(org).as_core()
    today = services.today_for(org)
    chosen = services.listed_concerns(org).select_related("unit", "responsible_leader")
    if received_between is not None:
        chosen = chosen.filter(received_on__range=received_between)
    return [
        CaseSummary(
            unit=concern.unit.name if concern.unit_id else None,
            leader=concern.responsible_leader.display_name
            if concern.responsible_leader_id
            else None,
            category=concern.category,
            anonymous=concern.mode == "anonymous",
            received=concern.received_on,
            analysis=services.review(concern, today, policy, case).analysis,
            detriment_reported=any(e.type == "detriment_reported" for e in case.events),
            would_speak_up_again=concern.would_speak_up_again or None,
        )
        for concern, case in services.with_steps(chosen)
    ]


def _old_statistics(org, by: str) -> None:
    from echoorg.core.concerns.metrics import group_stats, protect_across

    cases = [c for c in _old_summaries(org) if not c.analysis.get("date_out_of_range")]
    key = (lambda c: c.unit) if by == "unit" else (lambda c: c.leader)
    groups = group_stats(cases, key, k=5)
    overall = group_stats(cases, lambda c: "Whole organisation", k=5)[0]
    members: dict = {}
    for case in cases:
        members.setdefault(key(case), []).append(case)
    protect_across(groups, overall, members, 5)


def _old_return(org) -> None:
    from echoorg.concerns import services
    from echoorg.core.concerns.metrics import current_quarter, quarter_dates, quarterly_return

    year, quarter = current_quarter(services.today_for(org))
    cases = _old_summaries(org, quarter_dates(year, quarter))
    quarterly_return(cases, year, quarter, k=5)


def _time_old(compute, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        compute()
        took.append((time.perf_counter() - started) * 1000)
    return took


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from django.test import Client
        from django.urls import reverse

        from echoorg.accounts.models import ApiToken

        org, guardian = _organisation()
        client = Client(HTTP_HOST="localhost")
        client.force_login(guardian)
        _, token = ApiToken.issue(guardian, "bench")
        api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
        slug = {"slug": org.slug}
        pages = [
            ("guardian queue", client, reverse("concerns", kwargs=slug), None),
            ("statistics by unit", client, reverse("concern_insights", kwargs=slug), None),
            (
                "statistics by leader",
                client,
                reverse("concern_insights", kwargs=slug),
                {"by": "leader"},
            ),
            ("quarterly return", client, reverse("concern_return", kwargs=slug), None),
            (
                "quarterly return CSV",
                client,
                reverse("concern_return", kwargs=slug),
                {"format": "csv"},
            ),
            ("API concerns list", api, f"/api/organisations/{org.slug}/concerns", None),
            ("API statistics", api, f"/api/organisations/{org.slug}/concerns-statistics", None),
        ]
        old_paths = {
            "guardian queue": lambda: _old_queue(org),
            "statistics by unit": lambda: _old_statistics(org, "unit"),
            "statistics by leader": lambda: _old_statistics(org, "leader"),
            "quarterly return": lambda: _old_return(org),
            "quarterly return CSV": lambda: _old_return(org),
        }
        old_runs = max(3, REQUESTS // 6)
        print(
            f"   {'page':<22} {'now: median':>12} {'p95':>9} {'queries':>8} {'size':>10}"
            f"   {'before (compute only): median':>30} {'p95':>9}"
        )
        verdicts = []
        for name, who, url, query in pages:
            took, size, queries = _time(who, url, query)
            p95 = _p95(took)
            line = (
                f"   {name:<22} {statistics.median(took):9.1f} ms {p95:6.1f} ms {queries:>8}"
                f" {size / 1000:7.1f} kB  first {took[0]:7.1f} ms"
            )
            if name in old_paths:
                before = _time_old(old_paths[name], old_runs)
                line += (
                    f"   {statistics.median(before):27.1f} ms {_p95(before):6.1f} ms"
                    f"   {'met' if p95 < TARGET_MS else 'MISSED'}"
                )
            print(line)
            if not name.startswith("API"):
                verdicts.append(p95 < TARGET_MS)
        # The guardian's navigation badge: one count over the stored figures.
        from echoorg.concerns.navigation import overdue_count

        badge = _time_old(lambda: overdue_count(org), REQUESTS)
        print(f"   navigation badge       {statistics.median(badge):9.1f} ms {_p95(badge):6.1f} ms")
        print(
            "   (first: the first request, which computes the statistics and the return that "
            "later requests read from the cache until the stored figures change)"
        )
        print(
            f"   (each page requested {REQUESTS} times by one user, the old path computed "
            f"{old_runs} times; target p95 under {TARGET_MS} ms for the pages: "
            + ("met" if all(verdicts) else f"MISSED on {verdicts.count(False)}")
            + ")"
        )
