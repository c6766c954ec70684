"""What a wave's published results and action plan hold, decided without Django.

After a wave closes, leaders write an action plan ("what you told us", then what they
will do, by whom and by when) and publish it to every member of staff with the whole
organisation's figures. Two rules live here:

- `organisation_figures`: staff see the whole organisation's row only, and only the
  figures that are already shown to leaders after suppression (a suppressed row gives
  nothing, a withheld scale stays withheld). Nothing finer than what leaders see, and
  no unit of the organisation, is ever published to staff.
- `plan_progress`: how far the plan has come (planned, in progress, done, overdue), as
  staff read it beside the actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"
STATUSES: dict[str, str] = {PLANNED: "Planned", IN_PROGRESS: "In progress", DONE: "Done"}

# Limits that keep a published page readable and a bad request small.
MAX_ACTIONS = 40
MAX_SUMMARY = 4000
MAX_WHAT = 300
MAX_OWNER = 120


@dataclass(frozen=True)
class ScaleFigure:
    """One scale of the whole organisation as published: `mean` and `n` are None where
    the figure is withheld."""

    id: str
    name: str
    mean: float | None
    n: int | None


@dataclass(frozen=True)
class OrganisationFigures:
    """The whole organisation's figures as staff see them. `shown` is False when too few
    people answered for the organisation to be shown at all (then `n` is None and every
    scale is withheld)."""

    shown: bool
    n: int | None
    scales: tuple[ScaleFigure, ...]
    profile: list[Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "n": self.n,
            "scales": [[s.id, s.name, s.mean, s.n] for s in self.scales],
            "profile": self.profile,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> OrganisationFigures:
        return cls(
            bool(value.get("shown")),
            value.get("n"),
            tuple(ScaleFigure(*row) for row in value.get("scales", [])),
            value.get("profile"),
        )


def organisation_figures(
    shown: bool,
    n: int,
    means: Mapping[str, float | None],
    scale_n: Mapping[str, int | None],
    scales: Sequence[tuple[str, str]],
    profile: list[Any] | None,
) -> OrganisationFigures:
    """The figures of the whole organisation's (already suppressed) result row that may be
    published to staff.

    `shown`, `n`, `means` and `scale_n` are the row as leaders see it (None marks a
    withheld figure); `scales` the instrument's (id, name) pairs in order; `profile` the
    stored three-systems profile (`echoorg.core.diagnostic.stored.profile_to_json`) or
    None. A row that is not shown publishes no figure at all, whatever it holds; a
    withheld scale publishes neither its mean nor its count; the profile is published
    only when its three systems are all shown.
    """
    if not shown:
        return OrganisationFigures(
            False, None, tuple(ScaleFigure(i, name, None, None) for i, name in scales), None
        )
    published = []
    for scale_id, name in scales:
        mean = means.get(scale_id)
        count = scale_n.get(scale_id) if mean is not None else None
        published.append(ScaleFigure(scale_id, name, mean, count))
    systems = {s.id: s.mean for s in published if s.id in ("threat", "drive", "soothing")}
    whole_profile = profile if len(systems) == 3 and None not in systems.values() else None
    return OrganisationFigures(True, n, tuple(published), whole_profile)


@dataclass(frozen=True)
class Progress:
    planned: int
    in_progress: int
    done: int
    overdue: int

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.done

    @property
    def sentence(self) -> str:
        """The progress in words, as a heading's summary line."""
        if not self.total:
            return "No actions yet."
        noun = "action" if self.total == 1 else "actions"
        text = f"{self.done} of {self.total} {noun} done, {self.in_progress} in progress"
        if self.overdue:
            text += f", {self.overdue} past their due date"
        return text + "."


def plan_progress(actions: Sequence[tuple[str, dt.date]], today: dt.date) -> Progress:
    """Counts of `actions` ((status, due date) pairs) by status; an action not done whose
    due date has passed is also counted as overdue. Unknown statuses raise ValueError."""
    counts = dict.fromkeys(STATUSES, 0)
    overdue = 0
    for status, due in actions:
        if status not in counts:
            raise ValueError(f"unknown action status {status!r}")
        counts[status] += 1
        if status != DONE and due < today:
            overdue += 1
    return Progress(counts[PLANNED], counts[IN_PROGRESS], counts[DONE], overdue)
