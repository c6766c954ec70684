"""Attacks on the login throttle (issue 8, finding 15).

The throttle is per address AND client, in memory, with a growing delay: hammering
someone's address slows only the one hammering. Clients here are told apart by their IP
address (REMOTE_ADDR) or by the device cookie a browser gets after a complete login.
"""

from __future__ import annotations

import time

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from echoorg.accounts import login_throttle
from echoorg.accounts.models import User

from .conftest import PASSWORD

ATTACKER_IP, VICTIM_IP = "203.0.113.9", "198.51.100.7"


class Clock:
    """The throttle's clock, moved by the test instead of sleeping."""

    def __init__(self) -> None:
        self.t = 1_900_000_000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(login_throttle, "now", c)
    return c


@pytest.fixture
def victim(make_person) -> User:
    return make_person(None, email="victim@example.org")


def client_at(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"email": email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_fifty_wrong_passwords_from_one_client_do_not_stop_the_owner_elsewhere(victim, clock):
    attacker = client_at(ATTACKER_IP)
    for _ in range(50):
        log_in(attacker, "victim@example.org", "wrong password!")
        clock.advance(1)
    owner = client_at(VICTIM_IP)
    response = log_in(owner, "victim@example.org")
    assert response.status_code == 302
    assert logged_in(owner)


def test_the_hammering_client_waits_longer_and_longer(victim, clock, settings):
    attacker = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES):
        assert log_in(attacker, "victim@example.org", "wrong password!").status_code == 400
    waits = []
    for _ in range(4):
        # The next attempt is checked (and fails); the one after must wait.
        assert log_in(attacker, "victim@example.org", "wrong password!").status_code == 400
        refused = log_in(attacker, "victim@example.org", PASSWORD)
        assert refused.status_code == 429
        seconds = int(refused["Retry-After"])
        assert f"Try again in {seconds} seconds." in refused.content.decode()
        assert not logged_in(attacker)
        waits.append(seconds)
        clock.advance(seconds)
    assert waits == [30, 60, 120, 240]


def test_the_delay_stops_at_the_cap(victim, clock, settings):
    settings.ECHOORG_LOGIN_LOCKOUT_SECONDS = 100
    attacker = client_at(ATTACKER_IP)
    for _ in range(30):
        log_in(attacker, "victim@example.org", "wrong password!")
        clock.advance(100)
    log_in(attacker, "victim@example.org", "wrong password!")
    assert int(log_in(attacker, "victim@example.org")["Retry-After"]) == 100


def test_waiting_out_the_delay_lets_the_right_password_in(victim, clock, settings):
    client = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        log_in(client, "victim@example.org", "wrong password!")
    assert log_in(client, "victim@example.org").status_code == 429
    clock.advance(settings.ECHOORG_LOGIN_BACKOFF_SECONDS)
    assert log_in(client, "victim@example.org").status_code == 302


def test_refused_attempts_are_not_counted(victim, clock, settings):
    client = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        log_in(client, "victim@example.org", "wrong password!")
    for _ in range(20):
        assert log_in(client, "victim@example.org", "guess").status_code == 429
    clock.advance(settings.ECHOORG_LOGIN_BACKOFF_SECONDS)
    log_in(client, "victim@example.org", "wrong password!")
    # Still only the second step of the ladder, not the twentieth.
    assert int(log_in(client, "victim@example.org")["Retry-After"]) == (
        2 * settings.ECHOORG_LOGIN_BACKOFF_SECONDS
    )


def test_no_delay_just_below_the_limit(victim, clock, settings):
    client = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES):
        log_in(client, "victim@example.org", "wrong password!")
    assert log_in(client, "victim@example.org").status_code == 302


def test_differently_cased_spellings_share_one_count(victim, clock, settings):
    client = client_at(ATTACKER_IP)
    for n in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        log_in(client, "VICTIM@example.org" if n % 2 else "victim@EXAMPLE.org", "wrong!")
    assert log_in(client, "Victim@Example.Org").status_code == 429


def test_unknown_addresses_are_slowed_the_same_way(db, clock, settings):
    client = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        assert log_in(client, "nobody@example.org", "guess").status_code == 400
    response = log_in(client, "nobody@example.org", "guess")
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()


def test_other_addresses_from_the_same_client_are_not_slowed(victim, make_person, clock, settings):
    make_person(None, email="other@example.org")
    client = client_at(ATTACKER_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 3):
        log_in(client, "victim@example.org", "wrong password!")
    assert log_in(client, "other@example.org").status_code == 302


def test_a_complete_login_clears_that_clients_count(victim, clock, settings):
    client = client_at(VICTIM_IP)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES):
        log_in(client, "victim@example.org", "wrong password!")
    assert log_in(client, "victim@example.org").status_code == 302
    client.post("/logout/")
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES):
        assert log_in(client, "victim@example.org", "wrong password!").status_code == 400
    assert log_in(client, "victim@example.org").status_code == 302


