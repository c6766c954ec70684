"""Survey waves, invitations and responses.

Anonymity by design: a `Response` has no link to a person or to an `Invitation` (no
foreign key, no shared token, no timestamp, a random primary key), so once submitted it
cannot be traced back. The invitation only records that its person has answered, which
reminders need. Drafts of answers in progress belong to the invitation and are deleted
the moment the response is submitted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from echoorg.common.crypto import vault
from echoorg.core.diagnostic.instrument import Instrument, cached_instrument, with_shipped_meaning


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CustomInstrument(models.Model):
    """An instrument an organisation added (YAML), beside the shipped ones."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="instruments"
    )
    instrument_id = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    yaml_text = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instrument_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument_id", "version"],
                name="unique_custom_instrument_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}@{self.version}"

    @cached_property
    def instrument(self) -> Instrument:
        return cached_instrument(self.yaml_text, self.instrument_id, self.version)


class SurveyWave(models.Model):
    DRAFT, OPEN, CLOSED = "draft", "open", "closed"
    STATUSES = [(DRAFT, "Not yet open"), (OPEN, "Open"), (CLOSED, "Closed")]
    # How a wave collects its answers, chosen when it is set up and never changed: either
    # echoorg's own single-use links, or import from another survey tool, never both, so
    # nobody can add made-up rows to answers echoorg collected (decision 0003).
    LINKS, IMPORT = "links", "import"
    COLLECTIONS = [
        (LINKS, "echoorg's own invitation links"),
        (IMPORT, "Import from another survey tool"),
    ]
    # Fields that may not change once the wave exists: changing them would shrink the
    # smallest group shown or mix collected and imported answers.
    FIXED_FIELDS = ("collection", "min_group")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="waves"
    )
    title = models.CharField(max_length=200)
    # The instrument as it was when the wave was set up: responses always match it.
    instrument_id = models.CharField(max_length=100)
    instrument_version = models.PositiveIntegerField()
    instrument_yaml = models.TextField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    min_group = models.PositiveSmallIntegerField(default=5)
    collection = models.CharField(max_length=10, choices=COLLECTIONS, default=LINKS)
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT)
    whole_organisation = models.BooleanField(default=True)
    units = models.ManyToManyField("orgs.Unit", blank=True, related_name="+")
    salt = models.CharField(max_length=64, default=secrets.token_hex)
    # The unit tree as it was when the wave closed ([id, parent id, name, kind] rows), so
    # published figures never change when units are later renamed or moved.
    unit_tree = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        wave = super().from_db(db, field_names, values)
        wave._fixed = {
            name: getattr(wave, name) for name in cls.FIXED_FIELDS if name in field_names
        }
        return wave

    def save(self, *args, **kwargs) -> None:
        """Refuse to change the collection mode or the smallest group of a stored wave,
        through any door (pages, API, admin, shell): both are promises to respondents."""
        for name, value in getattr(self, "_fixed", {}).items():
            if getattr(self, name) != value:
                raise ValidationError(
                    {
                        name: f"The {name.replace('_', ' ')} of a wave cannot "
                        "be changed once it is set up."
                    }
                )
        super().save(*args, **kwargs)
        self._fixed = {name: getattr(self, name) for name in self.FIXED_FIELDS}

    @cached_property
    def instrument(self) -> Instrument:
        # A wave frozen before the scales' meaning fields existed gets them from the
        # shipped instrument of the same id and version, when it asks the same items.
        return with_shipped_meaning(
            cached_instrument(self.instrument_yaml, self.instrument_id, self.instrument_version)
        )

    @property
    def uses_links(self) -> bool:
        return self.collection == self.LINKS

    @property
    def uses_import(self) -> bool:
        return self.collection == self.IMPORT

    def accepts_answers(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.OPEN and self.opens_on <= today <= self.closes_on

    def freeze_unit_tree(self) -> None:
        from echoorg.orgs.models import Unit

        self.unit_tree = [
            list(row)
            for row in Unit.objects.filter(organisation=self.organisation)
            .order_by("pk")
            .values_list("id", "parent_id", "name", "kind")
        ]

    def respondent_digest(self, respondent: str) -> str:
        """Imported respondents' ids, kept only as a salted hash to refuse duplicates."""
        return hashlib.sha256(f"{self.salt}:{respondent}".encode()).hexdigest()


class Invitation(models.Model):
    """A person's single-use link to a wave. Only a hash of the link's token is stored."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(max_length=10, default="staff")  # staff | leaders
    # How the person's link reaches them: by email, or on a printed slip handed out in
    # their unit (for staff without email). Printed links are never renewed by reminders:
    # a reminder would make the slip in someone's pocket stop working.
    EMAIL, PRINTED = "email", "printed"
    DELIVERIES = [(EMAIL, "By email"), (PRINTED, "On a printed slip")]
    delivery = models.CharField(max_length=10, choices=DELIVERIES, default=EMAIL)
    token_digest = models.CharField(max_length=64, unique=True)
    completed = models.BooleanField(default=False)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.wave}"

    def new_token(self) -> str:
        """Issue a fresh link token (older links stop working) and return it."""
        token = secrets.token_urlsafe(24)
        self.token_digest = digest(token)
        return token

    @classmethod
    def by_token(cls, token: str) -> Invitation | None:
        if not token or len(token) > 100:
            return None
        return cls.objects.select_related("wave", "unit").filter(token_digest=digest(token)).first()


def seal(value: object) -> bytes:
    """`value` as JSON, encrypted with the keys kept outside the database (the speak-up
    keys, ECHOORG_ENCRYPTION_KEYS), so a copy of the database cannot read it."""
    return vault().encrypt(json.dumps(value, separators=(",", ":")).encode())


def unseal(token: bytes) -> object:
    return json.loads(vault().decrypt(bytes(token)))


class Draft(models.Model):
    """Answers saved part-way through; deleted when the response is submitted.

    A draft belongs to its invitation (the person must be able to carry on), so its
    answers are sealed: someone reading the database sees that a draft exists, not what
    it says.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="draft")
    sealed_answers = models.BinaryField(default=b"")
    page = models.PositiveSmallIntegerField(default=0)

    @property
    def answers(self) -> dict[str, int]:
        return unseal(self.sealed_answers) if self.sealed_answers else {}

    @answers.setter
    def answers(self, value: dict[str, int]) -> None:
        self.sealed_answers = seal(value)


