"""Concerns raised through speak-up, and everything done about them.

Text people write (the concern, messages, names and contact details, attachments) is
stored encrypted (see echoorg.core.crypto); the database never holds it in plain text.
Nothing here stores an IP address or a user agent. An anonymous concern has no link to
any account, even when it was raised by someone logged in.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from .crypto import vault

CATEGORIES = [
    ("patient_safety", "Patient safety or quality"),
    ("worker_safety", "Worker safety or wellbeing"),
    ("bullying_harassment", "Bullying or harassment"),
    ("inappropriate_behaviours", "Inappropriate attitudes or behaviours"),
    ("detriment", "Detriment for speaking up"),
    ("fraud", "Fraud"),
    ("other", "Other"),
]
AT_RISK = [
    ("children", "Children or babies"),
    ("adults_at_risk", "Adults at risk"),
    ("patients", "Patients or people using services"),
    ("staff", "Staff"),
    ("public", "The public"),
]
MODES = [
    ("named", "Named: the guardian and people handling the concern may know who I am"),
    ("confidential", "Confidential: only the guardian knows who I am"),
    ("anonymous", "Anonymous: nobody knows who I am, not even the guardian"),
]
SPEAK_AGAIN = [("yes", "Yes"), ("unsure", "Not sure"), ("no", "No")]


class ConcernPolicy(models.Model):
    """An organisation's clocks (defaults: EU Directive 2019/1937 art. 9) and minimum
    group for published statistics."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="concern_policy"
    )
    acknowledge_days = models.PositiveSmallIntegerField(default=7)
    feedback_months = models.PositiveSmallIntegerField(default=3)
    protection_working_days = models.PositiveSmallIntegerField(default=1)
    min_group = models.PositiveSmallIntegerField(default=5)
    # The public speak-up page (/speak-up/<slug>/ways/) names the guardians and shows
    # this text only when the guardians switch it on; the same switch lists the
    # organisation on /speak-up/. Off by default: see decision 0010.
    public_page = models.BooleanField(default=False)
    public_contact = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"Clocks of {self.organisation}"

    def as_core(self):
        from echoorg.core.concerns.clocks import ClockPolicy

        return ClockPolicy(
            acknowledge_days=self.acknowledge_days,
            feedback_months=self.feedback_months,
            protection_working_days=self.protection_working_days,
        )


class Concern(models.Model):
    WEB, IMPORT, DEMO = "web", "import", "demo"

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="concerns"
    )
    reference = models.CharField(max_length=20)
    mode = models.CharField(max_length=12, choices=[(k, k) for k, _ in MODES])
    category = models.CharField(max_length=30, choices=CATEGORIES)
    at_risk = models.JSONField(default=list, blank=True)
    risk_of_harm = models.BooleanField(default=False)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_encrypted = models.BinaryField()
    # Only for named and confidential concerns: who raised it.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns_raised",
    )
    reporter_name_encrypted = models.BinaryField(null=True, blank=True)
    reporter_contact_encrypted = models.BinaryField(null=True, blank=True)
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The digest of the one-time key the speak-up form was issued with
    # (echoorg.core.submission): unique, so a reload or a double click cannot raise the
    # same concern twice. An HMAC of a random id: it tells nothing about the sender.
    submission_digest = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    received_on = models.DateField()
    would_speak_up_again = models.CharField(max_length=8, choices=SPEAK_AGAIN, blank=True)
    title = models.CharField(max_length=200, blank=True)  # e.g. the composite's label
    source = models.CharField(max_length=10, default=WEB)
    # The guardian who has the case in hand ("mine" in the queue): one of the
    # organisation's guardians (services.assign_guardian checks it).
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "received_on"], name="concern_received")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="unique_concern_reference"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def text(self) -> str:
        return vault().decrypt_text(self.text_encrypted)

    @text.setter
    def text(self, value: str) -> None:
        self.text_encrypted = vault().encrypt_text(value)

    @property
    def reporter_name(self) -> str:
        return vault().decrypt_text(self.reporter_name_encrypted)

    @property
    def reporter_contact(self) -> str:
        return vault().decrypt_text(self.reporter_contact_encrypted)

    @property
    def category_label(self) -> str:
        return dict(CATEGORIES).get(self.category, self.category)

    @property
    def at_risk_labels(self) -> list[str]:
        return [dict(AT_RISK).get(a, a) for a in self.at_risk]

    @property
    def is_concluded(self) -> bool:
        last = None
        for event in self.events.all():
            if event.type in ("concluded", "reopened"):
                if last is None or (event.date, event.pk) >= (last.date, last.pk):
                    last = event
        return last is not None and last.type == "concluded"


class CaseEvent(models.Model):
    """One step on a case's timeline: who, when, what, and a note (encrypted)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40)
    date = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    note_encrypted = models.BinaryField(null=True, blank=True)
    recorded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.type} on {self.date}"

    @property
    def note(self) -> str:
        return vault().decrypt_text(self.note_encrypted)


class Message(models.Model):
    """A message between the guardian and the reporter (both ways), encrypted."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_encrypted = models.BinaryField()
    sent = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent", "pk"]

    @property
    def body(self) -> str:
        return vault().decrypt_text(self.body_encrypted)


