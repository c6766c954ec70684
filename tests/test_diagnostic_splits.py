"""Splits by a background question in the demo (issue 10): the whole organisation's groups
of 81 to 147 people are shown, on the page and by the core, and nothing shown anywhere lets
a group of fewer than k be worked out. The demo is loaded once for the module
(tests/conftest.py, `demo_data`)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from echoorg.accounts.models import User
from echoorg.core.diagnostic.cuts import CUTS_VERSION, NOT_ANSWERED, SMALL, CutRow, cut_table
from echoorg.core.diagnostic.split_suppression import split_disclosure
from echoorg.diagnostic.models import SurveyWave, WaveFigures
from echoorg.diagnostic.results import (
    forget_stored_figures,
    load_wave,
    stored_figures,
    wave_results,
)
from echoorg.diagnostic.services import ensure_wave_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_waves(demo_data) -> list[SurveyWave]:
    waves = list(
        SurveyWave.objects.filter(
            organisation__slug="northmoor", status=SurveyWave.CLOSED
        ).order_by("opens_on")
    )
    assert len(waves) == 2
    return waves


def whole_organisation_rows(wave: SurveyWave, question: str):
    return stored_figures(wave).cut(question)[0]


def test_the_whole_organisations_split_shows_every_group(closed_waves):
    for wave in closed_waves:
        for question in [d.id for d in wave.instrument.demographics]:
            rows = whole_organisation_rows(wave, question)
            answers = [r for r in rows if r.value != NOT_ANSWERED]
            assert all(r.n is not None and 81 <= r.n <= 147 for r in answers), rows
            # Every scale but the leaders' view of themselves (8 to 10 leaders in all).
            hidden = {scale for r in rows for scale, v in r.means.items() if v is None}
            assert hidden <= {"hubris_self"}


def test_the_core_shows_the_same_groups_from_the_answers_alone(closed_waves):
    """The pure core, given the wave's answers and the unit suppression, not the store."""
    for wave in closed_waves:
        data = load_wave(wave)
        results = {r.unit.pk: r for r in wave_results(wave)}
        unit_results = [results[u.pk] for u in data.units]
        for demographic in wave.instrument.demographics:
            table = cut_table(
                data.instrument,
                data.answers,
                data.unit_index,
                data.parents,
                [d.get(demographic.id) for d in data.demographics],
                demographic.options,
                [r.shown for r in unit_results],
                [r.means for r in unit_results],
                wave.min_group,
            )
            by_answer = {r.value: r.n for r in table[0]}
            given = [d.get(demographic.id) for d in data.demographics]
            for option in demographic.options:
                assert by_answer[option] == given.count(option)
                assert 81 <= by_answer[option] <= 147


def test_the_results_page_shows_the_split_at_whole_organisation_level(closed_waves, client):
    client.force_login(User.objects.get(email="leader@northmoor.example"))
    wave = closed_waves[-1]
    url = reverse("wave_results", kwargs={"slug": "northmoor", "wave_id": wave.pk})
    page = client.get(url, {"cut": "staff_group"}).content.decode()
    table = page[page.index('<section aria-labelledby="cut-h">') :]
    table = table[: table.index("</section>")]
    for row in whole_organisation_rows(wave, "staff_group"):
        cells = re.search(rf"<th scope=\"row\">{re.escape(row.value)}</th>(.*?)</tr>", table)
        assert cells is not None
        assert f'<td class="num">{row.n}</td>' in cells.group(1)
        scores = re.findall(r'<td class="num">(\d\.\d\d|hidden)</td>', cells.group(1))
        # Every scale's score, but the leaders' view of themselves where few leaders are.
        assert len(scores) == len(wave.instrument.scales)
        assert scores.count("hidden") == (row.means["hubris_self"] is None)
    assert "–" not in table and "Hidden:" not in table


def test_a_unit_whose_groups_are_all_hidden_says_why_in_one_sentence(closed_waves, client):
    client.force_login(User.objects.get(email="leader@northmoor.example"))
    wave = closed_waves[0]
    table = stored_figures(wave).cut("staff_group")
    unit_pk = next(pk for pk, rows in table.items() if all(r.n is None for r in rows))
    url = reverse("wave_results", kwargs={"slug": "northmoor", "wave_id": wave.pk})
    page = client.get(url, {"cut": "staff_group", "unit": unit_pk}).content.decode()
    section = page[page.index('<section aria-labelledby="cut-h">') :]
    section = section[: section.index("</section>")]
    assert "each answer here was given by fewer than 5 people, or showing it" in section
    assert "<table" not in section