class Response(models.Model):
    """One respondent's answers. Nothing here identifies them (see the module docstring)."""

    WEB, IMPORT, API = "web", "import", "api"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=10, default="staff")
    answers = models.JSONField(default=dict)  # item id -> integer
    demographics = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)  # the closing "anything else" question
    # Answers to the instrument's comment questions (question id -> text), each about one
    # scale's theme; null when none was answered, so the comments index can skip the row.
    themed_comments = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=10, default=WEB)
    # Salted hash of an imported respondent id (empty for web answers), to refuse repeats.
    respondent_digest = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]  # random order: insertion order is not kept anywhere
        indexes = [
            # The results pages list a group's comments: only the rows that have one.
            models.Index(
                fields=["wave", "unit"],
                name="response_with_comments",
                condition=~models.Q(comment="") | models.Q(themed_comments__isnull=False),
            )
        ]


class PendingResponse(models.Model):
    """A response sent while its wave is open, held sealed until the wave closes.

    Responses are not written to `Response` as they arrive: the table's row order (SQLite's
    rowid, PostgreSQL's physical order and transaction ids) would follow the order in which
    people answered, which the invitations' own changes and any log reveal. Instead each is
    sealed here (encrypted with the keys kept outside the database, so a copy of the
    database shows neither the answers nor the unit) and all of a wave's pending responses
    are written to `Response` in one shuffled batch when it closes, and deleted from here
    (see `services.release_pending_responses` and docs/decisions/0004).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="pending_responses")
    sealed = models.BinaryField()  # Fernet token of the response as JSON

    class Meta:
        ordering = ["id"]


class FullRowsRelease(models.Model):
    """A researcher's download of a wave's full (not coarsened) rows, with the reference of
    the data-sharing agreement that covers it."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="+")
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_reference = models.CharField(max_length=200)
    released = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released"]


class ResponseImport(models.Model):
    """A large import of responses into an import wave, run as a background task.

    The uploaded file is kept only until the task has read it (then emptied); what stays is
    the outcome a facilitator needs: status, progress, rows imported or the problems found.
    """

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, "Waiting to start"),
        (RUNNING, "Importing"),
        (DONE, "Imported"),
        (FAILED, "Refused"),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    source = models.CharField(max_length=10, default="import")  # import (page) | api
    upload = models.BinaryField(default=bytes, blank=True)  # emptied once read
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    imported = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    problems = models.JSONField(default=list, blank=True)  # ["Row 3: ...", ...]

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Import into {self.wave} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)


