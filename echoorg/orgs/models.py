from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from echoorg.core.roles import ROLES, clean_roles
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
    kind = models.CharField(max_length=20, choices=KINDS, default="unit")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_unit_name")
        ]

    def __str__(self) -> str:
        return self.name

    def validate_unique(self, exclude=None) -> None:  # noqa: ANN001
        taken = Unit.objects.filter(organisation_id=self.organisation_id, name=self.name)
        if taken.exclude(pk=self.pk).exists():
            raise ValidationError({"name": f"There is already a unit called '{self.name}'."})
        super().validate_unique(exclude)

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "The parent must belong to the same organisation."})
        if self.pk is None:
            return  # a new unit has nothing below it yet
        # One query for the tree, then the chain above the new parent (core/units.py).
        parents = dict(Unit.objects.filter(organisation_id=self.organisation_id)
                       .values_list("pk", "parent_id"))
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
    roles = models.JSONField(default=list, blank=True)  # checked by clean_roles in clean()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"

    @property
    def role_labels(self) -> list[str]:
        return [ROLES[r] for r in self.roles if r in ROLES]

    def clean(self) -> None:
        try:
            self.roles = clean_roles(self.roles)
        except ValueError as exc:
            raise ValidationError({"roles": str(exc)}) from None
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": "The unit must belong to the same organisation."})
        others = Membership.objects.filter(user_id=self.user_id).exclude(
            organisation_id=self.organisation_id
        )
        if others.exists() and (
            "facilitator" not in self.roles
            or any("facilitator" not in m.roles for m in others)
        ):
            raise ValidationError(
                "Only facilitators may belong to more than one organisation; "
                "this person already belongs to another."
            )
