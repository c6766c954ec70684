"""Codes an organisation adds to the ECHO taxonomy for its own use.

The shipped codebook (data/codebook.yaml) is read-only and versioned with echoorg; an
organisation's own codes live here, checked by the same schema
(echoorg.core.library.codebook.parse_code), and every one is added through
`services.add_organisation_code`, which writes the audit record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from echoorg.core.library.codebook import Code, Crosswalk


class OrganisationCode(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="library_codes"
    )
    code_id = models.CharField(max_length=60)
    family = models.CharField(max_length=30)
    name = models.CharField(max_length=120)
    definition = models.TextField()
    use_when = models.TextField()
    not_when = models.TextField()
    example = models.TextField()
    accimap = models.JSONField(default=list)
    hfacs = models.JSONField(default=list)
    turner = models.JSONField(default=list)
    vaughan = models.JSONField(default=list)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code_id"], name="unique_library_code_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def as_code(self) -> Code:
        return Code(
            id=self.code_id,
            family=self.family,
            name=self.name,
            definition=self.definition,
            use_when=self.use_when,
            not_when=self.not_when,
            example=self.example,
            crosswalk=Crosswalk(
                tuple(self.accimap), tuple(self.hfacs), tuple(self.turner), tuple(self.vaughan)
            ),
        )
