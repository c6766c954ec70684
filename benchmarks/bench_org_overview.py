"""The organisation overview (its landing page) with 50,000 members in a 1,516-unit tree.

Target (issue 9): the overview under 50 ms p95 for 50,000 members, for a facilitator and a
leader (both see the count of people per role); a staff member's view is shown beside
them. Members are spread over the teams of a four-level tree (trust, 15 directorates,
150 services, 1,350 teams) with the roles an organisation of that size has: mostly staff,
one in twenty a leader, and a few facilitators, guardians, board members, mentors and
researchers, some holding two roles. Figures are wall time of the whole request through
Django's test client (middleware, navigation and template included), one user, on a
fresh SQLite database in a temporary folder (set DATABASE_URL to measure PostgreSQL
instead). Set ECHOORG_BENCH_MEMBERS for another size.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

MEMBERS = int(os.environ.get("ECHOORG_BENCH_MEMBERS", "50000"))
REQUESTS = int(os.environ.get("ECHOORG_BENCH_REQUESTS", "50"))
TARGET_MS = 50


def _setup(folder: Path) -> None:
    """Django on a fresh database in `folder`, set up as the `echoorg` command does."""
    os.environ["ECHOORG_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echoorg.web.settings")
    from echoorg.web.data_folder import prepare

    prepare()  # the data folder's secrets, generated as `echoorg migrate` would
    import django

    django.setup()
    from django.core import signals
    from django.core.management import call_command
    from django.db import close_old_connections

    call_command("migrate", verbosity=0, interactive=False)
    # As in Django's tests: one connection for the run, so its queries can be counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    logging.getLogger("echoorg.requests").setLevel(logging.WARNING)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _roles(n: int) -> list[str]:
    """The roles of the n-th member: the mix of a large organisation."""
    if n % 5000 == 1:
        return ["facilitator"]
    if n % 2000 == 2:
        return ["guardian", "staff"]
    if n % 2500 == 3:
        return ["board"]
    if n % 1000 == 4:
        return ["researcher", "staff"]
    if n % 500 == 5:
        return ["mentor", "leader"]
    if n % 20 == 6:
        return ["leader"]
    return ["staff"]


def _organisation():
    from echoorg.accounts.models import User
    from echoorg.core.text import name_key
    from echoorg.orgs.models import Membership, Organisation, Unit

    started = time.perf_counter()
    org = Organisation.objects.create(slug="bench", name="Bench Trust")

    def unit(name: str, parent: Unit | None) -> Unit:
        # bulk_create skips Unit.save(), which writes the name's comparison key
        return Unit(organisation=org, name=name, name_key=name_key(name), parent=parent)

    root = Unit.objects.create(organisation=org, name="Trust")
    directorates = Unit.objects.bulk_create(unit(f"Directorate {d}", root) for d in range(15))
    services = Unit.objects.bulk_create(
        unit(f"Service {d}-{s}", directorate)
        for d, directorate in enumerate(directorates)
        for s in range(10)
    )
    teams = Unit.objects.bulk_create(
        unit(f"Team {s}-{t}", service) for s, service in enumerate(services) for t in range(9)
    )
    users = User.objects.bulk_create(
        (User(email=f"member{n}@example.org", full_name=f"Member {n}") for n in range(MEMBERS)),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(
                user=user,
                organisation=org,
                unit=teams[n % len(teams)],
                name=user.full_name,
                roles=_roles(n),
            )
            for n, user in enumerate(users)
        ),
        batch_size=5000,
    )
    units = 1 + len(directorates) + len(services) + len(teams)
    print(
        f"   data: {MEMBERS:,} members in {units:,} units made in "
        f"{time.perf_counter() - started:.1f} s"
    )
    by_role = {role: sum(1 for n in range(MEMBERS) if role in _roles(n)) for role in _ROLE_KEYS}
    return org, {role: users[_first(role)] for role in ("facilitator", "leader", "staff")}, by_role


_ROLE_KEYS = ("facilitator", "leader", "staff", "guardian", "mentor", "researcher", "board")


def _first(role: str) -> int:
    return next(n for n in range(MEMBERS) if _roles(n) == [role])


def _time(client, url: str) -> tuple[list[float], list[float], int, str]:
    """Wall and CPU milliseconds of each request (CPU: this process's, SQLite's work
    included; on a shared machine it shows what the wall time would be without the
    others), the number of queries and the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu = [], []
    queries, page = 0, ""
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, page = len(captured), response.content.decode()
    return wall, cpu, queries, page


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from django.test import Client
        from django.urls import reverse

        from echoorg.core.roles import ROLES

        org, people, by_role = _organisation()
        url = reverse("organisation", kwargs={"slug": org.slug})
        verdicts = []
        for who in ("facilitator", "leader", "staff"):
            client = Client(HTTP_HOST="localhost")
            client.force_login(people[who])
            took, cpu, queries, page = _time(client, url)
            p95 = _p95(took)
            shows_counts = all(
                f'<th scope="row">{ROLES[role]}</th><td class="num">{count}</td>' in page
                for role, count in by_role.items()
            )
            print(
                f"   overview as a {who:<11} median {statistics.median(took):6.1f} ms, "
                f"p95 {p95:6.1f} ms (CPU median {statistics.median(cpu):5.1f} ms, p95 "
                f"{_p95(cpu):5.1f} ms), {queries:>2} queries"
                + (", people by role shown and right" if shows_counts else "")
            )
            if who != "staff":
                assert shows_counts, f"the {who} does not see the right count per role"
                verdicts.append(p95 < TARGET_MS)
        print(
            f"   (load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(
            f"   (each view requested {REQUESTS} times by one user; target p95 under "
            f"{TARGET_MS} ms for the facilitator and the leader: "
            + ("met" if all(verdicts) else f"MISSED on {verdicts.count(False)} of 2")
            + ")"
        )
