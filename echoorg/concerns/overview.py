"""What speak-up adds to an organisation's overview, by role.

Guardians see the open concerns and the nearest clocks; those who oversee see where the
statistics and the quarterly return are; everyone sees how to speak up.
"""

from __future__ import annotations

from echoorg.common.parts import OverviewPanel
from echoorg.core.roles import allowed

from . import services

NEAREST = 5


def panels(request, organisation, member) -> list[OverviewPanel]:
    found = []
    if allowed(member.roles, "concerns.handle"):
        rows = services.queue(organisation)
        found.append(
            OverviewPanel(
                "concerns/overview_queue.html",
                {
                    "open": len(rows),
                    "overdue": sum(1 for r in rows if r["overdue"]),
                    "nearest": rows[:NEAREST],
                },
                order=6,
            )
        )
    if allowed(member.roles, "concerns.stats"):
        found.append(
            OverviewPanel(
                "concerns/overview_statistics.html",
                {"may_see_return": allowed(member.roles, "concerns.return")},
                order=30,
            )
        )
    found.append(OverviewPanel("concerns/overview_speak_up.html", {}, order=40))
    return found
