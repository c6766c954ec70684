"""Background tasks shared by the apps (django-tasks: in-process by default, or a worker)."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send a plain-text email; runs on a task worker when one is configured."""
    return send_mail(subject, body, None, to)