class Attachment(models.Model):
    """A file given with a concern or a message. Name and content are encrypted."""

    ALLOWED_TYPES = {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "text/plain": ".txt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    }

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    from_reporter = models.BooleanField(default=True)
    name_encrypted = models.BinaryField()
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    data_encrypted = models.BinaryField()

    @property
    def name(self) -> str:
        return vault().decrypt_text(self.name_encrypted)

    def content(self) -> bytes:
        return vault().decrypt(self.data_encrypted)


class CaseClocks(models.Model):
    """A concern's clock figures as `core.concerns.figures.case_figures` computed them on
    `computed_on`, so that the queue, the statistics and the quarterly return read one row
    per case instead of its timeline. Written by `services.recompute` whenever the case,
    its steps or the organisation's clocks change; `recheck_on` is the day from which a
    case's figures must be computed again because they depend on the day (only cases
    whose dates are out of range; `echoorg concerns refresh` and the lists do it)."""

    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, primary_key=True, related_name="clocks"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # The concern's guardian, copied here for "mine" (kept equal by the services).
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    computed_on = models.DateField()
    recheck_on = models.DateField(null=True, blank=True)
    risk_of_harm = models.BooleanField(default=False)
    out_of_range = models.BooleanField(default=False)
    problems = models.JSONField(default=list, blank=True)
    closed = models.BooleanField(default=False)
    acknowledge_due = models.DateField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    feedback_due = models.DateField(null=True, blank=True)
    feedback_on = models.DateField(null=True, blank=True)
    protection_due = models.DateField(null=True, blank=True)
    protected_on = models.DateField(null=True, blank=True)
    # [{"months": 3, "due": "YYYY-MM-DD", "made_on": "YYYY-MM-DD" or null}, ...]
    detriment_checks = models.JSONField(default=list, blank=True)
    next_label = models.CharField(max_length=80, blank=True)
    next_due = models.DateField(null=True, blank=True)
    handling_label = models.CharField(max_length=80, blank=True)
    handling_due = models.DateField(null=True, blank=True)
    followup_label = models.CharField(max_length=80, blank=True)
    followup_due = models.DateField(null=True, blank=True)
    days_to_acknowledge = models.IntegerField(null=True, blank=True)
    days_to_feedback = models.IntegerField(null=True, blank=True)
    days_to_protection = models.IntegerField(null=True, blank=True)
    defensive_responses = models.JSONField(default=list, blank=True)
    detriment_reported = models.BooleanField(default=False)
    tier = models.PositiveSmallIntegerField(default=4)
    in_queue = models.BooleanField(default=True)
    # When the row (or the concern's unit, leader or answers) last changed: with the
    # number of rows, it tells whether statistics computed earlier still hold.
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "in_queue", "tier", "handling_due"], name="clocks_queue"
            ),
            models.Index(fields=["organisation", "followup_due"], name="clocks_followup"),
            # Covering indexes: the queue's counts per list, and the freshness check
            # (how many rows, how many due again, the latest change), read from the index
            # alone.
            models.Index(
                fields=[
                    "organisation",
                    "in_queue",
                    "closed",
                    "out_of_range",
                    "risk_of_harm",
                    "acknowledged_on",
                    "feedback_on",
                    "handling_due",
                    "followup_due",
                    "guardian",
                ],
                name="clocks_counts",
            ),
            models.Index(fields=["organisation", "recheck_on", "updated"], name="clocks_recheck"),
        ]

    def __str__(self) -> str:
        return f"Clocks of concern {self.concern_id}"


class LearningCase(models.Model):
    """An anonymised summary of a closed concern that a guardian chose to share for
    learning (issue 12): the guardian writes the title, the summary and the timeline
    themselves, and leaders' case analyses read only these, never the concern. The
    guardian can withdraw it; a withdrawn summary is no longer shown to anyone but the
    guardians, and can be shared again. All three texts are encrypted like the concern."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="learning_cases"
    )
    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="learning_case")
    title_encrypted = models.BinaryField()
    summary_encrypted = models.BinaryField()
    # JSON list of {date, precision, kind, description} (echoorg.core.analysis.steps).
    timeline_encrypted = models.BinaryField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "withdrawn_at"], name="learning_active")]

    def __str__(self) -> str:
        return f"Learning case {self.pk}"

    @property
    def title(self) -> str:
        return vault().decrypt_text(self.title_encrypted)

    @property
    def summary(self) -> str:
        return vault().decrypt_text(self.summary_encrypted)

    @property
    def timeline(self) -> list[dict]:
        text = vault().decrypt_text(self.timeline_encrypted)
        return json.loads(text) if text else []

    @property
    def is_shared(self) -> bool:
        return self.withdrawn_at is None
