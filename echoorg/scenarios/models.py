"""A learner's play of a scenario, and each choice they made in it.

The play keeps the Ink runtime's saved state (JSON) at the learner's current choice
point, and the passage shown there, so the learner can leave and resume. Each choice is
one row, with the three systems and the outcome for the people at risk just after it:
the debrief's path and trajectory are read from these rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Play(models.Model):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    STATUSES = [(IN_PROGRESS, "In progress"), (FINISHED, "Finished")]

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="scenario_plays"
    )
    member = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="scenario_plays"
    )
    scenario = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=STATUSES, default=IN_PROGRESS)
    # The bink runtime's saved state at the current choice point (or the end).
    state = models.TextField()
    # The passage shown at that point: its lines and the choices on offer.
    passage = models.JSONField(default=dict)
    # The three systems and safety before the first choice (the trajectory's start).
    start_systems = models.JSONField(default=dict)
    ending = models.CharField(max_length=80, blank=True)
    ending_title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "scenario", "status"])]

    def __str__(self) -> str:
        return f"{self.scenario} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status == self.FINISHED


class ChoiceMade(models.Model):
    play = models.ForeignKey(Play, on_delete=models.CASCADE, related_name="choices")
    member = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="scenario_choices"
    )
    scenario = models.CharField(max_length=80)
    step = models.PositiveIntegerField()  # 1 for the first decision
    knot = models.CharField(max_length=100)
    choice_index = models.PositiveSmallIntegerField()
    text = models.TextField()
    codes = models.JSONField(default=list)
    threat = models.SmallIntegerField()
    drive = models.SmallIntegerField()
    soothing = models.SmallIntegerField()
    safety = models.SmallIntegerField()
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["step"]
        constraints = [models.UniqueConstraint(fields=["play", "step"], name="one_choice_per_step")]

    def __str__(self) -> str:
        return f"{self.scenario} step {self.step}: {self.text}"


class Workshop(models.Model):
    """A scenario run live by a facilitator for a room: participants join with `code`
    from their phones, without an account, and vote at each choice."""

    OPEN = "open"
    FINISHED = "finished"
    STATUSES = [(OPEN, "Running"), (FINISHED, "Finished")]

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="scenario_workshops"
    )
    facilitator = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="scenario_workshops"
    )
    scenario = models.CharField(max_length=80)
    code = models.CharField(max_length=12, unique=True)
    # A random key mixed into participants' digests, so a browser's votes in two
    # workshops cannot be matched (never shown).
    key = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=STATUSES, default=OPEN)
    state = models.TextField()
    passage = models.JSONField(default=dict)
    start_systems = models.JSONField(default=dict)
    step = models.PositiveIntegerField(default=1)  # the decision the room is voting on
    ending = models.CharField(max_length=80, blank=True)
    ending_title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scenario} workshop {self.code}"

    @property
    def finished(self) -> bool:
        return self.status == self.FINISHED


class WorkshopStep(models.Model):
    """A decision the room took: the options it had, how the votes split (counts only),
    the option followed and whether the majority or the facilitator decided."""

    MAJORITY = "majority"
    FACILITATOR = "facilitator"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveIntegerField()
    knot = models.CharField(max_length=100)
    options = models.JSONField(default=list)  # the option texts, in order
    votes = models.JSONField(default=list)  # one count per option
    choice_index = models.PositiveSmallIntegerField()
    text = models.TextField()
    codes = models.JSONField(default=list)
    decided_by = models.CharField(max_length=20)
    threat = models.SmallIntegerField()
    drive = models.SmallIntegerField()
    soothing = models.SmallIntegerField()
    safety = models.SmallIntegerField()

    class Meta:
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "step"], name="one_room_choice_per_step")
        ]


class WorkshopVote(models.Model):
    """One participant's vote on the step being decided. Only a digest of the browser's
    random token is kept; no account, address, browser description or time. The rows of a
    step are deleted once the room has decided (its counts stay on WorkshopStep)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    step = models.PositiveIntegerField()
    participant = models.CharField(max_length=64)
    choice_index = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "step", "participant"], name="one_vote_per_participant"
            )
        ]
