"""Shared fixtures: organisations, people with roles, and logged-in clients."""

from __future__ import annotations

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
