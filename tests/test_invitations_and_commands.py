from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from echoorg.accounts.models import User
from echoorg.audit.models import AuditEntry
from echoorg.orgs.models import Organisation


def choose_password(link: str, password: str) -> Client:
    client = Client()
    path = re.sub(r"^https?://[^/]+", "", link)
    landing = client.get(path)
    assert landing.status_code == 302
    form_url = landing["Location"]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_a_new_person_is_emailed_a_link_to_choose_a_password(login_as, facilitator, org):
    login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": "new.starter@example.org", "roles": ["staff"]},
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.starter@example.org"] and org.name in message.subject
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)
    choose_password(link, "a long new passphrase 42")
    assert (
        Client()
        .post(
            "/login/", {"email": "new.starter@example.org", "password": "a long new passphrase 42"}
        )
        .status_code
        == 302
    )


def test_someone_who_already_has_a_password_is_told_without_a_link(
    login_as, facilitator, org, other_org, make_person
):
    # Emailed all the same (decision 0007), so the facilitator sees the same thing; the
    # email has no set-password link, since they already have a password.
    elsewhere_facilitator = make_person(other_org, "facilitator")
    login_as(facilitator).post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": elsewhere_facilitator.email, "roles": ["facilitator"]},
    )
    assert [m.to for m in mail.outbox] == [[elsewhere_facilitator.email]]
    assert "/password-reset/" not in mail.outbox[0].body


def test_setup_organisation_makes_the_first_facilitator(db, capsys):
    call_command(
        "setup_organisation",
        "--name",
        "Delta Council",
        "--slug",
        "delta",
        "--facilitator",
        "Lead@Delta.example",
        "--base-url",
        "https://echo.delta.example",
    )
    out = capsys.readouterr().out
    org = Organisation.objects.get(slug="delta")
    assert org.memberships.get().user.email == "lead@delta.example"
    link = re.search(r"https://echo\.delta\.example/password-reset/\S+/", out).group(0)
    choose_password(link, "delta facilitator passphrase")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "X", "--slug", "not a slug", "--facilitator", "a@b.example"], "slug"),
        (["--name", "X", "--slug", "x", "--facilitator", "not-an-email"], "email"),
    ],
)
def test_setup_organisation_refuses_bad_input_and_writes_nothing(db, args, message):
    with pytest.raises(CommandError, match=f"(?i){message}"):
        call_command("setup_organisation", *args)
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_reset_2fa_turns_it_off_with_an_audit_entry(db, make_person, org):
    person = make_person(org, "leader")
    person.totp_secret, person.totp_enabled = "JBSWY3DPEHPK3PXP", True
    person.save()
    call_command("reset_2fa", person.email, "--reason", "ticket 123")
    person.refresh_from_db()
    assert not person.totp_enabled and person.totp_secret == ""
    entry = AuditEntry.objects.get(action="account.2fa_reset_by_administrator")
    assert entry.detail == {"reason": "ticket 123"} and entry.actor is None


def test_reset_2fa_explains_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account has the address"):
        call_command("reset_2fa", "ghost@example.org", "--reason", "x")
