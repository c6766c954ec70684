"""Behaviour of accounts: log in and out, password reset, 2FA and API tokens.

The login throttle has its own file, tests/test_login_throttle.py."""

from __future__ import annotations

import hashlib
import re
import time

import pyotp
import pytest
from django.core import mail
from django.test import Client

from echoorg.accounts.models import ApiToken, User
from echoorg.audit.models import AuditEntry
from echoorg.web import settings as production_settings

from .conftest import PASSWORD

WRONG_LOGIN = "The email address or password is not right."
TOKEN_PATTERN = re.compile(r"echo_[A-Za-z0-9_\-]{20,}")


# -- helpers -----------------------------------------------------------------------------


def log_in(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"email": email, "password": password, **extra})


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def wrong_code(secret: str) -> str:
    """A six-digit code that is valid for none of the steps around now."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    for candidate in ("000000", "111111", "222222", "333333", "444444", "555555"):
        if candidate not in valid:
            return candidate
    raise AssertionError("unreachable")


def api_get(token: str, path: str = "/api/organisations"):
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def person(make_person) -> User:
    return make_person(None, email="sam@example.org")


@pytest.fixture
def totp_person(make_person) -> User:
    user = make_person(None, email="tess@example.org")
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    user.save()
    return user


# -- logging in --------------------------------------------------------------------------


def test_it_logs_in_with_email_and_password(person):
    client = Client()
    response = log_in(client, "sam@example.org")
    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_user_id(client) == person.pk


def test_it_treats_the_email_address_case_insensitively(person):
    client = Client()
    response = log_in(client, "  SAM@Example.ORG ")
    assert response.status_code == 302
    assert logged_in_user_id(client) == person.pk


def test_it_records_a_login_in_the_audit_trail(person):
    log_in(Client(), "sam@example.org")
    assert AuditEntry.objects.filter(action="account.login", actor=person).exists()


def test_it_shows_the_login_form(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_it_refuses_a_wrong_password(person):
    client = Client()
    response = log_in(client, "sam@example.org", "not the password at all")
    assert response.status_code == 400
    assert WRONG_LOGIN in response.content.decode()
    assert logged_in_user_id(client) is None


def test_it_gives_the_same_answer_for_an_unknown_address(db):
    response = log_in(Client(), "nobody@example.org", "whatever it is")
    assert response.status_code == 400
    assert WRONG_LOGIN in response.content.decode()


def test_it_follows_a_local_next_path(person):
    response = log_in(Client(), "sam@example.org", next="/account/")
    assert response.status_code == 302
    assert response.url == "/account/"


def test_it_follows_next_from_the_query_string(person):
    response = Client().post(
        "/login/?next=/account/", {"email": "sam@example.org", "password": PASSWORD}
    )
    assert response.url == "/account/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https://evil.example/account/"]
)
def test_it_ignores_an_external_next_url(person, target):
    response = log_in(Client(), "sam@example.org", next=target)
    assert response.status_code == 302
    assert response.url == "/"


def test_it_redirects_a_logged_in_person_away_from_the_login_page(person, login_as):
    response = login_as(person).get("/login/")
    assert response.status_code == 302
    assert response.url == "/"


def test_it_refuses_an_invalid_email_address_with_an_error(db):
    response = log_in(Client(), "not-an-email", "whatever")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_it_refuses_an_empty_login_form(db):
    # As a browser sends it: every field present, all empty.
    response = Client().post("/login/", {"email": "", "password": "", "next": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_it_refuses_an_inactive_person(person):
    person.is_active = False
    person.save()
    client = Client()
    assert log_in(client, "sam@example.org").status_code == 400
    assert logged_in_user_id(client) is None


# -- logging out -------------------------------------------------------------------------


def test_it_logs_out_only_with_post(person, login_as):
    client = login_as(person)
    assert client.get("/logout/").status_code == 405
    assert logged_in_user_id(client) == person.pk

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == "/login/"
    assert logged_in_user_id(client) is None
    after = client.get("/")
    assert after.status_code == 302
    assert after.url.startswith("/login/")


def test_it_records_a_logout(person, login_as):
    login_as(person).post("/logout/")
    assert AuditEntry.objects.filter(action="account.logout", actor=person).exists()


# -- password hashing ------------------------------------------------------------------


def test_it_hashes_passwords_with_argon2(db, settings):
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = User.objects.create_user("argon@example.org", PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
    assert not user.check_password("something else entirely")


# -- password reset ----------------------------------------------------------------------


def reset_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_it_emails_a_reset_link_to_a_known_address(person):
    response = Client().post("/password-reset/", {"email": "sam@example.org"})
    assert response.status_code == 302
    assert response.url == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    reset_link(mail.outbox[0])


def test_it_sets_a_new_password_through_the_reset_link(person):
    Client().post("/password-reset/", {"email": "sam@example.org"})
    link = reset_link(mail.outbox[0])

    client = Client()
    response = client.get(link)
    assert response.status_code == 302
    set_password_url = response.url
    assert set_password_url.endswith("/set-password/")
    form = client.get(set_password_url)
    assert form.status_code == 200
    assert 'name="new_password1"' in form.content.decode()

    new_password = "purple elephants juggle quietly"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert response.url == "/password-reset/done/"

    person.refresh_from_db()
    assert person.check_password(new_password)
    assert not person.check_password(PASSWORD)
    fresh = Client()
    assert log_in(fresh, "sam@example.org", new_password).status_code == 302
    assert logged_in_user_id(fresh) == person.pk
    assert log_in(Client(), "sam@example.org", PASSWORD).status_code == 400


def test_it_does_not_accept_a_reset_link_twice(person):
    Client().post("/password-reset/", {"email": "sam@example.org"})
    link = reset_link(mail.outbox[0])
    client = Client()
    set_password_url = client.get(link).url
    new_password = "purple elephants juggle quietly"
    client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})

    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_it_shows_the_same_sent_page_for_an_unknown_address(db):
    response = Client().post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/password-reset/sent/"
    assert mail.outbox == []
    page = Client().get(response.url)
    assert "If the address has an account" in page.content.decode()


def test_it_refuses_a_too_short_new_password(person):
    Client().post("/password-reset/", {"email": "sam@example.org"})
    client = Client()
    set_password_url = client.get(reset_link(mail.outbox[0])).url
    response = client.post(
        set_password_url, {"new_password1": "short1pw", "new_password2": "short1pw"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert log_in(Client(), "sam@example.org", PASSWORD).status_code == 302


# -- two-factor login --------------------------------------------------------------------


def test_it_asks_for_a_code_after_the_password_when_2fa_is_on(totp_person):
    client = Client()
    response = log_in(client, "tess@example.org")
    assert response.status_code == 302
    assert response.url == "/login/2fa/"
    assert logged_in_user_id(client) is None
    home = client.get("/")
    assert home.status_code == 302
    assert home.url.startswith("/login/")
    assert client.get("/login/2fa/").status_code == 200


def test_it_refuses_a_wrong_code(totp_person):
    client = Client()
    log_in(client, "tess@example.org")
    response = client.post("/login/2fa/", {"code": wrong_code(totp_person.totp_secret)})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_it_logs_in_with_the_right_code(totp_person):
    client = Client()
    log_in(client, "tess@example.org")
    response = client.post("/login/2fa/", {"code": pyotp.TOTP(totp_person.totp_secret).now()})
    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_user_id(client) == totp_person.pk
    assert "echo_2fa_pending" not in client.session
    assert AuditEntry.objects.filter(action="account.login", actor=totp_person).exists()


def test_it_accepts_a_code_with_spaces(totp_person):
    client = Client()
    log_in(client, "tess@example.org")
    code = pyotp.TOTP(totp_person.totp_secret).now()
    response = client.post("/login/2fa/", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert logged_in_user_id(client) == totp_person.pk


def test_it_keeps_the_next_path_through_the_2fa_step(totp_person):
    client = Client()
    log_in(client, "tess@example.org", next="/account/")
    response = client.post("/login/2fa/", {"code": pyotp.TOTP(totp_person.totp_secret).now()})
    assert response.url == "/account/"


def test_it_refuses_a_code_used_before(totp_person):
    code = pyotp.TOTP(totp_person.totp_secret).now()
    first = Client()
    log_in(first, "tess@example.org")
    assert first.post("/login/2fa/", {"code": code}).status_code == 302

    second = Client()
    log_in(second, "tess@example.org")
    response = second.post("/login/2fa/", {"code": code})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert logged_in_user_id(second) is None


def test_it_refuses_an_older_code_after_a_newer_one_was_used(totp_person):
    totp = pyotp.TOTP(totp_person.totp_secret)
    now = time.time()
    first = Client()
    log_in(first, "tess@example.org")
    assert first.post("/login/2fa/", {"code": totp.at(now)}).status_code == 302

    second = Client()
    log_in(second, "tess@example.org")
    assert second.post("/login/2fa/", {"code": totp.at(now - 30)}).status_code == 400


def test_it_refuses_a_code_from_long_ago(totp_person):
    client = Client()
    log_in(client, "tess@example.org")
    old = pyotp.TOTP(totp_person.totp_secret).at(time.time() - 600)
    if old == pyotp.TOTP(totp_person.totp_secret).now():  # pragma: no cover - 1 in a million
        pytest.skip("old code happens to equal the current one")
    assert client.post("/login/2fa/", {"code": old}).status_code == 400


def test_it_sends_the_2fa_step_back_to_login_without_a_pending_login(db):
    response = Client().get("/login/2fa/")
    assert response.status_code == 302
    assert response.url == "/login/"
    response = Client().post("/login/2fa/", {"code": "123456"})
    assert response.status_code == 302
    assert response.url == "/login/"


# -- two-factor setup --------------------------------------------------------------------


def test_it_shows_a_qr_code_and_key_for_setup(person, login_as):
    client = login_as(person)
    response = client.get("/account/2fa/setup/")
    assert response.status_code == 200
    page = response.content.decode()
    secret = client.session["echo_totp_secret"]
    assert "<svg" in page
    assert secret in page
    # The same key is offered until setup completes.
    client.get("/account/2fa/setup/")
    assert client.session["echo_totp_secret"] == secret


def test_it_does_not_turn_2fa_on_with_a_wrong_code(person, login_as):
    client = login_as(person)
    client.get("/account/2fa/setup/")
    secret = client.session["echo_totp_secret"]
    response = client.post("/account/2fa/setup/", {"code": wrong_code(secret)})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    person.refresh_from_db()
    assert not person.totp_enabled
    assert person.totp_secret == ""


def test_it_turns_2fa_on_with_the_right_code(person, login_as):
    client = login_as(person)
    client.get("/account/2fa/setup/")
    secret = client.session["echo_totp_secret"]
    response = client.post("/account/2fa/setup/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response.url == "/account/2fa/recovery-codes/"
    person.refresh_from_db()
    assert person.totp_enabled
    assert person.totp_secret == secret
    assert "echo_totp_secret" not in client.session
    assert AuditEntry.objects.filter(action="account.2fa_enabled", actor=person).exists()


def test_it_then_asks_for_a_code_at_login(person, login_as):
    client = login_as(person)
    client.get("/account/2fa/setup/")
    secret = client.session["echo_totp_secret"]
    client.post("/account/2fa/setup/", {"code": pyotp.TOTP(secret).now()})
    assert log_in(Client(), "sam@example.org").url == "/login/2fa/"


def test_it_lets_a_person_turn_2fa_off_when_not_required(totp_person, login_as):
    client = login_as(totp_person)
    response = client.post(
        "/account/2fa/disable/", {"code": pyotp.TOTP(totp_person.totp_secret).now()}
    )
    assert response.status_code == 302
    totp_person.refresh_from_db()
    assert not totp_person.totp_enabled
    assert totp_person.totp_secret == ""


def test_it_needs_a_current_code_to_turn_2fa_off(totp_person, login_as):
    client = login_as(totp_person)
    client.post("/account/2fa/disable/", {"code": wrong_code(totp_person.totp_secret)})
    totp_person.refresh_from_db()
    assert totp_person.totp_enabled


# -- two-factor required by role ---------------------------------------------------------


@pytest.fixture
def strict_org(org):
    org.require_2fa_roles = ["leader"]
    org.save()
    return org


def test_it_sends_a_leader_without_2fa_to_set_it_up(strict_org, make_person, login_as):
    leader = make_person(strict_org, "leader")
    client = login_as(leader)
    response = client.get(f"/o/{strict_org.slug}/")
    assert response.status_code == 302
    assert response.url == "/account/2fa/setup/?required=1"
    setup = client.get(response.url)
    assert setup.status_code == 200
    assert "requires two-factor authentication for your role" in setup.content.decode()


def test_it_does_not_send_a_staff_member_to_set_up_2fa(strict_org, make_person, login_as):
    staff = make_person(strict_org, "staff")
    assert login_as(staff).get(f"/o/{strict_org.slug}/").status_code == 200


def test_it_lets_a_leader_with_2fa_in(strict_org, make_person, login_as):
    leader = make_person(strict_org, "leader")
    leader.totp_secret, leader.totp_enabled = pyotp.random_base32(), True
    leader.save()
    assert login_as(leader).get(f"/o/{strict_org.slug}/").status_code == 200


def test_it_lets_a_leader_without_2fa_log_out(strict_org, make_person, login_as):
    leader = make_person(strict_org, "leader")
    client = login_as(leader)
    assert client.post("/logout/").status_code == 302
    assert logged_in_user_id(client) is None


def test_it_refuses_the_api_token_of_a_leader_without_2fa(strict_org, make_person):
    leader = make_person(strict_org, "leader")
    _, raw = ApiToken.issue(leader, "sync")
    assert api_get(raw).status_code == 401

    leader.totp_secret, leader.totp_enabled = pyotp.random_base32(), True
    leader.save()
    response = api_get(raw)
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()] == [strict_org.slug]


def test_it_refuses_to_turn_2fa_off_while_required(strict_org, make_person, login_as):
    leader = make_person(strict_org, "leader")
    leader.totp_secret, leader.totp_enabled = pyotp.random_base32(), True
    leader.save()
    client = login_as(leader)
    response = client.post(
        "/account/2fa/disable/", {"code": pyotp.TOTP(leader.totp_secret).now()}, follow=True
    )
    assert response.status_code == 200
    assert "cannot be turned off" in response.content.decode()
    leader.refresh_from_db()
    assert leader.totp_enabled
    assert leader.totp_secret


# -- API tokens --------------------------------------------------------------------------


def create_token(client: Client, name: str = "HR sync") -> str:
    response = client.post("/account/tokens/", {"name": name})
    assert response.status_code == 302
    assert response.url == "/account/"
    page = client.get("/account/").content.decode()
    found = TOKEN_PATTERN.search(page)
    assert found, page
    return found.group(0)


def test_it_shows_a_new_token_once(org, make_person, login_as):
    member = make_person(org, "staff")
    client = login_as(member)
    raw = create_token(client)
    again = client.get("/account/").content.decode()
    assert raw not in again
    assert "HR sync" in again
    assert raw[:9] in again  # the hint still identifies it


def test_it_stores_only_the_digest_of_a_token(org, make_person, login_as):
    member = make_person(org, "staff")
    raw = create_token(login_as(member))
    token = ApiToken.objects.get(user=member)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    for field in ApiToken._meta.concrete_fields:
        assert raw not in str(getattr(token, field.attname))


def test_it_authenticates_api_calls_with_a_bearer_token(org, make_person, login_as):
    member = make_person(org, "staff")
    raw = create_token(login_as(member))
    response = api_get(raw)
    assert response.status_code == 200
    assert response.json() == [{"slug": org.slug, "name": org.name, "roles": ["staff"]}]
    assert ApiToken.objects.get(user=member).last_used is not None


def test_it_refuses_api_calls_without_a_valid_token(org, make_person):
    make_person(org, "staff")
    assert Client().get("/api/organisations").status_code == 401
    assert api_get("echo_not-a-real-token").status_code == 401
    assert api_get("something-else").status_code == 401


def test_it_refuses_a_revoked_token(org, make_person, login_as):
    member = make_person(org, "staff")
    client = login_as(member)
    raw = create_token(client)
    assert api_get(raw).status_code == 200
    token = ApiToken.objects.get(user=member)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert api_get(raw).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked", actor=member).exists()


def test_it_refuses_a_token_of_an_inactive_person(org, make_person):
    member = make_person(org, "staff")
    _, raw = ApiToken.issue(member, "sync")
    member.is_active = False
    member.save()
    assert api_get(raw).status_code == 401


def test_it_does_not_let_a_person_revoke_someone_elses_token(org, make_person, login_as):
    owner = make_person(org, "staff")
    intruder = make_person(org, "staff")
    token, raw = ApiToken.issue(owner, "owner's token")
    response = login_as(intruder).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert api_get(raw).status_code == 200


def test_it_revokes_only_with_post(org, make_person, login_as):
    member = make_person(org, "staff")
    token, _ = ApiToken.issue(member, "sync")
    assert login_as(member).get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_refuses_a_token_without_a_name(org, make_person, login_as):
    member = make_person(org, "staff")
    response = login_as(member).post("/account/tokens/", {"name": ""}, follow=True)
    assert response.status_code == 200
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.filter(user=member).exists()
    assert TOKEN_PATTERN.search(response.content.decode()) is None


def test_it_needs_a_login_to_create_a_token(db):
    response = Client().post("/account/tokens/", {"name": "sync"})
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert ApiToken.objects.count() == 0
