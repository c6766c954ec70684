"""The codebook and case files that ship with echoorg (echoorg/library/data/).

They are read once per process: the files change only with a release, and every page of
the library reads them. `library()` gives both, checked against each other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .cases import SECTORS, Case, load_case
from .codebook import Codebook, load_codebook

DATA_DIR = Path(__file__).resolve().parents[2] / "library" / "data"
CODEBOOK_PATH = DATA_DIR / "codebook.yaml"
CASES_DIR = DATA_DIR / "cases"


@dataclass(frozen=True)
class Library:
    codebook: Codebook
    cases: tuple[Case, ...]  # by title

    def case(self, case_id: str) -> Case | None:
        return next((c for c in self.cases if c.id == case_id), None)

    def cases_with(self, code_id: str) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if code_id in c.code_ids)

    @property
    def speak_up_steps(self) -> frozenset[str]:
        """The speak-up steps (echoorg's vocabulary) that at least one case's events show:
        a concern's step of one of these kinds can lead to them."""
        return frozenset(e.speak_up_step for c in self.cases for e in c.events if e.speak_up_step)

    @property
    def scales(self) -> frozenset[str]:
        """The diagnostic scales the codebook says give evidence about some code."""
        return frozenset(scale for scale, _ in self.codebook.measured_by)

    @property
    def sectors(self) -> tuple[str, ...]:
        """The sectors that have at least one case, in the order of cases.SECTORS."""
        present = {c.sector for c in self.cases}
        return tuple(s for s in SECTORS if s in present)


def case_paths() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


@functools.cache
def library() -> Library:
    """The shipped codebook and every shipped case (raises LibraryError on a bad file)."""
    codebook = load_codebook(CODEBOOK_PATH)
    cases = [load_case(path, codebook.code_ids) for path in case_paths()]
    return Library(codebook, tuple(sorted(cases, key=lambda c: c.title.lower())))
