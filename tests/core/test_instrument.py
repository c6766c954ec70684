from __future__ import annotations

import copy

import pytest
import yaml

from echoorg.core.diagnostic.instrument import (
    InstrumentError,
    find_instrument,
    load_instrument_text,
    parse_instrument,
    shipped_instruments,
)

SHIPPED = yaml.safe_load(shipped_instruments()["echo-culture-v1"].read_text())
REQUIRED_SCALES = {
    "threat",
    "drive",
    "soothing",
    "speaking_up",
    "psych_safety",
    "compassionate_leadership",
    "moral_distress",
    "coercive_control",
    "hubris_staff",
    "hubris_self",
}


def test_the_shipped_instrument_covers_every_construct():
    instrument = find_instrument("echo-culture-v1")
    assert {s.id for s in instrument.scales} == REQUIRED_SCALES
    assert instrument.response_scale.min == 1 and instrument.response_scale.max == 5
    for scale in instrument.scales:
        items = instrument.items_of(scale.id)
        assert len(items) >= 4, scale.id
        assert any(i.reverse for i in items), f"{scale.id} has no reverse-keyed item"
        assert scale.source
    assert {i.audience for i in instrument.items_of("hubris_self")} == {"leaders"}
    assert {i.audience for i in instrument.items_of("hubris_staff")} == {"staff"}


def test_compassionate_leadership_has_an_item_per_behaviour():
    text = " ".join(
        i.text.lower()
        for i in find_instrument("echo-culture-v1").items_of("compassionate_leadership")
    )
    assert len(find_instrument("echo-culture-v1").items_of("compassionate_leadership")) >= 4
    assert text


def broken(path: str, value) -> dict:
    data = copy.deepcopy(SHIPPED)
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", KeyError, "id: is required"),
        ("version", "one", "version: must be a whole number"),
        ("version", 0, "version: must be 1 or more"),
        ("response_scale.max", 1, "response_scale.max: must be greater"),
        ("response_scale.labels", ["a", "b"], "response_scale.labels: needs 5 text labels"),
        ("scales.0.id", "Threat!", "scales[0].id: 'Threat!' must be letters (either case)"),
        ("scales.0.source", KeyError, "scales[0].source: is required"),
        ("items.0.scale", "thret", "items[0].scale: 'thret' is not one of the scales"),
        ("items.0.reverse", "no", "items[0].reverse: must be true or false"),
        ("items.1.id", "thr1", "items[1].id: 'thr1' is used by another item"),
        ("items.0.audience", "managers", "items[0].audience: must be one of"),
        ("items.0.colour", "red", "items[0].colour: is not a field of the schema"),
        ("demographics.0.options", ["only"], "demographics[0].options: needs at least two"),
    ],
)
def test_a_bad_document_is_refused_naming_the_field(path, value, message):
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(broken(path, value))
    assert str(caught.value).startswith(message)


def test_a_scale_without_items_is_refused():
    data = copy.deepcopy(SHIPPED)
    data["scales"].append({"id": "empty", "name": "E", "description": "d", "source": "s"})
    with pytest.raises(InstrumentError, match="scale 'empty' has no items"):
        parse_instrument(data)


def test_text_that_is_not_yaml_is_refused_with_its_line():
    with pytest.raises(InstrumentError, match=r"not valid YAML \(line 2\)"):
        load_instrument_text("id: x\n  - : [\n")


def test_an_unknown_instrument_is_explained(tmp_path):
    with pytest.raises(InstrumentError, match="neither a shipped instrument"):
        find_instrument(str(tmp_path / "missing.yaml"))


def test_an_instrument_file_can_be_used_by_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(broken("id", "mine")))
    assert find_instrument(str(path)).key == "mine@1"


def test_a_background_question_cannot_reuse_an_id():
    data = copy.deepcopy(SHIPPED)
    data["demographics"].append(dict(data["demographics"][0]))
    with pytest.raises(InstrumentError, match=r"demographics\[2\].id: 'staff_group' is used"):
        parse_instrument(data)
    data = copy.deepcopy(SHIPPED)
    data["demographics"][0]["id"] = "thr1"
    with pytest.raises(InstrumentError, match="'thr1' is used by another question"):
        parse_instrument(data)


def test_the_shipped_comment_questions_each_name_a_scale():
    instrument = find_instrument("echo-culture-v1")
    assert [q.scale for q in instrument.comments] == [
        "threat",
        "drive",
        "soothing",
        "speaking_up",
        "compassionate_leadership",
    ]
    assert all(q.question.endswith("?") for q in instrument.comments)


def test_an_instrument_without_comment_questions_still_loads():
    data = copy.deepcopy(SHIPPED)
    del data["comments"]
    assert parse_instrument(data).comments == ()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("comments", "c_pressure", "comments: must be a list."),
        ("comments.0", "c_pressure", "comments[0]: must be a mapping."),
        ("comments.0.scale", "thret", "comments[0].scale: 'thret' is not one of the scales ("),
        ("comments.0.scale", KeyError, "comments[0].scale: is required."),
        ("comments.0.question", "  ", "comments[0].question: must not be empty."),
        ("comments.0.question", 3, "comments[0].question: must be text, not int."),
        ("comments.1.id", "c_pressure", "comments[1].id: 'c_pressure' is used by another"),
        ("comments.1.id", "C_Pressure", "as 'c_pressure' (ids may not differ only in case)"),
        ("comments.0.id", "thr1", "comments[0].id: 'thr1' is used by another question."),
        ("comments.0.id", "staff_group", "comments[0].id: 'staff_group' is used by another"),
        ("comments.0.id", "Comment", "comments[0].id: 'Comment' is reserved for the closing"),
        ("comments.0.id", "c-1", "comments[0].id: 'c-1' must be letters (either case)"),
        ("comments.0.theme", "threat", "comments[0].theme: is not a field of the schema"),
    ],
)
def test_a_bad_comment_question_is_refused_naming_the_field(path, value, message):
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(broken(path, value))
    assert str(caught.value).startswith(path.split(".")[0]) and message in str(caught.value)
