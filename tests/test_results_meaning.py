"""The results page says what its figures mean (issue 10): scales as rows, colours by
each scale's direction, a scale chooser for the all-units table, a sentence per scale with
the previous wave beside it, published figures only for the very same items, conversation
guides, and the hubris gap in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from django.urls import reverse

from echoorg.core.diagnostic.conversations import GUIDES
from echoorg.core.diagnostic.instrument import load_instrument_text, shipped_instruments
from echoorg.diagnostic.models import Response, SurveyWave

YAML = shipped_instruments()["echo-culture-v1"].read_text()
INSTRUMENT = load_instrument_text(YAML)


def answers(level: int, audience: str) -> dict[str, int]:
    return {i.id: (6 - level if i.reverse else level) for i in INSTRUMENT.items_for(audience)}


def make_closed_wave(org, units, title, closes_on, staff_level, leader_level=None, text=YAML):
    """A closed wave: 6 staff answers per unit at `staff_level`, and 6 leaders at
    `leader_level` in the first unit (when given)."""
    wave = SurveyWave.objects.create(
        organisation=org,
        title=title,
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=text,
        opens_on=closes_on - dt.timedelta(days=20),
        closes_on=closes_on,
        status=SurveyWave.CLOSED,
    )
    rows = [(unit, "staff", staff_level) for unit in units for _ in range(6)]
    if leader_level is not None:
        rows += [(units[0], "leaders", leader_level)] * 6
    Response.objects.bulk_create(
        Response(wave=wave, unit=unit, audience=audience, answers=answers(level, audience))
        for unit, audience, level in rows
    )
    return wave


def page(client, org, wave, query: str = "") -> str:
    url = reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk})
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def units(tree):
    return [tree["Recruitment"], tree["Adults"]]


@pytest.fixture
def two_waves(org, units):
    """Spring: every answer 4 (threat high, safety high); autumn: every answer 2."""
    spring = make_closed_wave(org, units, "Spring wave", dt.date(2026, 3, 27), 4)
    autumn = make_closed_wave(org, units, "Autumn wave", dt.date(2026, 10, 23), 2, 2)
    return spring, autumn


def test_scales_run_down_the_side_with_their_direction(login_as, facilitator, org, two_waves):
    html = page(login_as(facilitator), org, two_waves[1])
    table = html[html.index('class="heatmap by-scale') : html.index("</table>")]
    assert re.search(
        r'<th scope="row">Threat system <span class="direction">▲ higher is worse', table
    )
    assert re.search(
        r'<th scope="row">Speaking-up safety <span class="direction">▲ higher is better', table
    )
    # Units across: the whole organisation and its two directorates as column headings.
    assert table.count('<th scope="col"') == 1 + 3
    assert '<th scope="row">People who answered</th>' in table


def test_cells_are_coloured_by_each_scales_direction(login_as, facilitator, org, two_waves):
    html = page(login_as(facilitator), org, two_waves[1])
    heat = html[html.index('class="heatmap all-units') :]
    start = heat.index("<tbody>")
    row = heat[start : heat.index("</tr>", start)]
    cells = re.findall(r'<td class="num (heat-[a-z]+(?:-\d)?)">', row)
    by_scale = dict(zip([s.id for s in INSTRUMENT.scales], cells, strict=True))
    # Everyone answered 2: threat low (light red), safety low (dark amber: worth a look),
    # moral distress low (light amber), drive and soothing low (light blue and green).
    assert by_scale["threat"] == "heat-threat-2"
    assert by_scale["drive"] == "heat-drive-2" and by_scale["soothing"] == "heat-soothing-2"
    assert by_scale["speaking_up"] == "heat-concern-6"
    assert by_scale["moral_distress"] == "heat-concern-2"
    assert "How to read the colours" in html and "▲ higher is worse" in html


def test_the_reader_chooses_the_scales_of_the_all_units_table(
    login_as, facilitator, org, two_waves
):
    client = login_as(facilitator)
    html = page(client, org, two_waves[1], "?scale=threat&scale=speaking_up&scale=nonsense")
    heat = html[html.index('class="heatmap all-units') :]
    head = heat[: heat.index("</thead>")]
    assert re.findall(r'class="num scale-col">([^<]+) <span', head) == [
        "Threat system",
        "Speaking-up safety",
    ]
    start = heat.index("<tbody>")
    first_row = heat[start : heat.index("</tr>", start)]
    assert len(re.findall(r"<td class=\"num heat-", first_row)) == 2
    assert 'value="threat" checked' in html and 'value="drive">' in html
    # Nothing ticked, or only ids the instrument lacks: every scale.
    everything = page(client, org, two_waves[1], "?scale=nonsense")
    assert everything.count('class="num scale-col"') == len(INSTRUMENT.scales)


def test_each_scale_says_what_it_means_beside_the_previous_wave(
    login_as, facilitator, org, two_waves
):
    html = page(login_as(facilitator), org, two_waves[1])
    threat = INSTRUMENT.scale("threat")
    note = html[html.index('id="scale-threat"') : html.index('id="scale-drive"')]
    assert threat.meaning in note and threat.worth_looking_at in note
    assert "2.00 points lower than in Spring wave (4.00): a change for the better." in note
    safety = html[html.index('id="scale-speaking_up"') : html.index('id="scale-psych_safety"')]
    assert "2.00 points lower than in Spring wave (4.00): a change for the worse." in safety
    guide = reverse("conversation_guide", kwargs={"slug": org.slug, "guide_id": "voice"})
    assert f'href="{guide}"' in safety
    assert "Published figure" not in html  # echoorg's items match no published survey


def test_the_first_wave_has_nothing_to_compare_with(login_as, facilitator, org, two_waves):
    html = page(login_as(facilitator), org, two_waves[0])
    assert "first wave of this instrument" in html
    assert "a change for the" not in html


def test_a_unit_missing_from_the_previous_wave_has_no_comparison(
    login_as, facilitator, org, tree, units
):
    make_closed_wave(org, [tree["Recruitment"]], "Spring wave", dt.date(2026, 3, 27), 4)
    autumn = make_closed_wave(org, units, "Autumn wave", dt.date(2026, 10, 23), 2)
    html = page(login_as(facilitator), org, autumn, f"?unit={tree['Adults'].pk}")
    assert "6 people answered" in html
    assert "No figure for this group on this scale in Spring wave" in html
    assert "a change for the" not in html


def test_the_hubris_gap_is_a_sentence(login_as, facilitator, org, units):
    wave = make_closed_wave(org, units, "Autumn wave", dt.date(2026, 10, 23), 4, 2)
    html = page(login_as(facilitator), org, wave)
    assert (
        "Staff see these behaviours in senior leadership more often than leaders see them "
        "in themselves: on the 1 to 5 scale, staff 4.00, leaders about themselves 2.00, a very "
        "large gap of 2.00 points."
    ) in html
    assert "Gap (self minus staff)" not in html


def test_a_published_figure_is_shown_only_where_the_items_are_declared_the_same(
    login_as, facilitator, org, units
):
    data = yaml.safe_load(YAML)
    speaking_up = next(s for s in data["scales"] if s["id"] == "speaking_up")
    speaking_up["same_items_as"] = {
        "survey": "A fictional published survey",
        "year": 2024,
        "figure": 6.45,
        "scale": {"min": 0, "max": 10},
        "source": "Fictional source for this test",
    }
    wave = make_closed_wave(
        org, units, "Wave", dt.date(2026, 10, 23), 3, text=yaml.safe_dump(data, sort_keys=False)
    )
    html = page(login_as(facilitator), org, wave)
    note = html[html.index('id="scale-speaking_up"') : html.index('id="scale-psych_safety"')]
    assert (
        "Published figure for the same items: A fictional published survey, 2024: 6.45 on its "
        "own 0 to 10 scale. Source: Fictional source for this test"
    ) in note
    assert html.count("Published figure for the same items") == 1


def test_a_wave_whose_instrument_states_no_direction_is_grey(login_as, facilitator, org, units):
    data = yaml.safe_load(YAML)
    for raw in data["scales"]:
        for key in ("direction", "meaning", "worth_looking_at", "conversation_guide"):
            raw.pop(key)
    # Reworded: not the shipped instrument's items, so its meaning is not borrowed.
    data["items"][0]["text"] += " (reworded by this organisation)"
    wave = make_closed_wave(
        org, units, "Old wave", dt.date(2026, 10, 23), 3, text=yaml.safe_dump(data)
    )
    html = page(login_as(facilitator), org, wave)
    assert "direction not stated" in html and "heat-neutral-" in html
    assert "heat-concern-" not in html and "Conversation guide for a team" not in html


def test_a_wave_frozen_before_the_meaning_fields_borrows_the_shipped_ones(
    login_as, facilitator, org, units
):
    data = yaml.safe_load(YAML)
    for raw in data["scales"]:
        for key in ("direction", "meaning", "worth_looking_at", "conversation_guide"):
            raw.pop(key)
    wave = make_closed_wave(
        org, units, "Old wave", dt.date(2026, 10, 23), 3, text=yaml.safe_dump(data)
    )
    html = page(login_as(facilitator), org, wave)
    assert "direction not stated" not in html
    assert "heat-concern-" in html and "Conversation guide for a team" in html


def test_a_conversation_guide_page_lists_its_questions(login_as, facilitator, org):
    client = login_as(facilitator)
    guide = GUIDES["harm"]
    url = reverse("conversation_guide", kwargs={"slug": org.slug, "guide_id": guide.id})
    html = client.get(url).content.decode()
    assert f"<h1>Conversation guide: {guide.title}</h1>" in html
    for question in guide.questions:
        assert question.replace("'", "&#x27;") in html
    assert reverse("library_taxonomy", kwargs={"slug": org.slug}) in html
    missing = reverse("conversation_guide", kwargs={"slug": org.slug, "guide_id": "gossip"})
    assert client.get(missing).status_code == 404


def test_an_odd_scale_query_breaks_nothing(login_as, facilitator, org, two_waves):
    html = page(login_as(facilitator), org, two_waves[1], "?scale=%3Cb%3E&scale=&unit=abc")
    assert "<b>" not in html
    assert html.count('class="num scale-col"') == len(INSTRUMENT.scales)


def test_the_instrument_page_says_which_way_each_scale_runs(login_as, facilitator, org):
    url = reverse("instrument", kwargs={"slug": org.slug, "key": "echo-culture-v1@1"})
    html = login_as(facilitator).get(url).content.decode()
    threat = html[html.index("<h2>Threat system</h2>") : html.index("<h2>Drive system</h2>")]
    assert "▲ Higher is worse." in threat
    assert INSTRUMENT.scale("threat").meaning.replace("'", "&#x27;") in threat
