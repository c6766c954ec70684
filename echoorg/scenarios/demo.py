"""The demo leader's finished scenario (idempotent): the neonatal unit scenario played on
a fixed path, so the debrief can be seen straight after `echoorg demo`."""

from __future__ import annotations

from echoorg.common.parts import DemoOutcome
from echoorg.core.demo import DOMAIN, ORG_SLUG
from echoorg.orgs.models import Membership

from . import services
from .models import Play

DEMO_SCENARIO = "neonatal-unit"
# The option taken at each decision: mostly protective, with one hesitation at the end, so the
# debrief shows both kinds of pattern.
DEMO_PATH = (0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0)


def play_demo_scenario(member: Membership) -> Play | None:
    """Play the demo path for `member` unless they have finished the scenario already."""
    if Play.objects.filter(member=member, scenario=DEMO_SCENARIO, status=Play.FINISHED).exists():
        return None
    user = member.user
    play = services.start_play(user, member.organisation, member, DEMO_SCENARIO)
    for index in DEMO_PATH:
        services.make_choice(user, play, play.choices.count() + 1, index)
    play.refresh_from_db()
    if not play.finished:
        raise RuntimeError("The demo path no longer reaches the end of the scenario.")
    return play


def load(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """One finished scenario for the demo leader (the same at any scale)."""
    member = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation__slug=ORG_SLUG, user__email=f"leader@{DOMAIN}")
        .first()
    )
    if member is None:
        return DemoOutcome()
    play = play_demo_scenario(member)
    if play is None:
        return DemoOutcome()
    return DemoOutcome([f"The demo leader finished a scenario: {play.ending_title}."])