def test_a_hidden_group_in_a_shown_split_says_why_in_its_row():
    rows = [
        CutRow("Managers", 12, {"threat": 2.5, "drive": None}, "", {"drive": SMALL}),
        CutRow("Other", None, {"threat": None, "drive": None}, SMALL),
    ]
    scales = [
        SimpleNamespace(id="threat", name="Threat"),
        SimpleNamespace(id="drive", name="Drive"),
    ]
    html = render_to_string(
        "diagnostic/_split_table.html",
        {
            "cut": SimpleNamespace(question="Your role?"),
            "cut_rows": rows,
            "split_shown": True,
            "scales": scales,
            "focus": SimpleNamespace(unit=SimpleNamespace(name="Team")),
            "wave": SimpleNamespace(min_group=5),
        },
    )
    managers, other = re.findall(r"<tr><th scope=\"row\">.*?</tr>", html)
    assert '<td class="num">12</td><td class="num">2.50</td><td class="num">hidden</td>' in managers
    assert 'colspan="3" class="hint">Hidden: fewer than 5 people, or it would let' in other
    assert "–" not in html


def test_an_organisation_too_large_for_splits_is_told_so():
    html = render_to_string(
        "diagnostic/_split_table.html",
        {"cut": SimpleNamespace(question="Your role?"), "cut_rows": None, "scales": []},
    )
    assert "Splits are not offered for this organisation" in html


def published(wave: SurveyWave, question: str):
    """Everything any results page shows: totals of shown units and every shown split
    cell, with the respondents per (unit, answer) they add up."""
    data = load_wave(wave)
    demographic = next(d for d in wave.instrument.demographics if d.id == question)
    answers = [*demographic.options, NOT_ANSWERED]
    answered = ~np.all(np.isnan(data.answers), axis=1)
    own = [[0] * len(answers) for _ in data.units]
    for unit, given, counted in zip(
        data.unit_index, data.demographics, answered.tolist(), strict=True
    ):
        value = given.get(question, NOT_ANSWERED)
        if counted:
            own[int(unit)][answers.index(value if value in answers else NOT_ANSWERED)] += 1
    results = {r.unit.pk: r for r in wave_results(wave)}
    totals = [results[u.pk].shown for u in data.units]
    table = stored_figures(wave).cut(question)
    shown = [
        [row.n is not None for row in table[u.pk]] if u.pk in table else [False] * len(answers)
        for u in data.units
    ]
    return data.parents, totals, shown, own


def test_nothing_shown_in_the_demo_lets_a_small_group_be_worked_out(closed_waves):
    for wave in closed_waves:
        for demographic in wave.instrument.demographics:
            parents, totals, shown, own = published(wave, demographic.id)
            assert sum(map(sum, shown)) >= 5
            assert split_disclosure(parents, totals, shown, own, wave.min_group) is None


def test_splits_stored_by_older_rules_are_computed_again_on_first_view(closed_waves, client):
    wave = closed_waves[0]
    WaveFigures.objects.filter(wave=wave).update(
        cuts_version=0, cuts={"staff_group": {"0": [["Other", None, {}]]}}
    )
    forget_stored_figures()
    ensure_wave_figures(wave)
    figures = WaveFigures.objects.get(wave=wave)
    assert figures.cuts_version == CUTS_VERSION
    assert whole_organisation_rows(wave, "staff_group")[0].n is not None


def test_refigure_all_recomputes_splits_of_older_rules(closed_waves, capsys):
    WaveFigures.objects.filter(wave=closed_waves[1]).update(cuts_version=0, cuts={})
    forget_stored_figures()
    call_command("survey", "refigure", "--all")
    assert f"Wave {closed_waves[1].pk} " in capsys.readouterr().out
    assert WaveFigures.objects.get(wave=closed_waves[1]).cuts_version == CUTS_VERSION
    assert whole_organisation_rows(closed_waves[1], "length_of_service")[0].n is not None
