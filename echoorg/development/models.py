"""Reflections, mentors' comments on shared ones, and an organisation's word lists.

A reflection's title and answers are stored encrypted with the vault's keys (like concern
text, echoorg.common.crypto); the database never holds them in plain text, and
`echoorg concerns rotate-key` re-encrypts them (the app's `encrypted` parts attribute).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from echoorg.common.crypto import vault
from echoorg.orgs.models import Organisation


class Reflection(models.Model):
    """One guided critical reflection, private to its author unless shared with a mentor."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    # The version of the prompts it was written with (echoorg.core.development.reflection).
    guide_version = models.PositiveIntegerField(default=1)
    title_encrypted = models.BinaryField()
    answers_encrypted = models.BinaryField()  # JSON: prompt id -> answer
    # The one mentor who may read it (a member with the mentor role, same organisation).
    shared_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections_shared_with_me",
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField()
    # Counts saves, so a save from a stale window (another tab) is refused, not merged.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "author"], name="reflection_by_author"),
            models.Index(fields=["organisation", "shared_with"], name="reflection_by_mentor"),
        ]

    @property
    def title(self) -> str:
        return vault().decrypt_text(self.title_encrypted)

    @title.setter
    def title(self, value: str) -> None:
        self.title_encrypted = vault().encrypt_text(value)

    @property
    def answers(self) -> dict[str, str]:
        return json.loads(vault().decrypt_text(self.answers_encrypted))

    @answers.setter
    def answers(self, value: dict[str, str]) -> None:
        self.answers_encrypted = vault().encrypt_text(json.dumps(value, ensure_ascii=False))

    @property
    def status(self) -> str:
        if self.shared_with_id:
            return "shared"
        return "done" if self.finished_at else "in progress"


class ReflectionComment(models.Model):
    """A mentor's comment on a reflection shared with them (encrypted like the reflection)."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body_encrypted = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    @property
    def body(self) -> str:
        return vault().decrypt_text(self.body_encrypted)


class WordLists(models.Model):
    """An organisation's own entries for the reflection aid's word lists (list id ->
    entries); a list not named here keeps the shipped default."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="reflection_word_lists"
    )
    entries = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
