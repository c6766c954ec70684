"""TOTP secrets encrypted at rest, and single-use recovery codes (issue 8, finding 20).

The attacks: an insider reads the user table and copies a person's TOTP secret; someone
who has a person's password guesses recovery codes, or replays one seen once.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from echoorg.accounts.models import RecoveryCode, User
from echoorg.audit.models import AuditEntry
from echoorg.common.crypto import vault
from echoorg.core.recovery_codes import normalise_recovery_code, recovery_code_digest

from .conftest import PASSWORD

CODE = re.compile(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>")


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"email": email, "password": password})


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def raw_user_row(user: User) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def as_text(value) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def set_up_two_factor(client: Client) -> tuple[str, list[str]]:
    """Turn 2FA on through the pages; return the secret and the recovery codes shown."""
    client.get("/account/2fa/setup/")
    secret = client.session["echo_totp_secret"]
    response = client.post("/account/2fa/setup/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.url == "/account/2fa/recovery-codes/"
    page = client.get(response.url).content.decode()
    return secret, CODE.findall(page)


@pytest.fixture
def person(make_person) -> User:
    return make_person(None, email="robin@example.org")


@pytest.fixture
def enrolled(person, login_as):
    """Robin with 2FA set up through the pages: (person, secret, recovery codes)."""
    secret, codes = set_up_two_factor(login_as(person))
    person.refresh_from_db()
    return person, secret, codes


def start_login(email: str = "robin@example.org") -> Client:
    client = Client()
    assert log_in(client, email).url == "/login/2fa/"
    return client


# -- the secret at rest ------------------------------------------------------------------


def test_the_database_row_holds_no_plain_secret(enrolled):
    person, secret, _ = enrolled
    row = raw_user_row(person)
    assert "totp_secret" not in row
    for column, value in row.items():
        assert secret not in as_text(value), f"the secret is readable in {column}"
        assert secret.lower() not in as_text(value).lower()
    stored = bytes(row["totp_secret_encrypted"])
    assert vault().decrypt_text(stored) == secret


def test_a_copied_secret_column_is_useless_without_the_key(enrolled, settings):
    person, _, _ = enrolled
    from echoorg.core.crypto import DecryptionError, Vault, new_key

    stored = bytes(raw_user_row(person)["totp_secret_encrypted"])
    with pytest.raises(DecryptionError):
        Vault([new_key()]).decrypt(stored)


def test_login_with_the_app_still_works(enrolled):
    person, secret, _ = enrolled
    client = start_login()
    # The setup used the current step; the next one is still valid for logging in.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    response = client.post("/login/2fa/", {"code": code})
    assert response.status_code == 302
    assert logged_in_user_id(client) == person.pk


def test_secrets_rotate_with_the_speak_up_keys(enrolled, settings, capsys):
    from echoorg.core.crypto import new_key

    person, secret, _ = enrolled
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key(), *settings.ECHOORG_ENCRYPTION_KEYS]
    call_command("concerns", "rotate-key")
    assert "1 two-factor secrets" in capsys.readouterr().out
    settings.ECHOORG_ENCRYPTION_KEYS = settings.ECHOORG_ENCRYPTION_KEYS[:1]
    person.refresh_from_db()
    assert person.totp_secret == secret


def test_a_secret_no_key_can_decrypt_refuses_the_login_without_a_crash(enrolled, settings, caplog):
    from echoorg.core.crypto import new_key

    person, secret, _ = enrolled
    client = start_login()
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key()]
    response = client.post("/login/2fa/", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert response.status_code == 400 and logged_in_user_id(client) is None
    assert "cannot be decrypted" in caplog.text


# -- recovery codes ----------------------------------------------------------------------


def test_setup_shows_ten_codes_once(person, login_as):
    client = login_as(person)
    _, codes = set_up_two_factor(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    again = client.get("/account/2fa/recovery-codes/")
    assert again.status_code == 302 and again.url == "/account/"
    assert "echo_new_recovery_codes" not in client.session


def test_the_codes_page_offers_a_download_and_is_not_cached(person, login_as):
    client = login_as(person)
    client.get("/account/2fa/setup/")
    secret = client.session["echo_totp_secret"]
    client.post("/account/2fa/setup/", {"code": pyotp.TOTP(secret).now()})
    response = client.get("/account/2fa/recovery-codes/")
    page = response.content.decode()
    assert 'download="echoorg-recovery-codes.txt"' in page
    assert "no-store" in response["Cache-Control"]
    for code in CODE.findall(page):
        assert code in page.split('href="data:text/plain;charset=utf-8,')[1].split('"')[0]


def test_only_hashes_of_the_codes_are_stored(enrolled):
    person, _, codes = enrolled
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_recoverycode WHERE user_id = %s", [person.pk])
        rows = cursor.fetchall()
    assert len(rows) == 10
    stored = " ".join(as_text(v) for row in rows for v in row)
    for code in codes:
        assert code not in stored and normalise_recovery_code(code) not in stored
    assert {r.digest for r in RecoveryCode.objects.filter(user=person)} == {
        recovery_code_digest(person.pk, c) for c in codes
    }


def test_a_recovery_code_logs_in_once_and_not_twice(enrolled):
    person, _, codes = enrolled
    client = start_login()
    response = client.post("/login/2fa/", {"code": codes[0]}, follow=True)
    assert logged_in_user_id(client) == person.pk
    assert "You have 9 left" in response.content.decode()
    used = AuditEntry.objects.filter(action="account.recovery_code_used", actor=person).get()
    assert used.detail == {"left": 9}
    login = AuditEntry.objects.filter(action="account.login", actor=person).last()
    assert login.detail == {"two_factor": True, "recovery_code": True}

    again = start_login()
    response = again.post("/login/2fa/", {"code": codes[0]})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert logged_in_user_id(again) is None


def test_a_recovery_code_may_be_typed_in_capitals_with_spaces(enrolled):
    person, _, codes = enrolled
    client = start_login()
    typed = codes[1].upper().replace("-", " ")
    assert client.post("/login/2fa/", {"code": typed}).status_code == 302
    assert logged_in_user_id(client) == person.pk


def test_one_persons_code_does_not_work_for_another(enrolled, make_person, login_as):
    _, _, robins_codes = enrolled
    other = make_person(None, email="kim@example.org")
    set_up_two_factor(login_as(other))
    client = start_login("kim@example.org")
    assert client.post("/login/2fa/", {"code": robins_codes[0]}).status_code == 400
    assert logged_in_user_id(client) is None


def test_wrong_recovery_codes_are_throttled_like_app_codes(enrolled, settings):
    person, _, codes = enrolled
    client = start_login()
    # The free failures, then one more starts the delay (echoorg.core.throttle.Backoff).
    for n in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        wrong = f"aaaa-bbbb-cccc-{n + 2:04d}".replace("0", "z").replace("1", "y")
        assert client.post("/login/2fa/", {"code": wrong}).status_code == 400
    response = client.post("/login/2fa/", {"code": codes[0]})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert logged_in_user_id(client) is None
    # The refused attempt did not spend the code.
    assert RecoveryCode.objects.filter(user=person, used_at__isnull=True).count() == 10


def test_a_code_too_long_for_the_form_gets_a_clear_message(enrolled):
    client = start_login()
    response = client.post("/login/2fa/", {"code": "x" * 200})
    assert response.status_code == 400
    assert "Code: Ensure this value has at most 40 characters" in response.content.decode()


def test_the_account_page_shows_how_many_codes_are_left(enrolled, login_as):
    person, _, codes = enrolled
    for code in codes[:8]:
        start_login().post("/login/2fa/", {"code": code})
    page = login_as(person).get("/account/").content.decode()
    assert "<strong>2 of 10</strong> recovery codes left" in page
    assert "Make new recovery codes soon" in page


def test_regenerating_asks_for_the_password_and_invalidates_old_codes(enrolled, login_as):
    person, _, old_codes = enrolled
    client = login_as(person)
    confirm = client.get("/account/2fa/recovery-codes/new/")
    assert confirm.status_code == 200
    assert "All your current codes stop working" in confirm.content.decode()

    wrong = client.post("/account/2fa/recovery-codes/new/", {"password": "not it"})
    assert wrong.status_code == 400
    assert "Your password: That password is not right." in wrong.content.decode()
    assert RecoveryCode.objects.filter(user=person).count() == 10
    assert set(RecoveryCode.objects.filter(user=person).values_list("digest", flat=True)) == {
        recovery_code_digest(person.pk, c) for c in old_codes
    }

    response = client.post("/account/2fa/recovery-codes/new/", {"password": PASSWORD})
    assert response.status_code == 302 and response.url == "/account/2fa/recovery-codes/"
    new_codes = CODE.findall(client.get(response.url).content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert AuditEntry.objects.filter(
        action="account.recovery_codes_regenerated", actor=person
    ).exists()

    old = start_login()
    assert old.post("/login/2fa/", {"code": old_codes[5]}).status_code == 400
    new = start_login()
    assert new.post("/login/2fa/", {"code": new_codes[5]}).status_code == 302


def test_regenerating_with_an_empty_form_says_what_is_missing(enrolled, login_as):
    person, _, _ = enrolled
    response = login_as(person).post("/account/2fa/recovery-codes/new/", {})
    assert response.status_code == 400
    assert "Your password: This field is required." in response.content.decode()


def test_guessing_the_password_to_regenerate_is_throttled(enrolled, login_as, settings):
    person, _, _ = enrolled
    client = login_as(person)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        client.post("/account/2fa/recovery-codes/new/", {"password": "guess"})
    response = client.post("/account/2fa/recovery-codes/new/", {"password": PASSWORD})
    assert response.status_code == 429


def test_regenerating_needs_two_factor_on(person, login_as):
    response = login_as(person).get("/account/2fa/recovery-codes/new/")
    assert response.status_code == 302 and response.url == "/account/"


def test_a_recovery_code_turns_two_factor_off(enrolled, login_as):
    person, _, codes = enrolled
    client = login_as(person)
    client.post("/account/2fa/disable/", {"code": codes[0]})
    person.refresh_from_db()
    assert not person.totp_enabled and person.totp_secret_encrypted is None
    assert not RecoveryCode.objects.filter(user=person).exists()


def test_reset_2fa_still_works_and_removes_recovery_codes(enrolled):
    person, _, codes = enrolled
    call_command("reset_2fa", person.email, "--reason", "ticket 42")
    person.refresh_from_db()
    assert not person.totp_enabled and person.totp_secret == ""
    assert raw_user_row(person)["totp_secret_encrypted"] is None
    assert not RecoveryCode.objects.filter(user=person).exists()
    # With 2FA off the password alone logs in; a stale recovery code is not asked for.
    client = Client()
    assert log_in(client, person.email).url == "/"


# -- the upgrade -------------------------------------------------------------------------


def test_the_upgrade_encrypts_secrets_stored_in_clear(transactional_db, make_person):
    from django.db.migrations.executor import MigrationExecutor

    person = make_person(None, email="legacy@example.org")
    secret = pyotp.random_base32()
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user SET totp_secret = %s, totp_enabled = %s WHERE id = %s",
                [secret, True, person.pk],
            )
        MigrationExecutor(connection).migrate([("accounts", "0004_remove_user_totp_secret")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = raw_user_row(person)
    assert "totp_secret" not in row
    assert all(secret not in as_text(v) for v in row.values())
    person.refresh_from_db()
    assert person.totp_secret == secret
    client = Client()
    assert log_in(client, "legacy@example.org").url == "/login/2fa/"
    assert client.post("/login/2fa/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
