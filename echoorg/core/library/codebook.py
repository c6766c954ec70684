"""The ECHO taxonomy as data: the codebook schema, its validation and its crosswalks.

A codebook is a YAML document (echoorg/library/data/codebook.yaml):

    id, version, title, description
    families: [{id, name, description}]
    codes: [{id, family, name, mechanism (optional), definition, use_when, not_when,
             example, crosswalk: {accimap, hfacs, turner (optional), vaughan (optional)}}]
    measured_by (optional): {diagnostic scale id: [code ids]}   the codes each scale of
             echoorg's culture diagnostic gives evidence about

`parse_codebook` refuses a bad document with a `LibraryError` whose message names the
field, for example ``codes[4].crosswalk.hfacs[0]: 'climate' is not one of ...``.
`parse_code` checks one code the same way; organisation-specific codes added in the app
go through it too.

The crosswalk vocabularies are the frameworks' own categories: Rasmussen's AcciMap
levels (1997), the nineteen HFACS categories (Shappell and Wiegmann), Turner's six stages
of a man-made disaster (1978) and Vaughan's three explanatory elements (1996).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._fields import (
    YAML_LOADER,
    LibraryError,
    choices,
    identifier,
    mapping,
    need,
    only_fields,
    optional_text,
    slug,
)

FAMILIES = ("socio_economic", "structural", "psychological", "protective")

ACCIMAP_LEVELS: dict[str, str] = {
    "government": "Government: laws and policy",
    "regulators": "Regulators and associations",
    "company": "Organisation: policies and procedures",
    "management": "Management: putting policy into practice",
    "staff": "Staff: the work people do",
    "work": "Work: equipment and setting",
}

HFACS_CATEGORIES: dict[str, str] = {
    "skill_based_error": "Unsafe acts: skill-based error",
    "decision_error": "Unsafe acts: decision error",
    "perceptual_error": "Unsafe acts: perceptual error",
    "routine_violation": "Unsafe acts: routine violation",
    "exceptional_violation": "Unsafe acts: exceptional violation",
    "physical_environment": "Preconditions: physical environment",
    "technological_environment": "Preconditions: technological environment",
    "adverse_mental_state": "Preconditions: adverse mental state",
    "adverse_physiological_state": "Preconditions: adverse physiological state",
    "physical_mental_limitations": "Preconditions: physical or mental limitations",
    "crew_resource_management": "Preconditions: crew (team) resource management",
    "personal_readiness": "Preconditions: personal readiness",
    "inadequate_supervision": "Unsafe supervision: inadequate supervision",
    "planned_inappropriate_operations": "Unsafe supervision: planned inappropriate operations",
    "failed_to_correct_known_problem": "Unsafe supervision: failure to correct a known problem",
    "supervisory_violation": "Unsafe supervision: supervisory violation",
    "resource_management": "Organisational influences: resource management",
    "organisational_climate": "Organisational influences: organisational climate",
    "organisational_process": "Organisational influences: organisational process",
}

TURNER_STAGES: dict[str, str] = {
    "notionally_normal": "1. Notionally normal starting point",
    "incubation": "2. Incubation period",
    "precipitating_event": "3. Precipitating event",
    "onset": "4. Onset",
    "rescue_and_salvage": "5. Rescue and salvage",
    "cultural_readjustment": "6. Full cultural readjustment",
}

VAUGHAN_MECHANISMS: dict[str, str] = {
    "normalisation_of_deviance": "Normalisation of deviance",
    "culture_of_production": "Culture of production",
    "structural_secrecy": "Structural secrecy",
}

_CODEBOOK_FIELDS = {
    "id",
    "version",
    "title",
    "description",
    "families",
    "codes",
    "measured_by",
}
_FAMILY_FIELDS = {"id", "name", "description"}
CODE_FIELDS = {
    "id",
    "family",
    "name",
    "mechanism",
    "definition",
    "use_when",
    "not_when",
    "example",
    "crosswalk",
}
_CROSSWALK_FIELDS = {"accimap", "hfacs", "turner", "vaughan"}


@dataclass(frozen=True)
class Crosswalk:
    accimap: tuple[str, ...]
    hfacs: tuple[str, ...]
    turner: tuple[str, ...] = ()
    vaughan: tuple[str, ...] = ()

    def labelled(self) -> dict[str, tuple[str, ...]]:
        """Each framework's categories by their labels, for pages and exports."""
        return {
            "AcciMap level": tuple(ACCIMAP_LEVELS[x] for x in self.accimap),
            "HFACS category": tuple(HFACS_CATEGORIES[x] for x in self.hfacs),
            "Turner stage": tuple(TURNER_STAGES[x] for x in self.turner),
            "Vaughan mechanism": tuple(VAUGHAN_MECHANISMS[x] for x in self.vaughan),
        }


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Code:
    id: str
    family: str
    name: str
    definition: str
    use_when: str
    not_when: str
    example: str
    crosswalk: Crosswalk
    # One of the mechanisms the ECHO article names (marketisation, managerialism and
    # targets, hubris, self-protection, silencing, coercive control).
    mechanism: bool = False


