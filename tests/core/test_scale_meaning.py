"""What a scale's figure means: directions and meaning in the instrument file, heat
colours by direction, changes since the previous wave and the hubris gap in words."""

from __future__ import annotations

import copy

import pytest
import yaml

from echoorg.core.diagnostic.conversations import GROUND_RULES, GUIDES
from echoorg.core.diagnostic.instrument import (
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    InstrumentError,
    Scale,
    find_instrument,
    parse_instrument,
    shipped_instruments,
)
from echoorg.core.diagnostic.meaning import (
    BANDS,
    change_since,
    direction_symbol,
    gap_size,
    heat_band,
    heat_class,
    hubris_gap_sentence,
    palette,
)

SHIPPED = yaml.safe_load(shipped_instruments()["echo-culture-v1"].read_text())
WORSE_WHEN_HIGHER = {"threat", "moral_distress", "coercive_control", "hubris_staff", "hubris_self"}


def scale(scale_id: str = "x", direction: str | None = None) -> Scale:
    return Scale(scale_id, "X", "d", "s", direction=direction)


# The instrument file ------------------------------------------------------------------------


def test_the_shipped_instrument_states_every_scales_direction_and_meaning():
    instrument = find_instrument("echo-culture-v1")
    for s in instrument.scales:
        expected = HIGHER_IS_WORSE if s.id in WORSE_WHEN_HIGHER else HIGHER_IS_BETTER
        assert s.direction == expected, s.id
        assert s.meaning.endswith(".") and s.worth_looking_at.endswith("."), s.id
        assert s.conversation_guide in GUIDES, s.id
        # echoorg wrote its own items: no scale may claim a published survey's figure.
        assert s.same_items_as is None, s.id


def test_an_instrument_without_the_meaning_fields_still_loads():
    data = copy.deepcopy(SHIPPED)
    for raw in data["scales"]:
        for key in ("direction", "meaning", "worth_looking_at", "conversation_guide"):
            raw.pop(key, None)
    first = parse_instrument(data).scales[0]
    assert (first.direction, first.meaning, first.conversation_guide) == (None, "", "")
    assert direction_symbol(first) == "direction not stated"


PUBLISHED = {
    "survey": "A published staff survey",
    "year": 2024,
    "figure": 6.45,
    "scale": {"min": 0, "max": 10},
    "source": "A named source",
}


def with_scale_field(key: str, value) -> dict:
    data = copy.deepcopy(SHIPPED)
    data["scales"][3][key] = value
    return data


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "direction",
            "up",
            "scales[3].direction: must be one of higher_is_better, higher_is_worse",
        ),
        ("direction", True, "scales[3].direction: must be one of"),
        ("meaning", "  ", "scales[3].meaning: must not be empty"),
        ("meaning", 3, "scales[3].meaning: must be text"),
        ("worth_looking_at", ["a"], "scales[3].worth_looking_at: must be text"),
        ("conversation_guide", "gossip", "scales[3].conversation_guide: 'gossip' is not one"),
        ("same_items_as", "NHS", "scales[3].same_items_as: must be a mapping"),
        (
            "same_items_as",
            {k: v for k, v in PUBLISHED.items() if k != "source"},
            "scales[3].same_items_as.source: is required",
        ),
        (
            "same_items_as",
            {**PUBLISHED, "year": 24},
            "scales[3].same_items_as.year: must be a year",
        ),
        ("same_items_as", {**PUBLISHED, "year": "2024"}, "scales[3].same_items_as.year: must be"),
        ("same_items_as", {**PUBLISHED, "figure": "high"}, "scales[3].same_items_as.figure: must"),
        ("same_items_as", {**PUBLISHED, "figure": True}, "scales[3].same_items_as.figure: must"),
        (
            "same_items_as",
            {**PUBLISHED, "figure": 11},
            "scales[3].same_items_as.figure: 11 is outside the published scale",
        ),
        (
            "same_items_as",
            {**PUBLISHED, "scale": {"min": 10, "max": 0}},
            "scales[3].same_items_as.scale.max: must be a number greater",
        ),
        (
            "same_items_as",
            {**PUBLISHED, "items": ["spk1"]},
            "scales[3].same_items_as.items: is not a field of the schema",
        ),
        ("colour", "red", "scales[3].colour: is not a field of the schema"),
    ],
)
def test_bad_meaning_fields_are_refused_naming_the_field(key, value, message):
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(with_scale_field(key, value))
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_published_figure_for_the_same_items_is_kept_with_its_source():
    published = parse_instrument(with_scale_field("same_items_as", PUBLISHED)).scales[3]
    figure = published.same_items_as
    assert figure is not None
    assert (figure.survey, figure.year, figure.figure, figure.min, figure.max) == (
        "A published staff survey",
        2024,
        6.45,
        0.0,
        10.0,
    )
    assert figure.source == "A named source"


# Colours by direction -----------------------------------------------------------------------


