"""Loading the fictional demo organisations into the database (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from echoorg.audit.log import record
from echoorg.common.parts import DemoOutcome
from echoorg.core.demo import demo_accounts, generate_demo_organisation

from .models import Membership, Organisation, Unit

DEMO_PASSWORD = "echo-demo-2026"
DEMO_STAFF = 600  # people in the demo council at scale 1

# A second, small organisation shows isolation and the facilitator's switcher.
SECOND_SLUG = "eastbrook"
SECOND_NAME = "Eastbrook Community Health NHS Trust (fictional)"
SECOND_UNITS = [
    ("Community Services", None, "directorate"),
    ("District Nursing North", "Community Services", "team"),
    ("District Nursing South", "Community Services", "team"),
    ("Children's Community Nursing", "Community Services", "team"),
]
SECOND_ACCOUNTS = [
    ("leader@eastbrook.example", "Morgan Achterberg", "District Nursing North", ["leader"]),
    ("staff@eastbrook.example", "Riya Castellanos", "District Nursing South", ["staff"]),
]


@dataclass
class DemoSummary:
    created: bool
    organisations: list[str]
    accounts: list[tuple[str, str]]  # (email, roles)
    units: int
    people: int


def _ensure_users(people: list[tuple[str, str, bool]]) -> dict[str, int]:
    """Create missing accounts: (email, full name, can log in). Returns email -> id."""
    User = get_user_model()
    emails = [p[0] for p in people]
    existing = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
    demo_hash = make_password(DEMO_PASSWORD)
    new = []
    for email, name, can_log_in in people:
        if email in existing:
            continue
        user = User(email=email, full_name=name)
        if can_log_in:
            user.password = demo_hash
        else:
            user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=500)
    return dict(User.objects.filter(email__in=emails).values_list("email", "id"))


def _load_units(org: Organisation, units: list[tuple[str, str | None, str]]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, parent, kind in units:  # parents come first
        unit = Unit.objects.create(
            organisation=org, name=name, kind=kind, parent_id=ids[parent] if parent else None
        )
        ids[name] = unit.pk
    return ids


def load_demo(seed: int = 2026, scale: int = 1) -> DemoSummary:
    """Create the demo organisations unless they exist; a second call changes nothing.

    `scale` multiplies the council's people and teams (scale 10: 6,000 people in ten
    times as many teams); the second organisation stays as it is."""
    demo = generate_demo_organisation(seed=seed, staff=DEMO_STAFF * scale, team_copies=scale)
    accounts = demo_accounts(demo)
    logins = [(p.email, ", ".join(p.roles)) for p in accounts] + [
        (email, ", ".join(roles)) for email, _, _, roles in SECOND_ACCOUNTS
    ]
    if Organisation.objects.filter(slug=demo.slug).exists():
        org = Organisation.objects.get(slug=demo.slug)
        return DemoSummary(False, [org.name], logins, org.units.count(), org.memberships.count())
    account_emails = {p.email for p in accounts}
    with transaction.atomic():
        org = Organisation.objects.create(slug=demo.slug, name=demo.name)
        unit_ids = _load_units(org, [(u.name, u.parent, u.kind) for u in demo.units])
        user_ids = _ensure_users(
            [(p.email, p.full_name, p.email in account_emails) for p in demo.people]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=user_ids[p.email],
                    organisation=org,
                    unit_id=unit_ids[p.unit],
                    roles=list(p.roles),
                    name=p.full_name,
                )
                for p in demo.people
            ],
            batch_size=500,
        )
        record(
            "demo.loaded",
            organisation=org,
            obj=org,
            units=len(unit_ids),
            people=len(demo.people),
            seed=seed,
        )

        second = Organisation.objects.create(slug=SECOND_SLUG, name=SECOND_NAME)
        second_units = _load_units(second, SECOND_UNITS)
        second_users = _ensure_users([(e, n, True) for e, n, _, _ in SECOND_ACCOUNTS])
        facilitator = next(p for p in accounts if "facilitator" in p.roles)
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=second_users[e],
                    organisation=second,
                    unit_id=second_units[u],
                    roles=r,
                    name=n,
                )
                for e, n, u, r in SECOND_ACCOUNTS
            ]
            + [
                Membership(
                    user_id=user_ids[facilitator.email],
                    organisation=second,
                    roles=["facilitator"],
                    name=facilitator.full_name,
                )
            ]
        )
        record(
            "demo.loaded",
            organisation=second,
            obj=second,
            units=len(second_units),
            people=len(SECOND_ACCOUNTS) + 1,
            seed=seed,
        )
    return DemoSummary(True, [org.name, second.name], logins, len(unit_ids), len(demo.people))


def demo(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """The demo organisations, for `echoorg demo`: what was loaded, and the logins to
    print after every part has added its data."""
    summary = load_demo(seed=seed, scale=scale)
    state = "Loaded" if summary.created else "Already loaded"
    lines = [
        f"{state}: {', '.join(summary.organisations)} "
        f"({summary.units} units, {summary.people} people)."
    ]
    footer = ["", f"Demo logins (all fictional; password for each: {DEMO_PASSWORD}):"]
    width = max(len(email) for email, _ in summary.accounts)
    footer += [f"  {email.ljust(width)}  {roles}" for email, roles in summary.accounts]
    return DemoOutcome(lines, footer)
