"""ECHO case analyses: a leader's structured analysis of one case, step by step.

Everything the leader writes (the title and every step) is one JSON document encrypted
like concern text (echoorg.common.crypto.vault); the database holds only which case it is
about, who wrote it, who it is shared with, which steps are saved and when. An analysis is
private to its author; the author may share it with one named mentor of the same
organisation. A worked example (`is_example`) has no author and is read by every leader
and mentor of its organisation.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from echoorg.common.crypto import vault


class CaseAnalysis(models.Model):
    INQUIRY, OWN, SHARED, EXAMPLE = "inquiry", "own", "shared", "example"
    SOURCES = [
        (INQUIRY, "An inquiry from the case library"),
        (OWN, "A case I describe"),
        (SHARED, "A concluded concern a guardian shared for learning"),
        (EXAMPLE, "The worked example (fictional)"),
    ]

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="case_analyses"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="case_analyses",
    )
    source = models.CharField(max_length=10, choices=SOURCES)
    inquiry_id = models.CharField(max_length=80, blank=True)  # a library case's id
    shared_case = models.ForeignKey(
        "concerns.LearningCase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_example = models.BooleanField(default=False)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title_encrypted = models.BinaryField()
    content_encrypted = models.BinaryField()
    steps_saved = models.JSONField(default=list, blank=True)  # step keys, no content
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    completed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "author"], name="analysis_author"),
            models.Index(fields=["organisation", "mentor"], name="analysis_mentor"),
            models.Index(fields=["organisation", "is_example"], name="analysis_example"),
        ]

    def __str__(self) -> str:
        return f"Case analysis {self.pk}"

    @property
    def title(self) -> str:
        return vault().decrypt_text(self.title_encrypted)

    @property
    def content(self) -> dict[str, Any]:
        text = vault().decrypt_text(self.content_encrypted)
        return json.loads(text) if text else {}

    def set_text(self, title: str, content: dict[str, Any]) -> None:
        box = vault()
        self.title_encrypted = box.encrypt_text(title)
        self.content_encrypted = box.encrypt_text(json.dumps(content, ensure_ascii=False))
