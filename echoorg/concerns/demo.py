"""Demo concerns for the fictional council: about 200 ordinary cases and one fictional
composite case (idempotent)."""

from __future__ import annotations

import json

from django.utils import timezone

from echoorg.common.parts import DemoOutcome
from echoorg.core.concerns.simulate import composite_case, simulate_cases
from echoorg.core.demo import ORG_SLUG
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import members_who_may

from . import services
from .importing import import_cases
from .models import Concern, ConcernPolicy

DEMO_CONTACT = (
    "Northmoor is a fictional council. A real organisation's guardians write here how to "
    "reach them: a phone extension, an email address, where and when to find them."
)


def publish_demo_page(organisation: Organisation) -> None:
    """The demo's guardians switch the public speak-up page on (idempotent)."""
    if ConcernPolicy.objects.filter(organisation=organisation, public_page=True).exists():
        return
    guardians = members_who_may(organisation, "concerns.handle")
    services.change_public_page(
        guardians[0].user if guardians else None,
        organisation,
        public_page=True,
        public_contact=DEMO_CONTACT,
    )


DEMO_CASES = 200  # ordinary cases at scale 1, besides the composite case


def load_demo_concerns(organisation: Organisation, seed: int = 2026, scale: int = 1) -> int:
    """Switch the public speak-up page on, and import the demo cases (`scale` times the
    usual number) unless the organisation has concerns already. Returns the number
    imported."""
    publish_demo_page(organisation)
    if Concern.objects.filter(organisation=organisation).exists():
        return 0
    today = timezone.localdate()
    teams = list(
        organisation.units.filter(children__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    leaders = sorted(m.user.email for m in members_who_may(organisation, "concerns.be_responsible"))
    cases = simulate_cases(teams, leaders, seed, today, n=DEMO_CASES * scale) + [
        composite_case(today)
    ]
    return import_cases(
        None,
        organisation,
        "demo.json",
        json.dumps(cases).encode(),
        source=Concern.DEMO,
        prefix="C-",
    )


def demo(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """Speak-up cases for the demo council, for `echoorg demo`."""
    concerns = load_demo_concerns(Organisation.objects.get(slug=ORG_SLUG), seed=seed, scale=scale)
    return DemoOutcome(
        [f"Added {concerns} speak-up cases, one a fictional composite."] if concerns else []
    )
