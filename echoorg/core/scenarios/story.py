"""Playing an Ink scenario one decision at a time with the bink runtime, without Django.

A scenario is compiled Ink JSON (inkle's format, compiled by inkjs's compiler: `make
scenarios`). A learner's progress is the runtime's own saved state (JSON text), taken at
each choice point, so a web request loads it, applies one choice and saves it again;
the learner can leave and come back at any time.

What the scenarios agree to (tests/core/test_scenario_paths.py checks every path):
- global tags at the top name the scenario: `# title: ...`, `# summary: ...`,
  `# fictional: ...` (why it is a fictional composite) and `# role: ...`;
- integer variables `threat`, `drive` and `soothing` (Gilbert's three systems, 0 to 10)
  and `safety` (the outcome so far for the people at risk), and a string `ending`;
- each choice carries `# code: <ECHO code>` tags naming the pattern the choice shows
  (the case library's codebook);
- every path passes through the knot `debrief`, then one ending knot that sets `ending`
  and tags its line `# ending: <title>`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bink.story import Story

SYSTEMS = ("threat", "drive", "soothing")
DEBRIEF_KNOT = "debrief"


class ScenarioError(Exception):
    """The runtime reported an error or warning, or a choice or saved state is unusable."""


@dataclass(frozen=True)
class Systems:
    """The Ink variables after a step: the three systems (0 to 10) and the outcome for the
    people at risk (positive: safer)."""

    threat: int
    drive: int
    soothing: int
    safety: int

    def as_dict(self) -> dict[str, int]:
        return {
            "threat": self.threat,
            "drive": self.drive,
            "soothing": self.soothing,
            "safety": self.safety,
        }


@dataclass(frozen=True)
class Line:
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """One choice on offer: its position (what the runtime is told), text and ECHO codes."""

    index: int
    text: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Passage:
    """What the learner sees after a step: the text since the last choice, the choices now
    on offer (none once the story has ended), and where the story stands."""

    lines: tuple[Line, ...]
    options: tuple[Option, ...]
    state: str
    systems: Systems
    ended: bool
    reached_debrief: bool
    ending: str
    ending_title: str

    def to_json(self) -> dict[str, Any]:
        """What a page needs to show the passage again later (no runtime state)."""
        return {
            "lines": [{"text": line.text, "tags": list(line.tags)} for line in self.lines],
            "options": [
                {"index": o.index, "text": o.text, "codes": list(o.codes)} for o in self.options
            ],
            "ending": self.ending,
            "ending_title": self.ending_title,
        }


@dataclass(frozen=True)
class Taken:
    """A choice the learner made: the knot it was made in, its index, text and codes."""

    knot: str
    index: int
    text: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class ScenarioInfo:
    title: str
    summary: str
    fictional: str
    role: str


def tag_value(tag: str, name: str) -> str | None:
    """`"code: silencing"` -> "silencing" for name "code"; None for another tag."""
    key, sep, value = tag.partition(":")
    if sep and key.strip() == name:
        return value.strip()
    return None


def _new_story(compiled: str) -> tuple[Story, list[str]]:
    problems: list[str] = []
    try:
        story = Story(compiled.lstrip("\ufeff"))
    except Exception as exc:  # the runtime reports a bad file as a generic failure
        raise ScenarioError(f"The compiled scenario could not be loaded: {exc}") from exc

    def report(message: str, is_error: bool) -> None:
        problems.append(("error: " if is_error else "warning: ") + message)

    story.set_error_handler(report)
    return story, problems


def info(compiled: str) -> ScenarioInfo:
    """The scenario's title, summary, fictional-composite note and the learner's role."""
    story, _ = _new_story(compiled)
    found: dict[str, str] = {}
    for tag in story.get_global_tags():
        key, _, value = str(tag).partition(":")
        found.setdefault(key.strip(), value.strip())
    missing = [k for k in ("title", "summary", "fictional", "role") if not found.get(k)]
    if missing:
        raise ScenarioError(f"The scenario has no global tag for: {', '.join(missing)}.")
    return ScenarioInfo(found["title"], found["summary"], found["fictional"], found["role"])


def _systems(story: Story) -> Systems:
    values = [story.get_variable(name) for name in (*SYSTEMS, "safety")]
    if not all(isinstance(v, int) for v in values):
        raise ScenarioError("The scenario's threat, drive, soothing and safety must be numbers.")
    return Systems(*values)


def _advance(story: Story, problems: list[str]) -> Passage:
    """Continue to the next choice point (or the end) and describe it."""
    lines: list[Line] = []
    ending_title = ""
    try:
        while story.can_continue():
            text = story.cont()
            tags = tuple(str(t) for t in story.get_current_tags())
            for tag in tags:
                ending_title = tag_value(tag, "ending") or ending_title
            if text.strip() or tags:
                lines.append(Line(text.strip(), tags))
        choices = story.get_current_choices()
        options = tuple(
            Option(
                i,
                choices[i],
                tuple(
                    v
                    for v in (tag_value(str(t), "code") for t in choices.get_tags(i))
                    if v is not None
                ),
            )
            for i in range(len(choices))
        )
    except Exception as exc:
        raise ScenarioError(f"The scenario stopped with an error: {exc}") from exc
    if problems:
        raise ScenarioError("; ".join(problems))
    ending = story.get_variable("ending")
    return Passage(
        lines=tuple(lines),
        options=options,
        state=story.save_state(),
        systems=_systems(story),
        ended=not options and not story.can_continue(),
        reached_debrief=story.get_visit_count_at_path_string(DEBRIEF_KNOT) > 0,
        ending=ending if isinstance(ending, str) else "",
        ending_title=ending_title,
    )


def start(compiled: str) -> Passage:
    """The opening passage of a scenario, up to its first choice."""
    story, problems = _new_story(compiled)
    return _advance(story, problems)


def _loaded(compiled: str, state: str) -> tuple[Story, list[str]]:
    story, problems = _new_story(compiled)
    try:
        json.loads(state)
        story.load_state(state)
    except Exception as exc:
        raise ScenarioError("The saved progress could not be read.") from exc
    return story, problems


def choose(compiled: str, state: str, index: int) -> tuple[Taken, Passage]:
    """Apply choice `index` at the choice point saved in `state`; returns the choice made
    and the passage it leads to."""
    story, problems = _loaded(compiled, state)
    choices = story.get_current_choices()
    if not 0 <= index < len(choices):
        raise ScenarioError("That choice is not on offer at this point of the scenario.")
    text = choices[index]
    codes = tuple(
        v for v in (tag_value(str(t), "code") for t in choices.get_tags(index)) if v is not None
    )
    try:
        story.choose_choice_index(index)
        knot = story.get_current_path().split(".")[0]
    except Exception as exc:
        raise ScenarioError(f"The scenario refused the choice: {exc}") from exc
    return Taken(knot, index, text, codes), _advance(story, problems)


@dataclass(frozen=True)
class Exploration:
    """Every path of a scenario, walked: how many distinct choice points and ends were
    met, the fewest and most decisions on a path, the endings reached, and what went
    wrong (paths that stop without `debrief` or an ending, runtime errors)."""

    choice_points: int
    ends: int
    fewest_decisions: int
    most_decisions: int
    endings: frozenset[str]
    codes: frozenset[str]
    problems: tuple[str, ...]


def explore(compiled: str, on_step: Callable[[int], None] | None = None) -> Exploration:
    """Walk every path of the scenario (depth first, saving and restoring the runtime's
    state at each choice point). A choice point met again with the same choices on offer
    and the same variables has the same futures, so it is explored once: the walk covers
    every path while staying finite. `on_step` is told the number of points explored."""
    story, problems = _new_story(compiled)
    seen: set[str] = set()
    endings: set[str] = set()
    codes: set[str] = set()
    found: list[str] = []
    ends, fewest, most = 0, 10**9, 0
    stack: list[tuple[str, int, tuple[int, ...]]] = [(story.save_state(), 0, ())]
    while stack:
        state, decisions, trail = stack.pop()
        story.load_state(state)
        try:
            passage = _advance(story, problems)
        except ScenarioError as exc:
            found.append(f"{exc} after choices {list(trail)}")
            problems.clear()
            continue
        if not passage.options:
            ends += 1
            fewest, most = min(fewest, decisions), max(most, decisions)
            if not passage.reached_debrief:
                found.append(f"a path ends without reaching debrief: {list(trail)}")
            elif not passage.ending or not passage.ending_title:
                found.append(f"a path reaches debrief but names no ending: {list(trail)}")
            else:
                endings.add(passage.ending)
            continue
        key = json.dumps([[o.text for o in passage.options], passage.systems.as_dict()])
        if key in seen:
            continue
        seen.add(key)
        if on_step:
            on_step(len(seen))
        here = passage.state
        for option in passage.options:
            codes.update(option.codes)
            if not option.codes:
                found.append(f"choice {option.text!r} has no code tag")
            story.load_state(here)
            story.choose_choice_index(option.index)
            stack.append((story.save_state(), decisions + 1, (*trail, option.index)))
    return Exploration(
        choice_points=len(seen),
        ends=ends,
        fewest_decisions=fewest if ends else 0,
        most_decisions=most,
        endings=frozenset(endings),
        codes=frozenset(codes),
        problems=tuple(found),
    )
