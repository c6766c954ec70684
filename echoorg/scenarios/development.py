"""The scenarios' entries on a person's "My development" page: each scenario they have
played (finished or in progress) and each they have not started yet."""

from __future__ import annotations

from django.urls import reverse

from echoorg.common.parts import DevelopmentItem
from echoorg.core.roles import allowed

from . import services

KIND = "Scenario"


def items(request, organisation, member) -> list[DevelopmentItem]:
    if not allowed(member.roles, "scenarios.play"):
        return []
    found = []
    for row in services.scenario_rows(member):
        latest = row["latest"]
        title = row["scenario"].title
        if latest is None:
            found.append(
                DevelopmentItem(
                    KIND,
                    title,
                    reverse("scenarios", kwargs={"slug": organisation.slug}),
                    "waiting",
                    None,
                    order=300,
                )
            )
        elif latest.finished:
            found.append(
                DevelopmentItem(
                    KIND,
                    f"{title}: {latest.ending_title}",
                    reverse(
                        "scenario_debrief",
                        kwargs={"slug": organisation.slug, "play_id": latest.pk},
                    ),
                    "done",
                    latest.finished_at,
                    order=300,
                )
            )
        else:
            found.append(
                DevelopmentItem(
                    KIND,
                    title,
                    reverse(
                        "scenario_play", kwargs={"slug": organisation.slug, "play_id": latest.pk}
                    ),
                    "in progress",
                    latest.updated_at,
                    order=300,
                )
            )
    return found


def uptake(organisation):
    """People who have started a scenario (finished or not)."""
    from .models import Play

    return "Scenarios", Play.objects.filter(organisation=organisation).values("member__user_id")
