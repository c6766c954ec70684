"""The scenarios echoorg ships: each compiled Ink file in ink/ (its source beside it),
read once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from echoorg.core.scenarios.story import ScenarioInfo, info

INK_FOLDER = Path(__file__).resolve().parent / "ink"


@dataclass(frozen=True)
class Scenario:
    id: str
    compiled: str
    info: ScenarioInfo

    @property
    def title(self) -> str:
        return self.info.title


@functools.cache
def scenarios() -> dict[str, Scenario]:
    """Every shipped scenario by id (its file name without `.ink.json`), by title."""
    found = []
    for path in sorted(INK_FOLDER.glob("*.ink.json")):
        compiled = path.read_text(encoding="utf-8-sig")
        found.append(Scenario(path.name.removesuffix(".ink.json"), compiled, info(compiled)))
    return {s.id: s for s in sorted(found, key=lambda s: s.title)}


def scenario(scenario_id: str) -> Scenario | None:
    return scenarios().get(scenario_id)
