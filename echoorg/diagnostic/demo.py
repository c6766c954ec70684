"""Two completed survey waves for the fictional demo council (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from echoorg.audit.log import record
from echoorg.common.parts import DemoOutcome
from echoorg.core.demo import DOMAIN, ORG_SLUG
from echoorg.core.diagnostic.instrument import find_instrument, shipped_instruments
from echoorg.core.diagnostic.simulate import assign_climates, simulate_wave
from echoorg.orgs.models import Membership, Organisation

from .models import ActionPlan, Invitation, PendingResponse, Response, SurveyWave
from .plans import add_action, publish, save_summary
from .services import audience_of, seal_response, store_wave_figures

WAVES = [
    ("Culture survey, spring 2026", dt.date(2026, 3, 2), dt.date(2026, 3, 27), 0.72, None),
    (
        "Culture survey, autumn 2026",
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 23),
        0.66,
        {"threat": -0.25, "soothing": 0.2, "speaking_up": 0.25, "compassionate_leadership": 0.15},
    ),
]


def load_demo_waves(
    organisation: Organisation, seed: int = 2026, today: dt.date | None = None
) -> int:
    """Create the demo waves unless the organisation has waves already. Returns waves made.

    Two closed waves with results, and one open pulse wave (about 40% answered) so a
    staff member can answer a survey in the demo.
    """
    if organisation.waves.exists():
        return 0
    today = today or timezone.localdate()
    waves = [
        *WAVES,
        (
            "Pulse survey, " + today.strftime("%B %Y"),
            today - dt.timedelta(days=3),
            today + dt.timedelta(days=25),
            0.4,
            None,
        ),
    ]
    instrument = find_instrument("echo-culture-v1")
    yaml_text = shipped_instruments()["echo-culture-v1"].read_text(encoding="utf-8")
    members = list(
        Membership.objects.filter(organisation=organisation, unit__isnull=False)
        .select_related("unit", "user")
        .order_by("pk")
    )
    teams = sorted({m.unit.name for m in members})
    climates = assign_climates(teams, seed)
    people = [(m.unit.name, audience_of(m)) for m in members]
    made = 0
    with transaction.atomic():
        for number, (title, opens, closes, rate, shift) in enumerate(waves):
            wave = SurveyWave.objects.create(
                organisation=organisation,
                title=title,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                instrument_yaml=yaml_text,
                opens_on=opens,
                closes_on=closes,
                min_group=5,
                status=SurveyWave.CLOSED if closes < today else SurveyWave.OPEN,
            )
            answered = simulate_wave(instrument, people, climates, seed + number, rate, shift)
            if wave.status == SurveyWave.OPEN:  # the demo staff account has not answered yet
                answered = [
                    r for r in answered if members[r.person].user.email != "staff@northmoor.example"
                ]
            done = {r.person for r in answered}
            invitations = []
            for index, member in enumerate(members):
                invitation = Invitation(
                    wave=wave,
                    user=member.user,
                    unit=member.unit,
                    audience=people[index][1],
                    completed=index in done,
                )
                invitation.new_token()
                invitations.append(invitation)
            Invitation.objects.bulk_create(invitations, batch_size=500)
            # As for real answers (services.submit_response): rows in a random order, and
            # an open wave's answers held sealed until it closes.
            random.SystemRandom().shuffle(answered)  # storage order: never reproducible
            if wave.status == SurveyWave.OPEN:
                PendingResponse.objects.bulk_create(
                    [
                        PendingResponse(
                            wave=wave,
                            sealed=seal_response(
                                {
                                    "unit": members[r.person].unit_id,
                                    "audience": people[r.person][1],
                                    "answers": r.answers,
                                    "demographics": r.demographics,
                                    "comment": r.comment,
                                    "themed_comments": r.themed_comments,
                                }
                            ),
                        )
                        for r in answered
                    ],
                    batch_size=500,
                )
            else:
                Response.objects.bulk_create(
                    [
                        Response(
                            wave=wave,
                            unit=members[r.person].unit,
                            audience=people[r.person][1],
                            answers=r.answers,
                            demographics=r.demographics,
                            comment=r.comment,
                            themed_comments=r.themed_comments or None,
                        )
                        for r in answered
                    ],
                    batch_size=500,
                )
            if wave.status == SurveyWave.CLOSED:
                wave.freeze_unit_tree()
                wave.save(update_fields=["unit_tree"])
                store_wave_figures(None, wave)  # as closing does
            record("demo.wave_loaded", organisation=organisation, obj=wave, responses=len(answered))
            made += 1
    return made


# The leaders' plan for the latest closed wave, published to staff: fictional, like the
# council. Due dates and the publication time are fixed, so the demo is the same each time.
PLAN_SUMMARY = (
    "This is a fictional plan for the demonstration council.\n\n"
    "You told us that it feels safer to speak up than it did in the spring, and that "
    "managers listen more often. You also told us that workload still leaves too little "
    "time to support each other, and that some of you do not hear back after raising a "
    "concern. These are the things we will do before the next survey."
)
PLAN_ACTIONS = [
    (
        "Tell every team what happened after each concern raised in its area, "
        "in the monthly team meeting",
        "Directors of each directorate",
        dt.date(2026, 12, 18),
        "in_progress",
        "speaking_up",
    ),
    (
        "Protect a weekly hour in each team's rota for supervision and peer support",
        "Head of workforce",
        dt.date(2027, 1, 29),
        "planned",
        "soothing",
    ),
    (
        "Run listening sessions with teams whose figures were withheld because few "
        "answered, to hear from them another way",
        "Chief executive",
        dt.date(2026, 11, 27),
        "done",
        "",
    ),
    (
        "Publish the speak-up guardians' quarterly figures on the staff intranet",
        "Speak-up guardians",
        dt.date(2027, 3, 31),
        "planned",
        "",
    ),
]
PLAN_PUBLISHED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=dt.UTC)


def load_demo_plan(organisation: Organisation) -> bool:
    """Write and publish the leaders' plan for the latest closed demo wave, unless it has
    one already. Returns whether it was made."""
    wave = organisation.waves.filter(status=SurveyWave.CLOSED).order_by("-closes_on", "-pk").first()
    if wave is None or ActionPlan.objects.filter(wave=wave).exists():
        return False
    leader = (
        Membership.objects.filter(organisation=organisation, user__email=f"leader@{DOMAIN}")
        .select_related("user")
        .first()
    )
    actor = leader.user if leader is not None else None
    with transaction.atomic():
        save_summary(actor, wave, PLAN_SUMMARY)
        for what, owner, due, status, scale in PLAN_ACTIONS:
            add_action(actor, wave, what=what, owner=owner, due=due, status=status, scale=scale)
        publish(actor, wave, now=PLAN_PUBLISHED)
    return True


def demo(seed: int = 2026, scale: int = 1) -> DemoOutcome:
    """Survey waves for the demo council, for `echoorg demo`. Every member is invited,
    so the waves grow with the organisation's `scale` by themselves."""
    organisation = Organisation.objects.get(slug=ORG_SLUG)
    waves = load_demo_waves(organisation, seed=seed)
    lines = [f"Added {waves} culture-survey waves; the latest is open."] if waves else []
    if load_demo_plan(organisation):
        lines.append("Published the leaders' action plan for the latest closed wave.")
    return DemoOutcome(lines)
