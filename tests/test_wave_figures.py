"""A closed wave's figures are computed once, at close, and every reader takes the stored
figures: they equal a fresh computation, no reader touches the responses' answers after
close, older waves without stored figures still work, and the pages' queries do not grow
with the number of responses or units."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from echoorg.accounts.models import ApiToken
from echoorg.audit.models import AuditEntry
from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.diagnostic import results as results_module
from echoorg.diagnostic import services
from echoorg.diagnostic.models import Response, SurveyWave, WaveFigures
from echoorg.diagnostic.results import (
    compute_cut_table,
    compute_from_responses,
    forget_stored_figures,
    load_wave,
    wave_reliability,
    wave_results,
)
from echoorg.diagnostic.views.results import _scale_rows
from echoorg.orgs.models import Unit

YAML = shipped_instruments()["echo-culture-v1"].read_text()


def make_tree(org, units: int, seed: int) -> list[Unit]:
    """`units` units: a few top-level ones, each later unit under a random earlier one."""
    rng = random.Random(seed)
    made: list[Unit] = []
    for n in range(units):
        parent = rng.choice(made) if made and n >= 3 else None
        made.append(Unit.objects.create(organisation=org, name=f"Unit {n:04}", parent=parent))
    return made


def make_wave(org, units: list[Unit], responses: int, seed: int, title: str = "Wave"):
    """An open import wave with `responses` random rows (skipped items, both audiences,
    background answers given, missing or outside the options, some comments)."""
    wave = SurveyWave.objects.create(
        organisation=org,
        title=title,
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1) + dt.timedelta(days=seed),
        closes_on=dt.date(2099, 1, 1),
        status=SurveyWave.OPEN,
        collection=SurveyWave.IMPORT,
    )
    instrument = wave.instrument
    rng = random.Random(seed)
    low, high = instrument.response_scale.min, instrument.response_scale.max
    # A skewed spread over units, so some groups are small and suppressed.
    weights = [rng.choice((1, 1, 2, 8, 20)) for _ in units]
    rows = []
    for n in range(responses):
        audience = "leaders" if rng.random() < 0.15 else "staff"
        lean = rng.randint(low, high)
        answers = {
            item.id: min(high, max(low, lean + rng.choice((-1, 0, 0, 1))))
            for item in instrument.items_for(audience)
            if rng.random() > 0.1
        }
        demographics = {}
        for question in instrument.demographics:
            roll = rng.random()
            if roll < 0.75:
                demographics[question.id] = rng.choice(question.options)
            elif roll < 0.8:
                demographics[question.id] = "Something else"
        rows.append(
            Response(
                wave=wave,
                unit=rng.choices(units, weights)[0],
                audience=audience,
                answers=answers,
                demographics=demographics,
                comment=f"Comment {n}" if rng.random() < 0.3 else "",
                source=Response.IMPORT,
            )
        )
    Response.objects.bulk_create(rows)
    return wave


def close(wave, actor=None):
    services.close_wave(actor, wave)
    wave.refresh_from_db()
    return wave


def same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b


def assert_same_results(stored, fresh) -> None:
    assert [r.unit.pk for r in stored] == [r.unit.pk for r in fresh]
    for s, f in zip(stored, fresh, strict=True):
        assert (s.unit.name, s.unit.parent_id, s.depth, s.n, s.shown, s.comments_shown) == (
            f.unit.name,
            f.unit.parent_id,
            f.depth,
            f.n,
            f.shown,
            f.comments_shown,
        )
        assert s.scale_n == f.scale_n
        assert s.means.keys() == f.means.keys()
        # Means are sums in another row order: equal to the last bits or nearly.
        for key in s.means:
            if s.means[key] is None or f.means[key] is None:
                assert s.means[key] is f.means[key]
            else:
                assert s.means[key] == pytest.approx(f.means[key], abs=1e-12)
        assert (s.profile is None) == (f.profile is None)
        if s.profile:
            assert s.profile.pattern == f.profile.pattern
            assert s.profile.description == f.profile.description


@pytest.mark.parametrize(("units", "responses", "seed"), [(5, 60, 1), (12, 250, 2), (30, 400, 3)])
def test_figures_stored_at_close_equal_a_fresh_computation(org, units, responses, seed):
    tree = make_tree(org, units, seed)
    wave = close(make_wave(org, tree, responses, seed))
    stored = WaveFigures.objects.get(wave=wave)
    assert stored.rows == responses
    forget_stored_figures()
    figures = wave_results(wave)
    fresh = compute_from_responses(wave)
    assert_same_results(figures, fresh)
    data = load_wave(wave)
    for question in wave.instrument.demographics:
        kept = results_module.cut_table(wave, question.id, figures)
        again = compute_cut_table(wave, data, question.id, fresh)
        assert (kept is None) == (again is None)
        if kept is not None:
            assert kept.keys() == again.keys()
            for pk, rows in kept.items():
                assert [(r.value, r.n) for r in rows] == [(r.value, r.n) for r in again[pk]]
                for a, b in zip(rows, again[pk], strict=True):
                    assert a.means.keys() == b.means.keys()
                    for key in a.means:
                        assert (a.means[key] is None) == (b.means[key] is None)
                        if a.means[key] is not None:
                            assert a.means[key] == pytest.approx(b.means[key], abs=1e-12)
    from echoorg.core.diagnostic.psychometrics import scale_reliability

    kept = wave_reliability(wave)
    again = scale_reliability(data.instrument, data.answers)
    assert [(r.scale, r.n_items, r.n_complete) for r in kept] == [
        (r.scale, r.n_items, r.n_complete) for r in again
    ]
    for a, b in zip(kept, again, strict=True):
        for x, y in [(a.alpha, b.alpha), (a.omega, b.omega)] + [
            (i.mean, j.mean) for i, j in zip(a.items, b.items, strict=True)
        ]:
            assert same_number(x, y) or x == pytest.approx(y, rel=1e-9)


def test_the_packed_rows_hold_every_answer_in_a_new_order(org):
    tree = make_tree(org, 6, 4)
    wave = close(make_wave(org, tree, 200, 4))
    packed = results_module.packed_rows(wave)
    instrument = wave.instrument
    unit_pks = [u.pk for u in packed.units]
    low = instrument.response_scale.min
    as_rows = sorted(
        (
            unit_pks[packed.packed.unit_index[r]],
            tuple(
                (item, int(code) + low - 1)
                for item, code in zip(packed.item_ids, packed.packed.answers[r], strict=True)
                if code
            ),
        )
        for r in range(len(packed.packed))
    )
    in_table = Response.objects.filter(wave=wave).values_list("unit_id", "answers")
    expected = sorted(
        (unit, tuple((i, answers[i]) for i in instrument.item_ids if i in answers))
        for unit, answers in in_table
    )
    assert as_rows == expected
    # Neither the table's order nor its reverse: the rows were shuffled again when packed.
    table_order = [unit for unit, _ in in_table]
    assert [unit_pks[u] for u in packed.packed.unit_index.tolist()] != table_order


def _pages(org, wave):
    kwargs = {"slug": org.slug, "wave_id": wave.pk}
    question = wave.instrument.demographics[0].id
    return {
        "page": reverse("wave_results", kwargs=kwargs),
        "cut": reverse("wave_results", kwargs=kwargs) + f"?cut={question}",
        "csv": reverse("wave_results_export", kwargs={**kwargs, "fmt": "csv"}),
        "xlsx": reverse("wave_results_export", kwargs={**kwargs, "fmt": "xlsx"}),
        "psychometrics": reverse("wave_psychometrics", kwargs=kwargs),
        "trends": reverse("trends", kwargs={"slug": org.slug}),
        "rows": reverse("wave_rows_export", kwargs=kwargs),
        "api": f"/api/organisations/{org.slug}/waves/{wave.pk}/results",
    }


def same_page(content: bytes) -> str:
    """A page without what changes on every request: the CSRF token, the comments' order."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return re.sub(
        r'<ul class="comments">(.*?)</ul>',
        lambda m: "".join(sorted(re.findall(r"<li>.*?</li>", m.group(1)))),
        text,
        flags=re.S,
    )


