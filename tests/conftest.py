"""Shared fixtures: organisations, people with roles, logged-in clients, and the demo
loaded once for the tests that read it."""

from __future__ import annotations

import io
import itertools

import pytest
from django.test import Client

from echoorg.accounts.models import User
from echoorg.orgs.models import Membership, Organisation, Unit

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Speak-up's counters, the login throttle and cached results (all kept in the cache)
    start empty in every test. Password hashing, receipt hashing and the proof of work
    are cheap for the whole run (tests/settings.py)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(params=["accelerated", "numpy"])
def both_routes(request, monkeypatch):
    """Run a test with echoorg's C accelerator and again without it (NumPy and Arrow)."""
    from echoorg.core.diagnostic import fastread

    if request.param == "numpy":
        monkeypatch.setattr(fastread, "native", None)
    elif not fastread.available():
        pytest.skip("the C accelerator was not built (no compiler)")
    return request.param


@pytest.fixture
def make_org(db):
    def make(slug: str | None = None, name: str | None = None) -> Organisation:
        n = next(_numbers)
        return Organisation.objects.create(
            slug=slug or f"org-{n}", name=name or f"Organisation {n}"
        )

    return make


@pytest.fixture
def make_person(db):
    def make(
        org: Organisation | None,
        *roles: str,
        email: str | None = None,
        unit: Unit | None = None,
        password: str = PASSWORD,
    ) -> User:
        n = next(_numbers)
        user = User.objects.create_user(
            email or f"person{n}@example.org", password, full_name=f"Person {n}"
        )
        if org is not None:
            Membership.objects.create(
                user=user,
                organisation=org,
                unit=unit,
                roles=list(roles) or ["staff"],
                name=user.full_name,
            )
        return user

    return make


@pytest.fixture
def org(make_org) -> Organisation:
    return make_org("alpha", "Alpha Council")


@pytest.fixture
def other_org(make_org) -> Organisation:
    return make_org("beta", "Beta Trust")


@pytest.fixture
def facilitator(org, make_person) -> User:
    return make_person(org, "facilitator", email="facilitator@alpha.example")


@pytest.fixture
def login_as():
    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def tree(org) -> dict[str, Unit]:
    """Alpha's units: Children > Fostering > {Recruitment, Support}; Adults."""
    children = Unit.objects.create(organisation=org, name="Children", kind="directorate")
    fostering = Unit.objects.create(
        organisation=org, name="Fostering", parent=children, kind="service"
    )
    recruitment = Unit.objects.create(
        organisation=org, name="Recruitment", parent=fostering, kind="team"
    )
    support = Unit.objects.create(organisation=org, name="Support", parent=fostering, kind="team")
    adults = Unit.objects.create(organisation=org, name="Adults", kind="directorate")
    return {u.name: u for u in (children, fostering, recruitment, support, adults)}


@pytest.fixture(scope="module")
def _demo_for_module(django_db_setup, django_db_blocker):
    """The whole demo (`echoorg demo`), loaded once for all the tests of a module that ask
    for `demo_data`, inside a transaction that is rolled back after the module's last test.

    The pattern of Django's TestCase.setUpTestData: each test still runs in its own
    savepoint (the `db` fixture), so whatever a test writes is undone before the next one
    and every test starts from the demo as loaded. pytest-django runs the tests that use
    `db` before those that use `transactional_db`, so no table flush comes in between.
    """
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as Django's TestCase marks its own (durable blocks)
        atomic.__enter__()
        out = io.StringIO()
        try:
            call_command("demo", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo_data(request, _demo_for_module, db) -> str:
    """The demo council (Northmoor) and trust (Eastbrook) in the database, loaded once per
    module (see `_demo_for_module`); the value is what `echoorg demo` printed. For tests
    in a transaction of their own (`db`), never with `transactional_db` or `live_server`,
    whose table flush would take the shared demo away."""
    for name in ("transactional_db", "live_server"):
        if name in request.fixturenames:
            pytest.fail(f"demo_data cannot be combined with {name}", pytrace=False)
    return _demo_for_module
