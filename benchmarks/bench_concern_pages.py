"""Speak-up pages with 10,000 cases: the guardian's queue, the statistics and the return.

Target (issue 9): the guardian queue, the concerns statistics and the quarterly return
each under 150 ms p95 with 10,000 cases; `GET /api/organisations/{slug}/concerns` paged,
with a fixed number of queries. The cases are the demo's simulated ones (two years of
cases over 60 teams), imported through the ordinary import. Figures are wall time of the
whole request through Django's test client (middleware, templates and the navigation
included), single user, on a fresh SQLite database in a temporary folder (set
DATABASE_URL to measure PostgreSQL instead). Set ECHOORG_BENCH_CASES for another size.
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
        verdicts = []
        for name, who, url, query in pages:
            took, size, queries = _time(who, url, query)
            p95 = _p95(took)
            print(
                f"   {name:<22} median {statistics.median(took):7.1f} ms, p95 {p95:7.1f} ms,"
                f" {queries:>3} queries, {size / 1000:8.1f} kB"
            )
            if not name.startswith("API"):
                verdicts.append(p95 < TARGET_MS)
        print(
            f"   (each page requested {REQUESTS} times by one user; target p95 under "
            f"{TARGET_MS} ms for the pages: "
            + ("met" if all(verdicts) else f"MISSED on {verdicts.count(False)}")
            + ")"
        )
