"""What leader development adds to an organisation's overview: for leaders and mentors a
way to their development page; for facilitators the uptake and the word lists."""

from __future__ import annotations

from echoorg.common.parts import OverviewPanel
from echoorg.core.roles import allowed

from .models import Reflection


def panels(request, organisation, member) -> list[OverviewPanel]:
    found = []
    if allowed(member.roles, "development.own"):
        own = Reflection.objects.filter(organisation=organisation, author_id=member.user_id)
        found.append(
            OverviewPanel(
                "development/overview_panel.html",
                {
                    "may_reflect": allowed(member.roles, "reflection.write"),
                    "reflections": own.count() if allowed(member.roles, "reflection.write") else 0,
                    "is_mentor": allowed(member.roles, "reflection.mentor"),
                },
                order=25,
            )
        )
    if allowed(member.roles, "reflection.uptake"):
        found.append(OverviewPanel("development/overview_facilitator.html", {}, order=35))
    return found
