from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from echoorg.core.roles import ROLES, clean_roles
from echoorg.core.text import name_key, normalise_name
from echoorg.core.units import ancestors


class Organisation(models.Model):
    """An organisation taking part in an ECHO pilot (a trust, a council, a charity)."""

    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(max_length=200)
    # Roles whose holders must use two-factor authentication in this organisation.
    require_2fa_roles = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = normalise_name(self.name)
        if not self.name:
            raise ValidationError({"name": "Give the organisation a name with visible letters."})
        if len(self.name) > 200:  # NFKC can lengthen a name ("㍿" is four letters)
            raise ValidationError({"name": "The name is longer than 200 letters."})


class Unit(models.Model):
    """A directorate, service or team: a node in the organisation's tree of any depth."""

    KINDS = [
        ("directorate", "Directorate"),
        ("service", "Service"),
        ("team", "Team"),
        ("unit", "Unit"),
    ]
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)
    # The name's comparison key (echoorg.core.text.name_key): unique in the organisation,
    # so case variants and look-alikes with invisible characters are one name.
    name_key = models.CharField(max_length=600, editable=False, default="")
    kind = models.CharField(max_length=20, choices=KINDS, default="unit")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_key"], name="unique_unit_name_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every door (forms, API, imports, commands, demo data) writes the normal form.
        self.name = normalise_name(self.name)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None) -> None:
        key = name_key(self.name)
        taken = Unit.objects.filter(organisation_id=self.organisation_id, name_key=key)
        if taken.exclude(pk=self.pk).exists():
            existing = taken.exclude(pk=self.pk).first()
            raise ValidationError({"name": f"There is already a unit called '{existing.name}'."})
        super().validate_unique(exclude)

    def clean(self) -> None:
        self.name = normalise_name(self.name)
        self.name_key = name_key(self.name)
        if not self.name:
            raise ValidationError(
                {
                    "name": "Give the unit a name with visible letters (invisible characters "
                    "and spaces alone do not count)."
                }
            )
        if len(self.name) > 200:  # NFKC can lengthen a name ("㍿" is four letters)
            raise ValidationError({"name": "The unit name is longer than 200 letters."})
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "The parent must belong to the same organisation."})
        if self.pk is None:
            return  # a new unit has nothing below it yet
        # One query for the tree, then the chain above the new parent (core/units.py).
        parents = dict(
            Unit.objects.filter(organisation_id=self.organisation_id).values_list("pk", "parent_id")
        )
        if self.pk == self.parent_id or self.pk in ancestors(parents, self.parent_id):
            raise ValidationError({"parent": "A unit cannot sit below itself."})


class Membership(models.Model):
    """A person's roles in one organisation, and the unit they work in, if any."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL)
    # The name this organisation knows the person by (typed when they were added). Kept
    # per membership so that adding an address shows what was typed, never the name
    # another organisation gave the same account.
    name = models.CharField(max_length=200, blank=True, default="")
    roles = models.JSONField(default=list, blank=True)  # checked by clean_roles in clean()
    created = models.DateTimeField(auto_now_add=True)
    # When the person last chose this organisation (the switcher, or their list of
    # organisations): after logging in they land in the one they used last.
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        # The overview counts an organisation's members per combination of roles: with
        # this index the database reads the counts off the index in order (no sort, no
        # table rows), 104 ms to 31 ms for 50,000 members on SQLite (issue 9).
        indexes = [models.Index(fields=["organisation", "roles"], name="membership_roles_by_org")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"

    @property
    def role_labels(self) -> list[str]:
        return [ROLES[r] for r in self.roles if r in ROLES]

    @property
    def display_name(self) -> str:
        """The person as this organisation names them (their address if no name was given)."""
        return self.name or self.user.email

    def clean(self) -> None:
        self.name = normalise_name(self.name)[:200]
        try:
            self.roles = clean_roles(self.roles)
        except ValueError as exc:
            raise ValidationError({"roles": str(exc)}) from None
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": "The unit must belong to the same organisation."})
        # Anyone may belong to several organisations (decision 0007): refusing an address
        # because it belongs elsewhere told one organisation about another's people.


class RoleRequest(models.Model):
    """A request that someone become a speak-up guardian or a board member, awaiting a
    second person.

    The guardian role opens every concern, and board members confirm guardians, so no one
    grants either alone: a facilitator asks, and a guardian or board member of the
    organisation (neither the one who asked nor the person concerned) confirms or
    declines. Only the command line grants them directly (an organisation's first).
    """

    PENDING, CONFIRMED, DECLINED, WITHDRAWN = "pending", "confirmed", "declined", "withdrawn"
    STATUSES = [
        (PENDING, "Awaiting confirmation"),
        (CONFIRMED, "Confirmed"),
        (DECLINED, "Declined"),
        (WITHDRAWN, "Withdrawn"),
    ]
    ROLES = [("guardian", "Speak-up guardian"), ("board", "Board member")]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_requests"
    )
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_requests")
    role = models.CharField(max_length=12, choices=ROLES, default="guardian")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    created = models.DateTimeField(auto_now_add=True)
    decided = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_member_and_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} request for {self.member} ({self.status})"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)