@dataclass(frozen=True)
class Codebook:
    id: str
    version: int
    title: str
    description: str
    families: tuple[Family, ...]
    codes: tuple[Code, ...]
    # diagnostic scale id -> the codes it gives evidence about
    measured_by: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def scales_measuring(self, code_id: str) -> tuple[str, ...]:
        """The diagnostic scales that give evidence about `code_id`."""
        return tuple(scale for scale, codes in self.measured_by if code_id in codes)

    def codes_measured_by(self, scale_id: str) -> tuple[str, ...]:
        return next((codes for scale, codes in self.measured_by if scale == scale_id), ())

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def code_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.codes)

    def code(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def family(self, family_id: str) -> Family:
        return next(f for f in self.families if f.id == family_id)

    def codes_of(self, family_id: str) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.family == family_id)

    @property
    def mechanisms(self) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.mechanism)


def parse_crosswalk(data: Any, where: str) -> Crosswalk:
    raw = mapping(data, where.rstrip("."))
    only_fields(raw, _CROSSWALK_FIELDS, where)
    return Crosswalk(
        accimap=choices(raw.get("accimap"), ACCIMAP_LEVELS, f"{where}accimap", at_least=1),
        hfacs=choices(raw.get("hfacs"), HFACS_CATEGORIES, f"{where}hfacs", at_least=1),
        turner=choices(raw.get("turner"), TURNER_STAGES, f"{where}turner"),
        vaughan=choices(raw.get("vaughan"), VAUGHAN_MECHANISMS, f"{where}vaughan"),
    )


def parse_code(data: Any, where: str = "", *, families: tuple[str, ...] = FAMILIES) -> Code:
    """Validate one code (a mapping of CODE_FIELDS) and build it."""
    raw = mapping(data, where.rstrip(".") or "code")
    only_fields(raw, CODE_FIELDS, where)
    code_id = identifier(need(raw, "id", where, str), f"{where}id")
    family = need(raw, "family", where, str)
    if family not in families:
        raise LibraryError(f"{where}family: '{family}' is not one of {', '.join(families)}.")
    mechanism = raw.get("mechanism", False)
    if not isinstance(mechanism, bool):
        raise LibraryError(f"{where}mechanism: must be true or false.")
    if "crosswalk" not in raw:
        raise LibraryError(f"{where}crosswalk: is required.")
    return Code(
        id=code_id,
        family=family,
        name=need(raw, "name", where, str),
        definition=need(raw, "definition", where, str),
        use_when=need(raw, "use_when", where, str),
        not_when=need(raw, "not_when", where, str),
        example=need(raw, "example", where, str),
        crosswalk=parse_crosswalk(raw["crosswalk"], f"{where}crosswalk."),
        mechanism=mechanism,
    )


def parse_codebook(data: Any) -> Codebook:
    """Validate a parsed codebook document and build the Codebook."""
    raw = mapping(data, "codebook")
    only_fields(raw, _CODEBOOK_FIELDS, "")
    codebook_id = slug(need(raw, "id", "", str), "id")
    version = need(raw, "version", "", int)
    if version < 1:
        raise LibraryError("version: must be 1 or more.")
    title = need(raw, "title", "", str)
    description = optional_text(raw, "description", "")

    families: list[Family] = []
    raw_families = need(raw, "families", "", list)
    for n, item in enumerate(raw_families):
        where = f"families[{n}]."
        fam = mapping(item, f"families[{n}]")
        only_fields(fam, _FAMILY_FIELDS, where)
        fid = need(fam, "id", where, str)
        if fid not in FAMILIES:
            raise LibraryError(f"{where}id: '{fid}' is not one of {', '.join(FAMILIES)}.")
        if any(f.id == fid for f in families):
            raise LibraryError(f"{where}id: '{fid}' is used by another family.")
        families.append(
            Family(fid, need(fam, "name", where, str), need(fam, "description", where, str))
        )
    missing = [f for f in FAMILIES if f not in {x.id for x in families}]
    if missing:
        raise LibraryError(f"families: the family '{missing[0]}' is missing.")

    codes: list[Code] = []
    for n, item in enumerate(need(raw, "codes", "", list)):
        code = parse_code(item, f"codes[{n}].")
        if any(c.id == code.id for c in codes):
            raise LibraryError(f"codes[{n}].id: '{code.id}' is used by another code.")
        codes.append(code)
    for family in families:
        if not any(c.family == family.id for c in codes):
            raise LibraryError(f"families: the family '{family.id}' has no codes.")
    measured_by: list[tuple[str, tuple[str, ...]]] = []
    raw_measured = raw.get("measured_by") or {}
    if not isinstance(raw_measured, dict):
        raise LibraryError("measured_by: must be a mapping of diagnostic scale ids to codes.")
    known = {c.id: c.id for c in codes}
    for scale, code_ids in raw_measured.items():
        scale = identifier(str(scale), f"measured_by.{scale}")
        measured_by.append((scale, choices(code_ids, known, f"measured_by.{scale}", at_least=1)))
    return Codebook(
        codebook_id,
        version,
        title,
        description,
        tuple(families),
        tuple(codes),
        tuple(measured_by),
    )


def load_codebook_text(text: str) -> Codebook:
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise LibraryError(f"codebook: not valid YAML{where}.") from None
    return parse_codebook(data)


def load_codebook(path: Path) -> Codebook:
    return load_codebook_text(path.read_text(encoding="utf-8"))
