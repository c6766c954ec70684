"""The guided critical reflection: its prompts (a data file) and Mason's safe-uncertainty grid.

The prompts live in `data/reflection_prompts.yaml`; `parse_guide` checks a document
against the schema and names the field of every problem, so a mistaken edit of the file
fails the tests rather than a leader's page. Sources of the structure: Fook and Gardner
(2007), *Practising Critical Reflection*, two stages on a concrete critical incident;
Mason (1993), "Towards positions of safe uncertainty", Human Systems 4:189-200, for the
grid; Gilbert et al. (2017), J. Compassionate Health Care 4:4, for compassion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
PROMPTS_FILE = DATA / "reflection_prompts.yaml"

# The order the stages come in (Fook and Gardner: the incident, then the two stages).
STAGES: dict[str, str] = {
    "incident": "The incident",
    "deconstruction": "Stage 1: deconstruction",
    "reconstruction": "Stage 2: reconstruction",
}
KINDS = ("text", "grid")
THREADS: dict[str, str] = {
    "curiosity": "Professional curiosity",
    "compassion": "Compassion",
    "power": "Power",
}
# The longest answer kept for one prompt (characters): about ten pages of text.
MAX_ANSWER = 20_000
MAX_TITLE = 200

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class GridPosition:
    """One of the four positions of Mason's grid: how safe, and how certain."""

    id: str
    label: str
    safe: bool
    certain: bool
    meaning: str


# Mason (1993). The wording of the meanings is echoorg's own.
GRID: tuple[GridPosition, ...] = (
    GridPosition(
        "unsafe_certainty",
        "Unsafe certainty",
        safe=False,
        certain=True,
        meaning="Sure of the answer and acting on it fast; other views feel like a threat.",
    ),
    GridPosition(
        "safe_certainty",
        "Safe certainty",
        safe=True,
        certain=True,
        meaning="Reassured that everything is under control; questions seem unnecessary.",
    ),
    GridPosition(
        "unsafe_uncertainty",
        "Unsafe uncertainty",
        safe=False,
        certain=False,
        meaning="Unsure and anxious, without a way to move forward; risk feels out of hand.",
    ),
    GridPosition(
        "safe_uncertainty",
        "Safe uncertainty",
        safe=True,
        certain=False,
        meaning="Open to not knowing yet, curious and working with others; safe enough "
        "to keep asking.",
    ),
)
GRID_IDS = frozenset(p.id for p in GRID)


class GuideError(ValueError):
    """A prompts document that breaks the schema; the message names the field."""


