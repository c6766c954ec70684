"""Survey results of a large closed wave: closing it, then its pages, stored figures
against today's path.

Target (issue 9): a closed wave of 100,000 responses in a 1,500-unit tree renders the
whole-organisation results page (with the all-units heatmap) with p95 under 150 ms at 4
concurrent users, and closing the wave (packing the answers, computing and storing every
figure) takes under 30 s.

The organisation: one root, 24 divisions and teams below them, 1,500 units in all; a wave
of 100,000 responses (answers drawn per team around a climate, as the demo's simulation
does, vectorised here; 4% of items skipped; background answers for nine in ten; a comment
from one in a hundred) and an earlier wave of a fifth of that size for the trends page.
The responses are inserted with bulk_create, then the wave is closed through
`services.close_wave`, which is timed.

Pages, through Django's test client (middleware, templates and navigation included): the
whole-organisation results page, a division's page, the unit figures CSV and the trends
page. Each is timed for one user, then with 4 concurrent users, each a separate process
with its own client and database connection (as a server's workers are; SQLite in a
temporary folder, or DATABASE_URL for PostgreSQL). Each process starts with nothing in
memory, so the first reading of the stored figures is in the figures.

"Today's path" is the same pages with the figures computed from the `Response` rows on
every request (one Python dict per answer, `results.load_wave`, as before figures were
stored, with no cache) and the heatmap rendered by the template loop the page used; fewer
requests are made on that path, it takes seconds each.

Sizes: ECHOORG_BENCH_RESPONSES (100000), ECHOORG_BENCH_UNITS (1500),
ECHOORG_BENCH_REQUESTS (30 per user), ECHOORG_BENCH_TODAY_REQUESTS (2 per user; on today's
path only the whole-organisation page is also measured with 4 users).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

RESPONSES = int(os.environ.get("ECHOORG_BENCH_RESPONSES", "100000"))
UNITS = int(os.environ.get("ECHOORG_BENCH_UNITS", "1500"))
REQUESTS = int(os.environ.get("ECHOORG_BENCH_REQUESTS", "30"))
TODAY_REQUESTS = int(os.environ.get("ECHOORG_BENCH_TODAY_REQUESTS", "2"))
USERS = 4
TARGET_MS = 150
CLOSE_TARGET_S = 30

# The heatmap's rows as the results template wrote them before they were built in code
# (results.heatmap_rows_html), for today's path.
TEMPLATE_HEATMAP = """{% for row in heat_rows %}
    <tr><th scope="row" class="depth-{{ row.result.depth }}"><a href="?unit={{ row.result.unit.pk }}">{{ row.result.unit.name }}</a></th>
      {% for c in row.cells %}<td class="num {{ c.css }}">{% if c.value is None %}–{% else %}{{ c.value|floatformat:2 }}{% endif %}</td>{% endfor %}
      <td>{{ row.result.profile.pattern|default:"–" }}</td></tr>
    {% endfor %}"""  # noqa: E501


def _setup(folder: Path) -> None:
    os.environ["ECHOORG_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echoorg.web.settings")
    from echoorg.web.data_folder import prepare

    prepare()  # the secrets the settings read, generated into the temporary folder
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    logging.getLogger("echoorg.requests").setLevel(logging.WARNING)


def _organisation():
    from echoorg.accounts.models import User
    from echoorg.core.text import name_key
    from echoorg.orgs.models import Membership, Organisation, Unit

    def unit(name: str, parent) -> Unit:  # bulk_create does not run save(), which keys names
        return Unit(organisation=org, name=name, name_key=name_key(name), parent=parent)

    org = Organisation.objects.create(slug="bench", name="Bench Council")
    root = Unit.objects.create(organisation=org, name="Council")
    divisions = Unit.objects.bulk_create([unit(f"Division {d:02}", root) for d in range(24)])
    Unit.objects.bulk_create(
        [
            unit(f"Team {t:04}", divisions[t % len(divisions)])
            for t in range(UNITS - 1 - len(divisions))
        ],
        batch_size=500,
    )
    viewer = User.objects.create_user("facilitator@example.org", "x" * 20, full_name="Facil")
    Membership.objects.create(
        user=viewer, organisation=org, roles=["facilitator"], name="Facilitator", unit=root
    )
    return org, viewer, divisions[0]


def _wave(org, viewer, title: str, n: int, seed: int, opens: dt.date):
    """An open wave with `n` responses inserted in bulk (rows in a random order)."""
    import numpy as np

    from echoorg.core.diagnostic.instrument import shipped_instruments
    from echoorg.diagnostic.models import Response, SurveyWave
    from echoorg.orgs.models import Unit

    yaml_text = shipped_instruments()["echo-culture-v1"].read_text(encoding="utf-8")
    wave = SurveyWave.objects.create(
        organisation=org,
        title=title,
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=yaml_text,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=28),
        collection=SurveyWave.IMPORT,
        status=SurveyWave.OPEN,
    )
    instrument = wave.instrument
    low, high = instrument.response_scale.min, instrument.response_scale.max
    teams = list(
        Unit.objects.filter(organisation=org, name__startswith="Team").values_list("pk", flat=True)
    )
    rng = np.random.default_rng(seed)
    scale_of = {s.id: i for i, s in enumerate(instrument.scales)}
    team_level = rng.normal(3.0, 0.5, size=(len(teams), len(scale_of)))
    unit_of = rng.integers(0, len(teams), size=n)
    leaders = rng.random(n) < 0.08
    level = team_level[unit_of] + rng.normal(0, 0.5, size=(n, len(scale_of)))
    items = instrument.items
    columns = np.array([scale_of[i.scale] for i in items])
    values = np.clip(np.rint(level[:, columns] + rng.normal(0, 0.6, (n, len(items)))), low, high)
    reverse = np.array([i.reverse for i in items])
    values[:, reverse] = low + high - values[:, reverse]
    skipped = rng.random((n, len(items))) < 0.04
    audience_items = {
        audience: {i.id for i in instrument.items_for(audience)}
        for audience in ("staff", "leaders")
    }
    item_ids = [i.id for i in items]
    questions = instrument.demographics
    rows = []
    for r in range(n):
        audience = "leaders" if leaders[r] else "staff"
        mine = audience_items[audience]
        line, skip = values[r].tolist(), skipped[r].tolist()
        answers = {
            item: int(v)
            for item, v, s in zip(item_ids, line, skip, strict=True)
            if item in mine and not s
        }
        demographics = {
            q.id: q.options[(r + k) % len(q.options)]
            for k, q in enumerate(questions)
            if (r + k) % 10
        }
        rows.append(
            Response(
                wave=wave,
                unit_id=teams[unit_of[r]],
                audience=audience,
                answers=answers,
                demographics=demographics,
                comment="A comment written for the benchmark." if r % 100 == 0 else "",
                source=Response.IMPORT,
            )
        )
    Response.objects.bulk_create(rows, batch_size=2000)
    return wave


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _use_todays_path() -> None:
    """Make the readers compute from the Response rows on every request, as before."""
    from django.template import Context, Engine

    from echoorg.diagnostic import results
    from echoorg.diagnostic.views import results as views

    engine = Engine.get_default()
    heatmap = engine.from_string(TEMPLATE_HEATMAP)

    class Recomputed(results.StoredFigures):
        """Splits and reliability computed when a page asks for them, as before."""

        def cut(self, demographic_id):
            return results.compute_cut_table(self.wave, self.data, demographic_id, self.results)

        @property
        def reliability(self):
            return results.scale_reliability(self.data.instrument, self.data.answers)

    def recompute(wave):
        data = results.load_wave(wave)
        found = Recomputed("", results._compute(wave, data), "")
        found.wave, found.data = wave, data
        rows = views._scale_rows(wave, found.results, wave.instrument.scales)
        found.heatmap = heatmap.render(Context({"heat_rows": rows}))
        return found

    results.stored_figures = recompute


def _worker(args) -> list[float]:
    """One user: its own client (and, in a separate process, its own connection)."""
    user_id, url, query, requests, today = args
    from django.db import connections
    from django.test import Client

    from echoorg.accounts.models import User
    from echoorg.diagnostic import results
    from echoorg.diagnostic.results import forget_stored_figures

    connections.close_all()
    forget_stored_figures()
    # Pool processes are reused: put the stored-figures reader back before each run.
    if not hasattr(results, "bench_original_reader"):
        results.bench_original_reader = results.stored_figures
    results.stored_figures = results.bench_original_reader
    if today:
        _use_todays_path()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=user_id))
    took = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, query or {})
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    connections.close_all()
    return took


def _measure(pool, viewer, url, query, requests: int, today: bool):
    single = _worker((viewer.pk, url, query, requests, today))
    concurrent = [
        t
        for took in pool.map(_worker, [(viewer.pk, url, query, requests, today)] * USERS)
        for t in took
    ]
    return single, concurrent


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from django.db import connection, connections
        from django.test import Client
        from django.urls import reverse

        from echoorg.diagnostic import services
        from echoorg.diagnostic.models import WaveFigures

        started = time.perf_counter()
        org, viewer, division = _organisation()
        earlier = _wave(org, viewer, "Spring wave", max(RESPONSES // 5, 1), 1, dt.date(2026, 3, 1))
        wave = _wave(org, viewer, "Autumn wave", RESPONSES, 2, dt.date(2026, 9, 1))
        print(
            f"   data: {UNITS:,} units, waves of {RESPONSES:,} and {RESPONSES // 5:,} "
            f"responses inserted in {time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        services.close_wave(None, earlier)
        started = time.perf_counter()
        services.close_wave(None, wave)
        close_s = time.perf_counter() - started
        stored = WaveFigures.objects.get(wave=wave)
        size = len(stored.answers) + len(stored.unit_index) + len(stored.background)
        print(
            f"   closing the wave of {RESPONSES:,} responses (packing, figures, cuts, "
            f"reliability, heatmap, stored): {close_s:.1f} s, target under {CLOSE_TARGET_S} s: "
            + ("met" if close_s < CLOSE_TARGET_S else "MISSED")
            + f"; packed arrays {size / 1e6:.1f} MB"
        )
        kwargs = {"slug": org.slug, "wave_id": wave.pk}
        pages = [
            ("whole organisation", reverse("wave_results", kwargs=kwargs), None),
            ("a division", reverse("wave_results", kwargs=kwargs), {"unit": division.pk}),
            (
                "unit figures CSV",
                reverse("wave_results_export", kwargs={**kwargs, "fmt": "csv"}),
                None,
            ),
            ("trends", reverse("trends", kwargs={"slug": org.slug}), None),
        ]
        client = Client(HTTP_HOST="localhost")
        client.force_login(viewer)
        connections.close_all()
        context = multiprocessing.get_context("fork")
        print(
            f"   {'page':<20} {'stored figures: 1 user':>26} {'4 users':>22}   "
            f"{'today: 1 user':>24} {'4 users':>22}  queries"
        )
        verdict = None
        with context.Pool(USERS) as pool:
            for name, url, query in pages:
                single, concurrent = _measure(pool, viewer, url, query, REQUESTS, False)
                queries = [0]

                def count(execute, sql, params, many, context, queries=queries):
                    queries[0] += 1
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    client.get(url, query or {})
                if name == "whole organisation":
                    old_single, old_concurrent = _measure(
                        pool, viewer, url, query, TODAY_REQUESTS, True
                    )
                else:  # today's path takes seconds a request: one user only
                    old_single = _worker((viewer.pk, url, query, TODAY_REQUESTS, True))
                    old_concurrent = []
                connections.close_all()
                print(
                    f"   {name:<20} "
                    + "  ".join(
                        f"p50 {statistics.median(t):7.1f} p95 {_p95(t):7.1f}" if t else f"{'':>23}"
                        for t in (single, concurrent, old_single, old_concurrent)
                    )
                    + f"  {queries[0]:>4}"
                )
                if name == "whole organisation":
                    verdict = _p95(concurrent)
        print(
            f"   (ms; {REQUESTS} requests per user on stored figures, {TODAY_REQUESTS} on "
            f"today's path, 4 users on it for the whole-organisation page only; each of the "
            f"{USERS} concurrent users a process of its own; load average at the end "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(
            f"   whole-organisation page p95 at {USERS} users {verdict:.1f} ms, target under "
            f"{TARGET_MS} ms: " + ("met" if verdict < TARGET_MS else "MISSED")
        )


if __name__ == "__main__":
    run()
