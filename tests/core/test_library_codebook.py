"""The ECHO taxonomy codebook: the shipped file and the schema's field-named errors."""

from __future__ import annotations

import copy

import pytest
import yaml

from echoorg.core.diagnostic.instrument import find_instrument
from echoorg.core.library.codebook import (
    FAMILIES,
    LibraryError,
    load_codebook_text,
    parse_code,
    parse_codebook,
)
from echoorg.core.library.shipped import CODEBOOK_PATH, library

SHIPPED = yaml.safe_load(CODEBOOK_PATH.read_text(encoding="utf-8"))
ARTICLE_MECHANISMS = {
    "marketisation",
    "managerialism_targets",
    "hubris",
    "self_protection",
    "silencing",
    "coercive_control",
}


def _refused(data) -> str:
    with pytest.raises(LibraryError) as caught:
        parse_codebook(data)
    return str(caught.value)


def test_the_shipped_codebook_has_every_family_and_the_articles_mechanisms():
    codebook = library().codebook
    assert codebook.key == "echo-taxonomy@1"
    assert {f.id for f in codebook.families} == set(FAMILIES)
    for family in FAMILIES:
        assert len(codebook.codes_of(family)) >= 3, family
    assert {c.id for c in codebook.mechanisms} == ARTICLE_MECHANISMS
    protective = {c.id for c in codebook.codes_of("protective")}
    assert {
        "compassion",
        "professional_curiosity",
        "critical_reflection",
        "listening_to_service_users",
        "safe_challenge",
    } <= protective


def test_every_code_has_its_crosswalk_and_example():
    for code in library().codebook.codes:
        assert code.crosswalk.accimap and code.crosswalk.hfacs, code.id
        assert "echoorg" in code.example, f"{code.id}: the example is not written for echoorg"
        labelled = code.crosswalk.labelled()
        assert len(labelled["AcciMap level"]) == len(code.crosswalk.accimap)


def test_vaughan_and_turner_hooks_are_used_where_they_apply():
    codebook = library().codebook
    assert codebook.code("normalised_deviance").crosswalk.vaughan == ("normalisation_of_deviance",)
    assert "structural_secrecy" in codebook.code("blocked_information").crosswalk.vaughan
    assert codebook.code("compassion").crosswalk.vaughan == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "version: is required."),
        (lambda d: d.update(version=0), "version: must be 1 or more."),
        (lambda d: d.update(colour="red"), "colour: is not a field of the schema"),
        (lambda d: d["families"].pop(), "families: the family 'protective' is missing."),
        (
            lambda d: d["codes"][0]["crosswalk"]["hfacs"].__setitem__(0, "climate"),
            "codes[0].crosswalk.hfacs[0]: 'climate' is not one of",
        ),
        (
            lambda d: d["codes"][1].update(family="economic"),
            "codes[1].family: 'economic' is not one of socio_economic",
        ),
        (lambda d: d["codes"][2].pop("not_when"), "codes[2].not_when: is required."),
        (lambda d: d["codes"][2].update(example="  "), "codes[2].example: must not be empty."),
        (
            lambda d: d["codes"][3].update(id=d["codes"][0]["id"]),
            "codes[3].id: 'marketisation' is used by another code.",
        ),
        (
            lambda d: d["codes"][0]["crosswalk"].update(accimap=[]),
            "codes[0].crosswalk.accimap: needs at least 1.",
        ),
        (
            lambda d: d["codes"][0]["crosswalk"].update(turner=["incubation", "incubation"]),
            "codes[0].crosswalk.turner[1]: 'incubation' is listed twice.",
        ),
        (lambda d: d["codes"][0].update(mechanism="yes"), "codes[0].mechanism: must be true"),
        (lambda d: d["codes"][0].update(id="Market"), "codes[0].id: 'Market' must be lower-case"),
        (
            lambda d: d["measured_by"].update(threat=["bravado"]),
            "measured_by.threat[0]: 'bravado' is not one of",
        ),
        (lambda d: d.update(measured_by=["threat"]), "measured_by: must be a mapping"),
    ],
)
def test_a_broken_codebook_is_refused_naming_the_field(change, message):
    data = copy.deepcopy(SHIPPED)
    change(data)
    assert message in _refused(data)


def test_a_family_without_codes_is_refused():
    data = copy.deepcopy(SHIPPED)
    data["codes"] = [c for c in data["codes"] if c["family"] != "protective"]
    assert _refused(data) == "families: the family 'protective' has no codes."


def test_not_yaml_is_refused_with_the_line():
    with pytest.raises(LibraryError, match=r"codebook: not valid YAML \(line 2\)"):
        load_codebook_text("id: x\n  - : [\n")


def test_parse_code_checks_a_single_code_as_organisations_add_them():
    code = parse_code(copy.deepcopy(SHIPPED["codes"][0]))
    assert code.id == "marketisation" and code.mechanism
    with pytest.raises(LibraryError, match=r"^crosswalk: is required\.$"):
        parse_code({k: v for k, v in SHIPPED["codes"][0].items() if k != "crosswalk"})


def test_every_diagnostic_scale_says_which_codes_it_measures():
    instrument = find_instrument("echo-culture-v1")
    codebook = library().codebook
    assert {scale for scale, _ in codebook.measured_by} == {s.id for s in instrument.scales}
    assert "coercive_control" in codebook.codes_measured_by("coercive_control")
    assert set(codebook.scales_measuring("hubris")) == {"hubris_staff", "hubris_self"}
