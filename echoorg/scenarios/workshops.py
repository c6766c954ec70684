"""Workshop mode: a facilitator runs a scenario live; participants join from their
phones with a short code and no account and vote at each choice; the room follows the
majority or the facilitator's pick. Every write is here, with its audit entry.

What is kept of a participant: a digest of the random token in their browser's cookie,
on their vote for the step being decided, and nothing else (no account, address, browser
description or time). Once the room has decided a step, its vote rows are deleted and
only the counts stay, on the step.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.core.scenarios import workshop as rules
from echoorg.core.scenarios.story import choose, start
from echoorg.orgs.models import Membership, Organisation

from .catalogue import scenario
from .models import Workshop, WorkshopStep, WorkshopVote
from .services import scenario_of


class StaleStep(Exception):
    """The step was already decided (a reload, or a second screen): nothing changes."""


class NeedsFacilitator(Exception):
    """The majority cannot decide (nobody voted, or a tie): the facilitator must pick."""


def start_workshop(
    user: Any, organisation: Organisation, member: Membership, scenario_id: str
) -> Workshop:
    chosen = scenario(scenario_id)
    if chosen is None:
        raise ValueError("There is no such scenario.")
    opening = start(chosen.compiled)
    with transaction.atomic():
        for _ in range(10):
            code = rules.new_code()
            if not Workshop.objects.filter(code=code).exists():
                break
        workshop = Workshop.objects.create(
            organisation=organisation,
            facilitator=member,
            scenario=scenario_id,
            code=code,
            key=secrets.token_hex(16),
            state=opening.state,
            passage=opening.to_json(),
            start_systems=opening.systems.as_dict(),
        )
        record(
            "workshop.started",
            actor=user,
            organisation=organisation,
            obj=workshop,
            scenario=chosen.title,
        )
    return workshop


def open_workshop(code: str) -> Workshop | None:
    """The workshop with this join code (running or finished), or None."""
    cleaned = rules.clean_code(code)
    return Workshop.objects.filter(code=cleaned).first() if cleaned else None


def participant_of(workshop: Workshop, token: str) -> str:
    return rules.participant_digest(workshop.key, token)


def vote(workshop: Workshop, token: str, step: int, index: int) -> bool:
    """Record (or change) the participant's vote on the step being decided. False, and
    nothing stored, when the step is not the current one, the workshop has finished or
    the option does not exist."""
    options = workshop.passage.get("options", [])
    if workshop.finished or step != workshop.step or not 0 <= index < len(options):
        return False
    participant = participant_of(workshop, token)
    try:
        with transaction.atomic():
            WorkshopVote.objects.update_or_create(
                workshop=workshop,
                step=step,
                participant=participant,
                defaults={"choice_index": index},
            )
    except IntegrityError:  # the same browser voting twice at once: one vote stays
        return True
    return True


def own_vote(workshop: Workshop, token: str) -> int | None:
    """The option this browser voted for at the current step, if any."""
    if not token:
        return None
    return (
        WorkshopVote.objects.filter(
            workshop=workshop, step=workshop.step, participant=participant_of(workshop, token)
        )
        .values_list("choice_index", flat=True)
        .first()
    )


def counts(workshop: Workshop) -> list[int]:
    """Votes per option at the current step (raw counts: shown only through
    rules.vote_split)."""
    options = workshop.passage.get("options", [])
    found = dict(
        WorkshopVote.objects.filter(workshop=workshop, step=workshop.step)
        .values_list("choice_index")
        .annotate(n=Count("pk"))
    )
    return [found.get(i, 0) for i in range(len(options))]


def decide(user: Any, workshop: Workshop, step: int, pick: int | None) -> WorkshopStep:
    """Take the room's decision at `step`: the facilitator's `pick`, or with None the
    majority of the votes (NeedsFacilitator when nobody voted or the top options tie)."""
    chosen = scenario_of(workshop)
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.finished or step != locked.step:
            raise StaleStep
        tally = counts(locked)
        if pick is None:
            decision = rules.majority(tally)
            if decision.index is None:
                raise NeedsFacilitator(decision.reason)
            index, decided_by = decision.index, WorkshopStep.MAJORITY
        else:
            index, decided_by = pick, WorkshopStep.FACILITATOR
        taken, passage = choose(chosen.compiled, locked.state, index)
        made = WorkshopStep.objects.create(
            workshop=locked,
            step=step,
            knot=taken.knot,
            options=[o["text"] for o in locked.passage.get("options", [])],
            votes=tally,
            choice_index=taken.index,
            text=taken.text,
            codes=list(taken.codes),
            decided_by=decided_by,
            **passage.systems.as_dict(),
        )
        WorkshopVote.objects.filter(workshop=locked, step=step).delete()
        now = timezone.now()
        locked.state = passage.state
        locked.passage = passage.to_json()
        locked.step = step + 1
        locked.updated_at = now
        if passage.ended:
            locked.status = Workshop.FINISHED
            locked.finished_at = now
            locked.ending = passage.ending
            locked.ending_title = passage.ending_title
        locked.save()
        if passage.ended:
            record(
                "workshop.finished",
                actor=user,
                organisation=locked.organisation_id,
                obj=locked,
                scenario=chosen.title,
                ending=passage.ending_title,
                decisions=step,
            )
    workshop.refresh_from_db()
    return made
