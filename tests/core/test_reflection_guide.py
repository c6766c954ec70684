"""The reflection guide: the shipped prompts, the schema's field-named errors, answers."""

from __future__ import annotations

import copy

import pytest
import yaml

from echoorg.core.development.reflection import (
    GRID,
    MAX_ANSWER,
    PROMPTS_FILE,
    GuideError,
    clean_answers,
    load_guide,
    parse_guide,
    shipped_guide,
)

SHIPPED = yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))


def test_the_shipped_guide_follows_fook_and_gardners_two_stages():
    guide = shipped_guide()
    stages = [s.stage for s in guide.steps]
    assert stages[0] == "incident"
    assert stages.index("deconstruction") < stages.index("reconstruction")
    ids = guide.prompt_ids
    # Professional curiosity, compassion and the grid before and after are all asked.
    for wanted in (
        "curiosity_most_at_risk",
        "curiosity_unheard",
        "curiosity_assuming",
        "curiosity_missing_perspective",
        "compassion_pressure_on_me",
        "compassion_suffering",
        "compassion_action",
        "grid_before",
        "grid_after",
        "assumptions_power",
    ):
        assert wanted in ids
    assert [p.id for p in guide.prompts if p.kind == "grid"] == ["grid_before", "grid_after"]


def test_mason_grid_has_the_four_positions():
    assert {(p.safe, p.certain) for p in GRID} == {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }
    assert {p.id for p in GRID} >= {"safe_uncertainty", "unsafe_certainty"}


def _broken(change) -> dict:
    document = copy.deepcopy(SHIPPED)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "version: must be a whole number"),
        (lambda d: d.update(steps=[]), "steps: must be a list with at least one entry"),
        (lambda d: d["steps"][1].update(stage="later"), "steps[1].stage: 'later' is not one of"),
        (
            lambda d: d["steps"][1]["prompts"][0].update(kind="slider"),
            "steps[1].prompts[0].kind: 'slider'",
        ),
        (
            lambda d: d["steps"][1]["prompts"][0].update(id="incident_context"),
            "steps[1].prompts[0].id: 'incident_context' is used twice",
        ),
        (lambda d: d["steps"][0]["prompts"][0].pop("question"), "steps[0].prompts[0].question"),
        (
            lambda d: d["steps"][0]["prompts"][0].update(threads=["mood"]),
            "threads: 'mood' is not one of",
        ),
        (lambda d: d["steps"].reverse(), "comes after"),
        (
            lambda d: d.update(steps=[s for s in d["steps"] if s["stage"] != "reconstruction"]),
            "no step belongs to the stage 'reconstruction'",
        ),
        (
            lambda d: d["steps"][-1]["prompts"].pop(),
            "the stage 'reconstruction' needs a grid prompt",
        ),
    ],
)
def test_a_broken_guide_names_the_field(change, message):
    with pytest.raises(GuideError) as caught:
        parse_guide(_broken(change))
    assert message in str(caught.value)


def test_yaml_that_does_not_parse_is_a_guide_error():
    with pytest.raises(GuideError, match="not valid YAML"):
        load_guide("steps: [unclosed")


def test_answers_are_cleaned_and_checked():
    guide = shipped_guide()
    kept, problems = clean_answers(
        guide,
        {
            "incident_account": "  It happened.\r\nThen more.  ",
            "incident_why": "   ",
            "grid_before": "safe_uncertainty",
        },
    )
    assert kept == {
        "incident_account": "It happened.\nThen more.",
        "grid_before": "safe_uncertainty",
    }
    assert problems == []


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"grid_after": "somewhere"}, "Choose one of the four positions"),
        ({"incident_why": 42}, "must be text"),
        ({"incident_why": "x" * (MAX_ANSWER + 1)}, "characters long"),
        ({"not_a_prompt": "text"}, "'not_a_prompt' is not a question"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(answers, message):
    _, problems = clean_answers(shipped_guide(), answers)
    assert len(problems) == 1 and message in problems[0]