class WaveFigures(models.Model):
    """A closed wave's answers packed as arrays and its published figures, written once when
    the wave closes (`services.store_wave_figures`); every results page, export and API
    call of the closed wave reads these, never the `Response` rows' answers.

    The arrays are little-endian bytes, one row per response in a random order (shuffled
    again when packed, so neither arrival nor table order survives):
    - `answers`: uint8, rows × `item_ids`, 0 where not answered, else the answer minus the
      scale's minimum plus 1 (`echoorg.core.diagnostic.coded`'s coding);
    - `unit_index`: int32, each row's position in `units` (0 is the whole organisation);
    - `audiences`: uint8, each row's position in `audience_codes`;
    - `background`: uint8, rows × the instrument's background questions, 0 where not
      answered, else 1 + the position of the answer in `background_values[question]`.
    Comments stay in `Response` (they are shown as written, never counted).

    `units` is the unit tree the figures were computed on ([id, parent id, name, kind]);
    `results`, `cuts` and `reliability` are the suppressed figures as JSON (see
    `echoorg.core.diagnostic.stored`); `heatmap_html` the all-units table's rows, rendered
    once (`heatmap_version` says by which version of the renderer, `cuts_version` by which rules
    the splits were suppressed). `stamp` changes each
    time the figures are written, so readers can keep decoded figures in memory.
    """

    wave = models.OneToOneField(
        SurveyWave, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    stamp = models.CharField(max_length=32, default=secrets.token_hex)
    computed = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)
    item_ids = models.JSONField(default=list)
    answers = models.BinaryField(default=bytes)
    unit_index = models.BinaryField(default=bytes)
    audiences = models.BinaryField(default=bytes)
    audience_codes = models.JSONField(default=list)
    background = models.BinaryField(default=bytes)
    background_ids = models.JSONField(default=list)
    background_values = models.JSONField(default=list)
    units = models.JSONField(default=list)
    results = models.JSONField(default=list)
    cuts = models.JSONField(default=dict)
    reliability = models.JSONField(default=list)
    heatmap_html = models.TextField(blank=True)
    heatmap_version = models.PositiveSmallIntegerField(default=0)
    # Which rules computed `cuts` (`echoorg.core.diagnostic.cuts.CUTS_VERSION`); figures
    # of older rules are computed again on their next reading.
    cuts_version = models.PositiveSmallIntegerField(default=0)

    # What the results pages read; the packed arrays are read only by the rows export.
    FIGURE_FIELDS = ("wave", "stamp", "units", "results", "heatmap_html", "heatmap_version")

    def __str__(self) -> str:
        return f"Figures of {self.wave_id}"


class ActionPlan(models.Model):
    """What leaders will do about a closed wave's results: "what you told us" and the
    actions. Edited freely; staff see only a published version (`published_version`,
    None when nothing is published or it was withdrawn)."""

    wave = models.OneToOneField(
        SurveyWave, on_delete=models.CASCADE, primary_key=True, related_name="action_plan"
    )
    summary = models.TextField(blank=True)
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_version = models.ForeignKey(
        "PublishedPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Action plan for {self.wave_id}"


class PlannedAction(models.Model):
    """One thing leaders will do: what, who owns it (a role or a name as typed), by when,
    how far it has come, and optionally the scale of the results it answers."""

    PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"
    STATUSES = [(PLANNED, "Planned"), (IN_PROGRESS, "In progress"), (DONE, "Done")]

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=PLANNED)
    scale = models.CharField(max_length=100, blank=True)  # a scale id of the wave's instrument

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.what


class PublishedPlan(models.Model):
    """One published version of a plan, as staff read it: the plan's text and actions and
    the whole organisation's suppressed figures, copied when it was published (so later
    edits change nothing staff have been shown until the next publication). `withdrawn`
    is set when leaders unpublish it."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(blank=True)
    # [{"what", "owner", "due" (ISO), "status", "scale", "scale_name"}], in the plan's order
    actions = models.JSONField(default=list)
    # echoorg.core.diagnostic.action_plan.OrganisationFigures.to_json()
    figures = models.JSONField(default=dict)
    withdrawn = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_number_per_plan_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.plan}"
