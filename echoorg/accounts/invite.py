"""Inviting a person added by a facilitator: an email with a link to choose a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from echoorg.common.tasks import send_email


def set_password_link(user, base_url: str) -> str:
    """A one-use link to the page where the person chooses a password (as a reset does)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def invite(user, organisation_name: str, invited_by: str, base_url: str | None = None) -> None:
    """Email the person a link to choose their password and log in."""
    base_url = base_url or settings.ECHOORG_BASE_URL
    body = loader.render_to_string(
        "accounts/invitation_email.txt",
        {
            "user": user,
            "organisation": organisation_name,
            "invited_by": invited_by,
            "link": set_password_link(user, base_url),
        },
    )
    send_email.enqueue(f"You have been added to {organisation_name} on echoorg", body, [user.email])
