"""The demo leader's reflection: a fictional incident, shared with the demo mentor.

Everything here is FICTIONAL, like the rest of the demo council (echoorg.core.demo): the
home, the manager and the events never happened.
"""

from __future__ import annotations

from echoorg.common.parts import DemoOutcome
from echoorg.core.demo import DOMAIN, ORG_SLUG
from echoorg.core.roles import allowed
from echoorg.orgs.models import Membership, Organisation

from . import services
from .models import Reflection

TITLE = "Weekend staffing at a children's home (fictional incident)"
ANSWERS = {
    "incident_context": (
        "This is a fictional incident, written for the demonstration. A Friday afternoon in "
        "March, in my office. The registered manager of one of our children's homes, the "
        "head of service and me."
    ),
    "incident_account": (
        "The manager told us that for three weekends running the home had run with one "
        "permanent member of staff and agency workers who did not know the children. One "
        "boy had gone missing overnight twice. She asked for the weekend rota to be "
        "funded at the level the children's plans set. I said the budget was fixed for the "
        "year, that the inspection was due in May and that we should not put anything in "
        "writing that suggested the home was unsafe. I asked her to manage it within the "
        "rota and to come back after the inspection."
    ),
    "incident_why": (
        "Two weeks later the same boy was found by the police in a flat where older men "
        "were known to exploit children. I keep coming back to the moment I said 'not in "
        "writing'."
    ),
    "assumptions_people": (
        "I assumed the manager was overstating the problem to win budget, as managers "
        "sometimes do. I assumed agency staff were interchangeable with permanent staff."
    ),
    "assumptions_power": (
        "I held the budget and the relationship with the inspectors. The manager had the "
        "knowledge of the children. My account of the home's risk counted; hers did not."
    ),
    "assumptions_risk": (
        "I thought of risk as the risk to the inspection rating and the service's "
        "reputation, not the risk to the boy who had gone missing."
    ),
    "assumptions_position": (
        "My position: I had promised the director that the service would be rated good. "
        "A poor rating would have been blamed on me."
    ),
    "curiosity_most_at_risk": (
        "The boy who went missing, and the other children in the home whose routines "
        "depend on adults they know."
    ),
    "curiosity_unheard": (
        "I did not hear from the children at all. I did not ask the manager what the boy "
        "had said when he came back."
    ),
    "curiosity_missing_perspective": (
        "The children's, and the agency workers', who might have told me what the weekends "
        "were like."
    ),
    "grid_before": "unsafe_certainty",
    "compassion_pressure_on_me": (
        "The overspend, the inspection, and my own fear of being the manager whose service slipped."
    ),
    "compassion_suffering": (
        "The boy, frightened and exploited; the manager, who carried the risk alone for "
        "three weekends."
    ),
    "reconstruction_changed": (
        "A concern about staffing is a safeguarding concern first and a budget question second."
    ),
    "reconstruction_differently": (
        "Fund the rota that afternoon, record the concern in writing, and tell the "
        "inspectors what we found and what we did."
    ),
    "grid_after": "safe_uncertainty",
}


def demo(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """Give the demo leader one reflection (unless they have one), shared with the demo
    mentor when there is one."""
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    leader = (
        Membership.objects.filter(organisation=organisation, user__email=f"leader@{DOMAIN}")
        .select_related("user")
        .first()
    )
    if organisation is None or leader is None:
        return DemoOutcome()
    if Reflection.objects.filter(organisation=organisation, author=leader.user).exists():
        return DemoOutcome()
    reflection = services.start_reflection(leader.user, organisation, title=TITLE)
    services.save_reflection(
        leader.user,
        reflection,
        title=TITLE,
        answers=dict(ANSWERS),
        revision=reflection.revision,
        finished=True,
    )
    mentor = Membership.objects.filter(organisation=organisation, user__email=f"mentor@{DOMAIN}")
    mentor = mentor.first()
    lines = ["Added the demo leader's reflection on a fictional incident."]
    if mentor is not None and allowed(mentor.roles, "reflection.mentor"):
        services.share_reflection(leader.user, reflection, mentor.user_id)
        lines[0] = lines[0][:-1] + ", shared with the demo mentor."
    return DemoOutcome(lines)