@dataclass(frozen=True)
class Prompt:
    """One question of the reflection. `kind` is "text" or "grid"; `threads` names the
    strands it belongs to (curiosity, compassion, power)."""

    id: str
    question: str
    help: str
    kind: str
    threads: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A group of prompts on one page section, within one of the STAGES."""

    id: str
    stage: str
    title: str
    intro: str
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class Guide:
    """The whole reflection: its steps in order."""

    version: int
    title: str
    steps: tuple[Step, ...]

    @property
    def prompts(self) -> tuple[Prompt, ...]:
        return tuple(p for s in self.steps for p in s.prompts)

    @property
    def prompt_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.prompts)

    def prompt(self, prompt_id: str) -> Prompt:
        """The prompt called `prompt_id`; KeyError if there is none."""
        for p in self.prompts:
            if p.id == prompt_id:
                return p
        raise KeyError(prompt_id)


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise GuideError(f"{where}{key}: is required.")
        return ""
    if not isinstance(value, str):
        raise GuideError(f"{where}{key}: must be text, not {type(value).__name__}.")
    value = " ".join(value.split())
    if required and not value:
        raise GuideError(f"{where}{key}: must not be empty.")
    return value


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise GuideError(f"{where}: must be a mapping, not {type(value).__name__}.")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise GuideError(f"{where}: must be a list with at least one entry.")
    return value


def _identifier(data: Mapping[str, Any], where: str, seen: set[str]) -> str:
    ident = _text(data, "id", where)
    if not _ID.match(ident):
        raise GuideError(f"{where}id: '{ident}' must be lower-case letters, digits and _.")
    if ident in seen:
        raise GuideError(f"{where}id: '{ident}' is used twice.")
    seen.add(ident)
    return ident


def _prompt(raw: object, where: str, seen: set[str]) -> Prompt:
    data = _mapping(raw, where.rstrip("."))
    ident = _identifier(data, where, seen)
    kind = data.get("kind", "text")
    if kind not in KINDS:
        raise GuideError(f"{where}kind: '{kind}' is not one of {', '.join(KINDS)}.")
    threads = data.get("threads", [])
    if not isinstance(threads, list):
        raise GuideError(f"{where}threads: must be a list.")
    for thread in threads:
        if thread not in THREADS:
            raise GuideError(f"{where}threads: '{thread}' is not one of {', '.join(THREADS)}.")
    return Prompt(
        id=ident,
        question=_text(data, "question", where),
        help=_text(data, "help", where, required=False),
        kind=str(kind),
        threads=tuple(threads),
    )


def parse_guide(document: object) -> Guide:
    """Check a prompts document (parsed YAML) and build the Guide.

    Input: the mapping loaded from a prompts file. Output: a Guide. Raises GuideError
    naming the field (`steps[2].prompts[0].kind: ...`) when a field is missing or of the
    wrong type, an id is reused, a stage is unknown or out of order, a stage has no step,
    or the deconstruction and reconstruction stages do not each ask for a grid position
    (where the leader stood before, and stands after).
    """
    data = _mapping(document, "document")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise GuideError("version: must be a whole number of at least 1.")
    title = _text(data, "title", "")
    steps: list[Step] = []
    step_ids: set[str] = set()
    prompt_ids: set[str] = set()
    order = list(STAGES)
    for i, raw_step in enumerate(_list(data.get("steps"), "steps")):
        where = f"steps[{i}]."
        step = _mapping(raw_step, where.rstrip("."))
        ident = _identifier(step, where, step_ids)
        stage = step.get("stage")
        if stage not in STAGES:
            raise GuideError(f"{where}stage: '{stage}' is not one of {', '.join(STAGES)}.")
        if steps and order.index(stage) < order.index(steps[-1].stage):
            raise GuideError(
                f"{where}stage: '{stage}' comes after '{steps[-1].stage}'; the stages run "
                f"in the order {', '.join(STAGES)}."
            )
        prompts = tuple(
            _prompt(p, f"{where}prompts[{j}].", prompt_ids)
            for j, p in enumerate(_list(step.get("prompts"), f"{where}prompts"))
        )
        steps.append(
            Step(
                id=ident,
                stage=str(stage),
                title=_text(step, "title", where),
                intro=_text(step, "intro", where, required=False),
                prompts=prompts,
            )
        )
    for stage in STAGES:
        if not any(s.stage == stage for s in steps):
            raise GuideError(f"steps: no step belongs to the stage '{stage}'.")
    for stage in ("deconstruction", "reconstruction"):
        if not any(p.kind == "grid" for s in steps if s.stage == stage for p in s.prompts):
            raise GuideError(
                f"steps: the stage '{stage}' needs a grid prompt (the safe-uncertainty "
                "position before and after)."
            )
    return Guide(version=version, title=title, steps=tuple(steps))


def load_guide(text: str) -> Guide:
    """Parse YAML text into a Guide; GuideError for YAML that does not parse, too."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise GuideError(f"document: not valid YAML ({exc}).") from None
    return parse_guide(document)


@cache
def shipped_guide() -> Guide:
    """The guide shipped with echoorg (parsed once per process)."""
    return load_guide(PROMPTS_FILE.read_text(encoding="utf-8"))


def clean_answers(guide: Guide, answers: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Keep the answers that belong to `guide`, checked.

    Input: prompt id -> submitted value. Output: (answers, problems): text answers with
    their line endings normalised and surrounding space removed, grid answers that name
    one of the four positions; blank answers are left out. A value that is not text, a
    grid answer that is not a position, or an answer longer than MAX_ANSWER characters is
    a problem (one sentence naming the question); unknown prompt ids are problems too.
    """
    kept: dict[str, str] = {}
    problems: list[str] = []
    for key in answers:
        if key not in guide.prompt_ids:
            problems.append(f"'{key}' is not a question of this reflection.")
    for prompt in guide.prompts:
        value = answers.get(prompt.id)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"{prompt.question} The answer must be text.")
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not value:
            continue
        if prompt.kind == "grid":
            if value not in GRID_IDS:
                problems.append(f"{prompt.question} Choose one of the four positions.")
                continue
        elif len(value) > MAX_ANSWER:
            problems.append(
                f"{prompt.question} The answer is {len(value):,} characters long; "
                f"the most kept is {MAX_ANSWER:,}."
            )
            continue
        kept[prompt.id] = value
    return kept, problems


def grid_position(position_id: str) -> GridPosition | None:
    """The grid position called `position_id`, or None."""
    return next((p for p in GRID if p.id == position_id), None)
