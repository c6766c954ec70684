"""Password reset email sent through the task queue, so a slow mail server never blocks a page."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from echoorg.common.tasks import send_email


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(subject, body, [to_email])