def test_the_owners_browser_keeps_its_own_count_behind_the_attackers_address(victim, clock):
    # Same office, same public address: the owner's browser has logged in before, so its
    # device cookie gives it a count of its own.
    owner = client_at(ATTACKER_IP)
    assert log_in(owner, "victim@example.org").status_code == 302
    assert login_throttle.DEVICE_COOKIE in owner.cookies
    owner.post("/logout/")
    attacker = client_at(ATTACKER_IP)
    for _ in range(50):
        log_in(attacker, "victim@example.org", "wrong password!")
    assert log_in(attacker, "victim@example.org").status_code == 429
    assert log_in(owner, "victim@example.org").status_code == 302


def test_a_device_cookie_for_another_address_or_forged_gives_no_own_count(
    victim, make_person, clock, settings
):
    make_person(None, email="attacker@example.org")
    attacker = client_at(ATTACKER_IP)
    assert log_in(attacker, "attacker@example.org").status_code == 302  # a cookie of theirs
    attacker.post("/logout/")
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        log_in(attacker, "victim@example.org", "wrong password!")
    assert log_in(attacker, "victim@example.org").status_code == 429
    attacker.cookies[login_throttle.DEVICE_COOKIE] = "forged:value"
    assert log_in(attacker, "victim@example.org").status_code == 429


def test_the_device_cookie_is_sent_only_to_login_pages_and_names_nobody(victim, clock):
    client = client_at(VICTIM_IP)
    log_in(client, "victim@example.org")
    cookie = client.cookies[login_throttle.DEVICE_COOKIE]
    assert cookie["path"] == "/login/"
    assert cookie["httponly"]
    assert "victim" not in cookie.value


def test_nothing_about_failures_is_written_to_the_database(victim, clock, settings):
    client = client_at(ATTACKER_IP)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 2):
            log_in(client, "victim@example.org", "wrong password!")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_the_cache_holds_no_address_or_ip_in_clear(victim, clock):
    from django.core.cache import cache

    log_in(client_at(ATTACKER_IP), "victim@example.org", "wrong password!")
    stored = repr(getattr(cache, "_cache", {}))
    assert stored != "{}"
    assert "victim" not in stored and ATTACKER_IP not in stored


def test_a_trusted_proxy_passes_on_the_clients_address(victim, clock, settings):
    settings.ECHOORG_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER_IP)
    for _ in range(20):
        log_in(attacker, "victim@example.org", "wrong password!")
    assert log_in(attacker, "victim@example.org").status_code == 429
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"spoofed, {VICTIM_IP}")
    assert log_in(owner, "victim@example.org").status_code == 302


# -- the code step -----------------------------------------------------------------------


@pytest.fixture
def totp_victim(victim) -> User:
    victim.totp_secret = pyotp.random_base32()
    victim.totp_enabled = True
    victim.save()
    return victim


def test_wrong_codes_are_slowed_per_client_and_the_owner_still_gets_in(
    totp_victim, clock, settings
):
    attacker = client_at(ATTACKER_IP)  # knows the password, not the device
    assert log_in(attacker, "victim@example.org").status_code == 302
    bad = wrong_code(totp_victim.totp_secret)
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES + 1):
        assert attacker.post("/login/2fa/", {"code": bad}).status_code == 400
    refused = attacker.post("/login/2fa/", {"code": bad})
    assert refused.status_code == 429
    assert "Try again in 30 seconds." in refused.content.decode()
    clock.advance(30)
    assert attacker.post("/login/2fa/", {"code": bad}).status_code == 400
    assert int(attacker.post("/login/2fa/", {"code": bad})["Retry-After"]) == 60
    # The password step from that client shares the count.
    assert log_in(client_at(ATTACKER_IP), "victim@example.org").status_code == 429

    owner = client_at(VICTIM_IP)
    assert log_in(owner, "victim@example.org").status_code == 302
    code = pyotp.TOTP(totp_victim.totp_secret).now()
    assert owner.post("/login/2fa/", {"code": code}).status_code == 302
    assert logged_in(owner)


def test_entering_the_password_again_does_not_reset_the_count_of_wrong_codes(
    totp_victim, clock, settings
):
    bad = wrong_code(totp_victim.totp_secret)
    client = client_at(ATTACKER_IP)
    log_in(client, "victim@example.org")
    for _ in range(settings.ECHOORG_LOGIN_MAX_FAILURES):
        client.post("/login/2fa/", {"code": bad})
    assert log_in(client, "victim@example.org").status_code == 302
    client.post("/login/2fa/", {"code": bad})
    code = pyotp.TOTP(totp_victim.totp_secret).now()
    assert client.post("/login/2fa/", {"code": code}).status_code == 429
    assert not logged_in(client)
