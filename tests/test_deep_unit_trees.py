"""Deep and large unit trees through the pages (issue 8, finding 14): a 1,500-deep tree
must not break the units page (it once recursed), and a wave over 11,500 units must
compute its response rates in one pass (they were quadratic). Timing lives in
benchmarks/bench_unit_tree.py; these tests check answers, queries and the absence of
recursion."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.core.text import name_key
from echoorg.diagnostic.models import Invitation, SurveyWave
from echoorg.diagnostic.views.waves import _response_rates
from echoorg.orgs.models import Unit

YAML = shipped_instruments()["echo-culture-v1"].read_text()
FIRST_PK = 1_000_000  # explicit ids far above any the sequence hands out


def make_chain(org, depth: int, extra_leaves: int = 0) -> list[int]:
    """Level 0 > Level 1 > ... > Level depth-1, and `extra_leaves` units under Level 0."""
    # bulk_create skips Unit.save(), which fills the name's comparison key.
    units = [
        Unit(
            pk=FIRST_PK + i,
            organisation=org,
            name=f"Level {i}",
            kind="team",
            name_key=name_key(f"Level {i}"),
            parent_id=FIRST_PK + i - 1 if i else None,
        )
        for i in range(depth)
    ]
    units += [
        Unit(
            pk=FIRST_PK + depth + i,
            organisation=org,
            name=f"Leaf {i}",
            kind="team",
            name_key=name_key(f"Leaf {i}"),
            parent_id=FIRST_PK,
        )
        for i in range(extra_leaves)
    ]
    Unit.objects.bulk_create(units, batch_size=2000)
    return [u.pk for u in units]


def test_the_units_page_shows_a_1500_deep_tree(
    login_as, facilitator, org, django_assert_max_num_queries
):
    make_chain(org, 1500)
    client = login_as(facilitator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("units", kwargs={"slug": org.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(">Level 0<") < html.index(">Level 1<") < html.index(">Level 1499<")
    assert "level 1500" in html  # beyond the drawn indentation the level is written


def test_the_deepest_unit_page_answers_with_its_whole_path(
    login_as, facilitator, org, django_assert_max_num_queries
):
    pks = make_chain(org, 1500)
    client = login_as(facilitator)
    with django_assert_max_num_queries(15):  # not one query per level
        page = client.get(reverse("unit", kwargs={"slug": org.slug, "unit_id": pks[-1]}))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(">Level 0<") < html.index(">Level 1498<")


def test_moving_a_unit_under_its_deepest_descendant_is_refused(login_as, facilitator, org):
    pks = make_chain(org, 1500)
    response = login_as(facilitator).post(
        reverse("unit", kwargs={"slug": org.slug, "unit_id": pks[0]}),
        {"name": "Level 0", "kind": "team", "parent": pks[-1]},
    )
    assert "cannot sit below itself" in response.content.decode()


def _wave_with_invitations(org, make_person, unit_pk: int, invited: int, answered: int):
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Deep wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2099, 1, 1),
        status=SurveyWave.OPEN,
    )
    for n in range(invited):
        Invitation.objects.create(
            wave=wave,
            user=make_person(org),
            unit_id=unit_pk,
            token_digest=f"{unit_pk}-{n}",
            completed=n < answered,
        )
    return wave


def test_response_rates_over_11500_units_add_up_each_subtree(
    org, make_person, django_assert_max_num_queries
):
    pks = make_chain(org, 1500, extra_leaves=10_000)
    wave = _wave_with_invitations(org, make_person, pks[1499], invited=8, answered=6)
    Invitation.objects.create(
        wave=wave, user=make_person(org), unit_id=pks[1500], token_digest="leaf", completed=True
    )
    with django_assert_max_num_queries(5):
        rates = {r["unit"]: r for r in _response_rates(wave)}
    # every unit on the chain holds the 8 at the bottom, summed up 1,500 levels
    assert rates["Level 1499"]["invited"] == 8 and rates["Level 1499"]["rate"] == 75
    assert rates["Level 1"]["invited"] == 8 and rates["Level 700"]["rate"] == 75
    # the top also holds the leaf's one person: showing it would reveal them by
    # subtraction (9 - 8), so it is withheld like the leaf itself
    assert rates["Level 0"]["rate"] is None and rates["Leaf 0"]["rate"] is None
    assert len(rates) == 1501


def test_the_wave_page_answers_over_11500_units(login_as, facilitator, org, make_person):
    pks = make_chain(org, 1500, extra_leaves=10_000)
    wave = _wave_with_invitations(org, make_person, pks[1499], invited=6, answered=5)
    page = login_as(facilitator).get(reverse("wave", kwargs={"slug": org.slug, "wave_id": wave.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Level 1499<" in html and ">Level 0<" in html and "83%" in html


def test_results_of_a_wave_over_a_1500_deep_tree(login_as, facilitator, org):
    """Results once computed depths and tree order recursively: past about a thousand
    levels the results page and its export failed."""
    from echoorg.core.diagnostic.instrument import load_instrument_text
    from echoorg.diagnostic.models import Response

    pks = make_chain(org, 1500)
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Deep results",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 1, 31),
        status=SurveyWave.CLOSED,
    )
    items = load_instrument_text(YAML).items_for("staff")
    for level in (1, 2, 3, 4, 5, 3):
        Response.objects.create(wave=wave, unit_id=pks[-1], answers={i.id: level for i in items})
    client = login_as(facilitator)
    page = client.get(reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk}))
    assert page.status_code == 200
    export = client.get(
        reverse("wave_results_export", kwargs={"slug": org.slug, "wave_id": wave.pk, "fmt": "csv"})
    ).content.decode()
    lines = export.splitlines()
    assert len(lines) == 1 + 1 + 1500  # header, whole organisation, every level
    assert lines[-1].startswith("Level 1499,Level 1498,1501,6,false")
