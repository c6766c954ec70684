"""Demo case analyses for the fictional council: the worked example on the demo's
fictional composite case, and one analysis in progress by the demo leader (idempotent)."""

from __future__ import annotations

from django.utils import timezone

from echoorg.common.parts import DemoOutcome
from echoorg.core.demo import DOMAIN, ORG_SLUG
from echoorg.orgs.models import Membership, Organisation

from . import services
from .models import CaseAnalysis

LEADER_CASE = "mid-staffordshire"
LEADER_RISK = {
    "most_at_risk": (
        "The patients on the trust's wards, and their families, whose complaints were among "
        "the signs of trouble the library's timeline records."
    ),
    "paramount": (
        "Patients' safety and the dignity of their care, above balancing the books and "
        "winning foundation-trust status (the pressures the library's summary describes)."
    ),
}


def load(organisation: Organisation) -> list[str]:
    lines = []
    if not CaseAnalysis.objects.filter(organisation=organisation, is_example=True).exists():
        services.add_worked_example(organisation, timezone.localdate())
        lines.append("Added the worked example of a case analysis (fictional composite case).")
    leader = (
        Membership.objects.filter(organisation=organisation, user__email=f"leader@{DOMAIN}")
        .select_related("user")
        .first()
    )
    if (
        leader is not None
        and not CaseAnalysis.objects.filter(organisation=organisation, author=leader.user).exists()
    ):
        analysis = services.start(
            leader.user, organisation, source=CaseAnalysis.INQUIRY, inquiry_id=LEADER_CASE
        )
        services.save_step(leader.user, analysis, "facts", analysis.content["facts"])
        services.save_step(leader.user, analysis, "risk", LEADER_RISK)
        lines.append("Started a case analysis for the demo leader (two steps saved).")
    return lines


def demo(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """The analyses of the demo council, for `echoorg demo` (the same at every scale)."""
    return DemoOutcome(load(Organisation.objects.get(slug=ORG_SLUG)))