def test_the_three_systems_keep_their_own_colours_darker_when_stronger():
    for system in ("threat", "drive", "soothing"):
        s = scale(system, HIGHER_IS_WORSE if system == "threat" else HIGHER_IS_BETTER)
        assert palette(s) == system
        assert heat_class(1.0, 1, 5, s) == f"heat-{system}-0"
        assert heat_class(5.0, 1, 5, s) == f"heat-{system}-7"


def test_other_scales_are_darker_where_the_figure_is_of_more_concern():
    worse, better = scale("moral", HIGHER_IS_WORSE), scale("voice", HIGHER_IS_BETTER)
    assert heat_class(4.6, 1, 5, worse) == "heat-concern-7"  # high distress: dark
    assert heat_class(1.4, 1, 5, worse) == "heat-concern-0"
    assert heat_class(1.4, 1, 5, better) == "heat-concern-7"  # low safety: dark
    assert heat_class(4.6, 1, 5, better) == "heat-concern-0"
    # Same figure, opposite directions: opposite ends of the palette.
    assert heat_band(2.1, 1, 5, worse) + heat_band(2.1, 1, 5, better) == BANDS - 1
    # Each band is an eighth of the range: half a point on a 1 to 5 scale.
    assert [heat_band(v, 1, 5, worse) for v in (1.49, 1.5, 2.99, 3.0, 5.0)] == [0, 1, 3, 4, 7]


def test_a_scale_without_a_direction_is_grey_and_a_withheld_figure_has_no_colour():
    assert heat_class(4.9, 1, 5, scale()) == "heat-neutral-7"
    assert heat_class(None, 1, 5, scale("moral", HIGHER_IS_WORSE)) == "heat-none"
    assert heat_band(9.0, 1, 5, scale()) == 7 and heat_band(-3.0, 1, 5, scale()) == 0


def test_the_direction_is_said_in_words_with_a_symbol():
    assert direction_symbol(scale("t", HIGHER_IS_WORSE)) == "▲ higher is worse"
    assert direction_symbol(scale("d", HIGHER_IS_BETTER)) == "▲ higher is better"


# Change since the previous wave ------------------------------------------------------------


def test_a_fall_in_threat_is_a_change_for_the_better():
    change = change_since(2.80, 3.05, 1, 5, scale("threat", HIGHER_IS_WORSE), "Spring 2026")
    assert change.verdict == "better"
    assert (
        change.sentence == "0.25 points lower than in Spring 2026 (3.05): a change for the better."
    )


def test_a_fall_in_speaking_up_safety_is_a_change_for_the_worse():
    change = change_since(3.40, 3.90, 1, 5, scale("voice", HIGHER_IS_BETTER), "Spring 2026")
    assert change.verdict == "worse" and change.difference == pytest.approx(-0.5)
    assert "a change for the worse" in change.sentence


def test_a_tiny_difference_is_about_the_same():
    change = change_since(3.04, 3.00, 1, 5, scale("voice", HIGHER_IS_BETTER), "Spring 2026")
    assert change.verdict == "about the same"
    assert (
        change.sentence == "About the same as in Spring 2026 (3.00; a difference of 0.04 points)."
    )


def test_without_a_direction_a_change_is_only_higher_or_lower():
    change = change_since(4.0, 3.0, 1, 5, scale(), "W1")
    assert change.verdict == "higher"
    assert change.sentence == "1.00 point higher than in W1 (3.00)."


# The hubris gap in words ---------------------------------------------------------------------


def test_staff_seeing_more_than_leaders_is_said_plainly():
    sentence = hubris_gap_sentence(2.10, 2.63, 1, 5)
    assert sentence.startswith(
        "Staff see these behaviours in senior leadership more often than leaders see them "
        "in themselves"
    )
    assert "staff 2.63, leaders about themselves 2.10" in sentence
    assert "a moderate gap of 0.53 points" in sentence
    assert "−" not in sentence and "-0.53" not in sentence


def test_leaders_reporting_more_than_staff_see_is_said_the_other_way_round():
    sentence = hubris_gap_sentence(3.5, 2.0, 1, 5)
    assert sentence.startswith("Leaders report these behaviours in themselves more often")
    assert "a very large gap of 1.50 points" in sentence


def test_two_close_views_agree():
    assert hubris_gap_sentence(2.52, 2.50, 1, 5).startswith(
        "Leaders and staff see these behaviours about equally often"
    )


@pytest.mark.parametrize(
    ("gap", "word"),
    [
        (0.1, "small"),
        (-0.19, "small"),
        (0.2, "moderate"),
        (0.59, "moderate"),
        (0.6, "large"),
        (-1.19, "large"),
        (1.2, "very large"),
    ],
)
def test_gap_sizes_are_shares_of_the_range(gap, word):
    assert gap_size(gap, 1, 5) == word


# Conversation guides -------------------------------------------------------------------------


def test_every_guide_has_questions_and_a_next_step():
    assert GROUND_RULES
    for guide in GUIDES.values():
        assert len(guide.questions) >= 4, guide.id
        assert all(q.endswith("?") for q in guide.questions), guide.id
        assert guide.title and guide.about.endswith(".") and guide.next_step.endswith(".")
