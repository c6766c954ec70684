"""Every write of the scenarios app (with its audit entry), and what the pages read.

A person sees only their own plays: every lookup here is by the play's id *and* the
learner's membership, so another person's play is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.library.shipped import library
from echoorg.core.scenarios import reflection
from echoorg.core.scenarios.story import SYSTEMS, ScenarioError, choose, start
from echoorg.orgs.models import Membership, Organisation

from .catalogue import Scenario, scenario, scenarios
from .models import ChoiceMade, Play, Workshop, WorkshopStep


class StaleChoice(Exception):
    """The choice was sent for a step already taken (a reload or a second tab): nothing
    changes."""


def own_play(member: Membership, play_id: int) -> Play | None:
    """`member`'s play with this id, or None (another person's play is never returned)."""
    return Play.objects.filter(pk=play_id, member=member).first()


def plays_of(member: Membership) -> list[Play]:
    """The member's plays, most recently changed first."""
    return list(Play.objects.filter(member=member).order_by("-updated_at", "-pk"))


def scenario_of(played: Play | Workshop) -> Scenario:
    """The shipped scenario a play or a workshop runs."""
    found = scenario(played.scenario)
    if found is None:
        raise ScenarioError(f"The scenario {played.scenario!r} is no longer shipped.")
    return found


def start_play(user: Any, organisation: Organisation, member: Membership, scenario_id: str) -> Play:
    """Start `scenario_id` for `member`, or return their play of it still in progress
    (starting again while one is unfinished resumes it)."""
    chosen = scenario(scenario_id)
    if chosen is None:
        raise ScenarioError("There is no such scenario.")
    with transaction.atomic():
        ongoing = (
            Play.objects.select_for_update()
            .filter(member=member, scenario=scenario_id, status=Play.IN_PROGRESS)
            .first()
        )
        if ongoing is not None:
            return ongoing
        opening = start(chosen.compiled)
        play = Play.objects.create(
            organisation=organisation,
            member=member,
            scenario=scenario_id,
            state=opening.state,
            passage=opening.to_json(),
            start_systems=opening.systems.as_dict(),
        )
        record(
            "scenario.started",
            actor=user,
            organisation=organisation,
            obj=play,
            scenario=chosen.title,
        )
    return play


def make_choice(user: Any, play: Play, step: int, index: int) -> ChoiceMade:
    """Take choice `index` as decision number `step` of `play`. A step that is not the
    next one (the page was reloaded, or the choice was made in another tab) raises
    StaleChoice and changes nothing."""
    chosen = scenario_of(play)
    with transaction.atomic():
        locked = Play.objects.select_for_update().get(pk=play.pk)
        taken_so_far = locked.choices.count()
        if locked.status == Play.FINISHED or step != taken_so_far + 1:
            raise StaleChoice
        taken, passage = choose(chosen.compiled, locked.state, index)
        now = timezone.now()
        made = ChoiceMade.objects.create(
            play=locked,
            member_id=locked.member_id,
            scenario=locked.scenario,
            step=step,
            knot=taken.knot,
            choice_index=taken.index,
            text=taken.text,
            codes=list(taken.codes),
            made_at=now,
            **passage.systems.as_dict(),
        )
        locked.state = passage.state
        locked.passage = passage.to_json()
        locked.updated_at = now
        if passage.ended:
            locked.status = Play.FINISHED
            locked.finished_at = now
            locked.ending = passage.ending
            locked.ending_title = passage.ending_title
        locked.save()
        if passage.ended:
            record(
                "scenario.finished",
                actor=user,
                organisation=locked.organisation_id,
                obj=locked,
                scenario=chosen.title,
                ending=passage.ending_title,
                decisions=step,
            )
    play.refresh_from_db()
    return made


def trajectory(
    play: Play | Workshop, choices: list[ChoiceMade] | list[WorkshopStep]
) -> list[dict[str, int]]:
    """The three systems and safety at the start and after each choice (a learner's, or a
    workshop room's)."""
    steps = [dict(play.start_systems)]
    for c in choices:
        steps.append(
            {"threat": c.threat, "drive": c.drive, "soothing": c.soothing, "safety": c.safety}
        )
    return steps


@dataclass(frozen=True)
class PatternLink:
    """An ECHO code the learner's choices showed, and the library's inquiry events coded
    with it (each a link to the event's row on the case's page)."""

    code_id: str
    name: str
    protective: bool
    steps: tuple[int, ...]
    events: tuple[dict[str, str], ...]
    cases_url: str


EVENTS_PER_CODE = 4


def pattern_links(
    organisation: Organisation, choices: list[ChoiceMade] | list[WorkshopStep]
) -> list[PatternLink]:
    """For each code the choices were tagged with (in order of first use), where the case
    library shows the same pattern in real inquiries."""
    lib = library()
    codebook = lib.codebook
    steps: dict[str, list[int]] = {}
    for c in choices:
        for code in c.codes:
            steps.setdefault(code, []).append(c.step)
    found = []
    for code_id, at in steps.items():
        if code_id not in codebook.code_ids:
            continue
        code = codebook.code(code_id)
        events = []
        for case in lib.cases_with(code_id):
            for link in case.codes:
                if link.code != code_id:
                    continue
                for event_id in link.events:
                    event = case.event(event_id)
                    source = event.sources[0]
                    events.append(
                        {
                            "case": case.title,
                            "date": event.date,
                            "kind": event.kind_label,
                            "description": event.description,
                            "source": f"{source.title}, {source.publisher}",
                            "url": reverse(
                                "library_case",
                                kwargs={"slug": organisation.slug, "case_id": case.id},
                            )
                            + f"#event-{event.id}",
                        }
                    )
        found.append(
            PatternLink(
                code_id=code_id,
                name=code.name,
                protective=code.family == "protective",
                steps=tuple(at),
                events=tuple(events[:EVENTS_PER_CODE]),
                cases_url=reverse("library", kwargs={"slug": organisation.slug})
                + f"?code={code_id}",
            )
        )
    return found


def code_names(codes: list[str]) -> list[str]:
    """The codebook's names for these code ids (an unknown id as it is)."""
    codebook = library().codebook
    return [codebook.code(c).name if c in codebook.code_ids else c for c in codes]


def reflection_prefill(play: Play) -> str:
    """The text a reflection on this play starts from: the choices made, in order, with
    the patterns each showed, and the ending (for the reflection tool, which takes it
    when its page is opened with `?from_scenario=<play id>`)."""
    chosen = scenario(play.scenario)
    title = chosen.title if chosen else play.scenario
    lines = [
        reflection.ChoiceLine(c.step, c.text, tuple(code_names(c.codes)))
        for c in play.choices.all()
    ]
    return reflection.prefill(title, lines, play.ending_title, play.finished)


def scenario_rows(member: Membership) -> list[dict[str, Any]]:
    """Each shipped scenario with the member's latest play of it (if any)."""
    latest: dict[str, Play] = {}
    finished: dict[str, int] = {}
    for play in plays_of(member):
        latest.setdefault(play.scenario, play)
        if play.finished:
            finished[play.scenario] = finished.get(play.scenario, 0) + 1
    return [
        {"scenario": s, "latest": latest.get(s.id), "finished": finished.get(s.id, 0)}
        for s in scenarios().values()
    ]


__all__ = ["SYSTEMS", "ScenarioError", "StaleChoice"]
