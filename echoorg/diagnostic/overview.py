"""What the culture diagnostic adds to an organisation's overview, by role.

Leaders, the board (and facilitators and researchers) see the three systems of the latest
closed wave for the whole organisation; those who run waves see the waves in progress with
their response rates; anyone invited to an open wave sees it waiting for them; everyone sees
the latest published results and action plan ("what staff said and what we will do") once
leaders have published one.
"""

from __future__ import annotations

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce

from echoorg.common.parts import OverviewPanel
from echoorg.core.roles import allowed

from .charts import circles_svg
from .models import Invitation, SurveyWave
from .plans import latest_published, published_version
from .results import wave_results
from .services import count_per_wave, with_answered


def panels(request, organisation, member) -> list[OverviewPanel]:
    found = []
    waiting = [
        invitation
        for invitation in Invitation.objects.filter(
            user=request.user,
            wave__organisation=organisation,
            wave__status=SurveyWave.OPEN,
            wave__collection=SurveyWave.LINKS,
            completed=False,
        ).select_related("wave")
        if invitation.wave.accepts_answers()
    ]
    if waiting:
        found.append(
            OverviewPanel("diagnostic/overview_waiting.html", {"invitations": waiting}, order=5)
        )
    if allowed(member.roles, "results.read_published"):
        published = latest_published(organisation)
        if published is not None:
            found.append(
                OverviewPanel(
                    "diagnostic/overview_published.html",
                    {"published": published, "may_view_plans": allowed(member.roles, "plan.view")},
                    order=8,
                )
            )
    if allowed(member.roles, "survey.view"):
        latest = (
            organisation.waves.filter(status=SurveyWave.CLOSED)
            .order_by("-closes_on", "-pk")
            .first()
        )
        context = {"wave": latest, "whole": None, "circles": None, "plan_to_write": False}
        if latest is not None and allowed(member.roles, "plan.write"):
            # What to do next: tell staff what leaders will do about the latest results.
            context["plan_to_write"] = published_version(latest) is None
        if latest is not None:
            whole = wave_results(latest)[0]  # the whole organisation heads the tree order
            context["whole"] = whole
            if whole.profile is not None:
                context["circles"] = circles_svg(whole.profile, whole.unit.name, key="overview")
        found.append(OverviewPanel("diagnostic/overview_latest.html", context, order=10))
    if allowed(member.roles, "survey.manage"):
        found.append(
            OverviewPanel(
                "diagnostic/overview_waves.html",
                {"waves": waves_in_progress(organisation)},
                order=20,
            )
        )
    return found


def waves_in_progress(organisation) -> list[SurveyWave]:
    """Waves not yet open or open, each with `invited`, `answered` and `rate` (a whole
    percentage of the invited, or None for an import wave or before anyone is invited)."""
    waves = list(
        with_answered(
            organisation.waves.filter(Q(status=SurveyWave.OPEN) | Q(status=SurveyWave.DRAFT))
        )
        .annotate(invited=Coalesce(Subquery(count_per_wave(Invitation)), 0))
        .order_by("closes_on", "pk")
    )
    for wave in waves:
        wave.rate = (
            round(100 * wave.answered / wave.invited) if wave.uses_links and wave.invited else None
        )
    return waves