def _rows_without_numbers(content: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        rows = list(csv.reader(io.StringIO(bundle.read("responses.csv").decode())))
    return sorted(row[1:] for row in rows[1:])


def test_no_reader_touches_the_answers_of_responses_after_close(org, make_person, login_as, client):
    tree = make_tree(org, 6, 5)
    wave = close(make_wave(org, tree, 150, 5))
    researcher = make_person(org, "researcher", "facilitator")
    browser = login_as(researcher)
    _, token = ApiToken.issue(researcher, "test")
    pages = _pages(org, wave)

    def read_all() -> dict[str, bytes]:
        got = {}
        for name, url in pages.items():
            if name == "api":
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            else:
                response = browser.get(url)
            assert response.status_code == 200, name
            got[name] = response.content
        return got

    before = read_all()
    # Wiping the answers from the table changes nothing that is shown, and no query
    # reads the answers column.
    Response.objects.filter(wave=wave).update(answers={}, demographics={})
    forget_stored_figures()
    with CaptureQueriesContext(connection) as captured:
        after = read_all()
    assert not [q["sql"] for q in captured if '"diagnostic_response"."answers"' in q["sql"]]
    for name in ("page", "cut", "csv", "psychometrics", "trends", "api"):
        assert same_page(after[name]) == same_page(before[name]), name
    assert _rows_without_numbers(after["rows"]) == _rows_without_numbers(before["rows"])


def test_the_heatmap_rows_are_the_markup_the_template_wrote(org):
    """The heatmap built in code is the template loop's markup, cell for cell."""
    from django.template import Context, Engine

    tree = make_tree(org, 12, 6)
    wave = close(make_wave(org, tree, 300, 6))
    results = wave_results(wave)
    template = Engine.get_default().from_string(
        "{% for row in heat_rows %}"
        '<tr><th scope="row" class="depth-{{ row.result.depth }}"><a href="?unit='
        '{{ row.result.unit.pk }}">{{ row.result.unit.name }}</a>'
        "{% if row.result.profile.pattern %}"
        '<span class="pattern">pattern: {{ row.result.profile.pattern }}</span>{% endif %}</th>'
        '{% for c in row.cells %}<td class="num {{ c.css }}">{% if c.value is None %}–'
        "{% else %}{{ c.value|floatformat:2 }}{% endif %}</td>{% endfor %}"
        "</tr>{% endfor %}"
    )
    old = template.render(
        Context({"heat_rows": _scale_rows(wave, results, wave.instrument.scales)})
    )
    new = results_module.heatmap_html(wave, results)
    assert "".join(new.split()) == "".join(old.split())
    assert new.count("<tr>") == len(results) == len(tree) + 1


def test_a_unit_name_in_the_heatmap_is_escaped(org):
    unit = Unit.objects.create(organisation=org, name='<b>"Team" & co</b>')
    wave = close(make_wave(org, [unit], 20, 7))
    html = results_module.heatmap_html(wave, wave_results(wave))
    assert "&lt;b&gt;&quot;Team&quot; &amp; co&lt;/b&gt;" in html and "<b>" not in html


def old_closed_wave(org, units, responses=80, seed=8):
    """A wave closed before figures were stored: closed, with no WaveFigures row."""
    wave = make_wave(org, units, responses, seed, title="Old wave")
    wave.status = SurveyWave.CLOSED
    wave.save(update_fields=["status"])
    return wave


def test_an_old_closed_wave_is_computed_and_stored_on_its_first_page(org, facilitator, login_as):
    tree = make_tree(org, 6, 8)
    wave = old_closed_wave(org, tree)
    # Read directly, the figures are computed but not written.
    fresh = compute_from_responses(wave)
    assert_same_results(wave_results(wave), fresh)
    assert not WaveFigures.objects.filter(wave=wave).exists()
    # The first page stores them (once), through the service, with an audit entry.
    page = login_as(facilitator).get(_pages(org, wave)["page"])
    assert page.status_code == 200 and "80 people answered" in page.content.decode()
    stored = WaveFigures.objects.get(wave=wave)
    assert stored.rows == 80
    entry = AuditEntry.objects.get(action="wave.figures_stored")
    assert entry.actor_id is None and entry.detail["responses"] == 80
    login_as(facilitator).get(_pages(org, wave)["trends"])
    assert WaveFigures.objects.get(wave=wave).stamp == stored.stamp
    assert_same_results(wave_results(wave), fresh)


def test_refigure_stores_old_waves_and_names_a_wrong_one(org, capsys):
    tree = make_tree(org, 5, 9)
    old = old_closed_wave(org, tree, seed=9)
    other = old_closed_wave(org, tree, 30, seed=10)
    call_command("survey", "refigure", "--all")
    assert WaveFigures.objects.filter(wave__in=[old, other]).count() == 2
    stamp = WaveFigures.objects.get(wave=old).stamp
    call_command("survey", "refigure", str(old.pk))
    assert WaveFigures.objects.get(wave=old).stamp != stamp
    assert "80 responses, figures stored" in capsys.readouterr().out
    open_wave = make_wave(org, tree, 5, 11)
    with pytest.raises(CommandError, match=f"WAVE: no closed wave with id {open_wave.pk}"):
        call_command("survey", "refigure", str(open_wave.pk))
    with pytest.raises(CommandError, match="Name the waves"):
        call_command("survey", "refigure")


def test_closing_stores_the_figures_within_the_close_audit_entry(org, facilitator):
    tree = make_tree(org, 4, 12)
    wave = close(make_wave(org, tree, 40, 12), actor=facilitator)
    entry = AuditEntry.objects.get(action="wave.closed", object_id=str(wave.pk))
    assert entry.detail["figures_stored"] == 40
    assert not AuditEntry.objects.filter(action="wave.figures_stored").exists()
    with pytest.raises(Exception, match="closed wave only"):
        services.store_wave_figures(facilitator, make_wave(org, tree, 3, 13))


# --- query budgets: the same at a size and at ten times it -----------------------------------


def _sized(org, units: int, responses: int):
    tree = make_tree(org, units, 14)
    close(make_wave(org, tree, responses // 2, 14, title="Spring"))
    wave = close(make_wave(org, tree, responses, 15, title="Autumn"))
    return wave, tree


# Each page's queries when its process has not read the wave's figures yet (the most). The
# results page reads the previous wave's figures too, for each scale's comparison (3 more).
QUERY_BUDGETS = {"page": 17, "unit": 18, "csv": 15, "trends": 14, "rows": 14, "psychometrics": 12}


@pytest.mark.parametrize("scale", [1, 10])
def test_result_pages_take_the_same_queries_at_ten_times_the_size(
    org, make_person, login_as, django_assert_max_num_queries, scale
):
    wave, tree = _sized(org, 5 * scale, 150 * scale)
    researcher = make_person(org, "researcher", "facilitator")
    browser = login_as(researcher)
    pages = _pages(org, wave)
    # A unit that shows its figures and comments at both sizes (the same work either way).
    unit = next(r.unit for r in wave_results(wave)[1:] if r.comments_shown)
    pages["unit"] = pages["page"] + f"?unit={unit.pk}"
    for name, budget in QUERY_BUDGETS.items():
        forget_stored_figures()  # the first reading in a process, the costlier
        with django_assert_max_num_queries(budget):
            assert browser.get(pages[name]).status_code == 200, name
