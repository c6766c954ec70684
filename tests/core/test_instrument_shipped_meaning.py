"""Waves frozen before the scales' meaning fields existed take them from the shipped
instrument of the same id and version, only when the items are the same."""

import yaml

from echoorg.core.diagnostic.instrument import (
    load_instrument_text,
    shipped_instruments,
    with_shipped_meaning,
)

MEANING = ("direction", "meaning", "worth_looking_at", "conversation_guide", "same_items_as")


def _shipped_document() -> dict:
    return yaml.safe_load(shipped_instruments()["echo-culture-v1"].read_text(encoding="utf-8"))


def _without_meaning(document: dict) -> dict:
    for scale in document["scales"]:
        for field in MEANING:
            scale.pop(field, None)
    return document


def test_an_old_frozen_copy_gets_the_shipped_meaning():
    shipped = load_instrument_text(yaml.safe_dump(_shipped_document()))
    old = load_instrument_text(yaml.safe_dump(_without_meaning(_shipped_document())))
    assert all(s.direction is None and not s.meaning for s in old.scales)
    filled = with_shipped_meaning(old)
    assert [s.direction for s in filled.scales] == [s.direction for s in shipped.scales]
    assert [s.meaning for s in filled.scales] == [s.meaning for s in shipped.scales]
    threat = next(s for s in filled.scales if s.id == "threat")
    assert threat.direction == "higher_is_worse" and threat.meaning
    # Scoring is untouched: the same items, in the same order.
    assert filled.items == old.items


def test_a_frozen_copy_with_other_items_stays_as_it_was():
    document = _without_meaning(_shipped_document())
    document["items"][0]["text"] = document["items"][0]["text"] + " (reworded)"
    old = load_instrument_text(yaml.safe_dump(document))
    assert with_shipped_meaning(old) is old


def test_a_frozen_copy_of_another_version_stays_as_it_was():
    document = _without_meaning(_shipped_document())
    document["version"] = int(document["version"]) + 1
    old = load_instrument_text(yaml.safe_dump(document))
    assert with_shipped_meaning(old) is old


def test_a_scale_that_states_its_own_meaning_keeps_it():
    document = _shipped_document()
    for scale in document["scales"]:
        if scale["id"] == "threat":
            scale["meaning"] = "This organisation's own sentence about threat."
    own = load_instrument_text(yaml.safe_dump(document))
    threat = next(s for s in with_shipped_meaning(own).scales if s.id == "threat")
    assert threat.meaning == "This organisation's own sentence about threat."
