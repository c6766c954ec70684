"""Simulated survey answers for the FICTIONAL demo organisation.

Each team gets a climate (threat-dominant, soothing-depleted, drive-led, balanced or mixed)
as target scale means; each person's scale levels vary around their team's, sharing a
general factor so items of a scale correlate; each answer is that level plus item noise,
rounded onto the response scale, written the way the item reads (reverse-keyed items
mirrored), with some answers skipped. Seeded: the same inputs give the same answers.
Nothing here describes a real organisation or person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .instrument import Instrument

# Target means on a 1-5 scale for each climate (scales missing here sit at 3.0).
CLIMATES: dict[str, dict[str, float]] = {
    "threat-dominant": {
        "threat": 3.9,
        "drive": 3.0,
        "soothing": 2.3,
        "speaking_up": 2.4,
        "psych_safety": 2.4,
        "compassionate_leadership": 2.5,
        "moral_distress": 3.9,
        "coercive_control": 3.6,
        "hubris_staff": 3.7,
        "hubris_self": 2.2,
    },
    "soothing-depleted": {
        "threat": 3.0,
        "drive": 3.6,
        "soothing": 2.1,
        "speaking_up": 2.9,
        "psych_safety": 2.8,
        "compassionate_leadership": 2.6,
        "moral_distress": 3.5,
        "coercive_control": 3.0,
        "hubris_staff": 3.2,
        "hubris_self": 2.3,
    },
    "drive-led": {
        "threat": 2.6,
        "drive": 4.1,
        "soothing": 3.0,
        "speaking_up": 3.3,
        "psych_safety": 3.3,
        "compassionate_leadership": 3.2,
        "moral_distress": 3.0,
        "coercive_control": 2.6,
        "hubris_staff": 3.0,
        "hubris_self": 2.4,
    },
    "balanced": {
        "threat": 2.3,
        "drive": 3.3,
        "soothing": 3.8,
        "speaking_up": 3.9,
        "psych_safety": 3.9,
        "compassionate_leadership": 4.0,
        "moral_distress": 2.3,
        "coercive_control": 1.9,
        "hubris_staff": 2.3,
        "hubris_self": 2.1,
    },
    "mixed": {
        "threat": 3.1,
        "drive": 3.3,
        "soothing": 3.0,
        "speaking_up": 3.1,
        "psych_safety": 3.1,
        "compassionate_leadership": 3.1,
        "moral_distress": 3.0,
        "coercive_control": 2.7,
        "hubris_staff": 2.9,
        "hubris_self": 2.3,
    },
}


@dataclass(frozen=True)
class SimulatedResponse:
    person: int  # index into the people given
    answers: dict[str, int]
    demographics: dict[str, str]
    comment: str  # the closing "anything else" question
    themed_comments: dict[str, str] = field(default_factory=dict)  # question id -> text


# Comments written for the fictional demo; none is a real person's words. Each names the
# scale whose theme it speaks to: where the instrument has a comment question about that
# scale, the comment answers it, else the closing question.
DEMO_COMMENTS = (
    ("Our team meetings have become a place where we can say what is not working.", "speaking_up"),
    ("Targets seem to matter more than the families we work with.", "drive"),
    ("I raised a worry last year and nothing came back; I would think twice now.", "speaking_up"),
    (
        "My manager checks in with me after hard visits, which helps a lot.",
        "compassionate_leadership",
    ),
    ("People keep their heads down when the senior team visits.", "threat"),
    ("We are stretched so thin that good practice slips and nobody says so.", "moral_distress"),
    ("New starters are supported well and can ask anything.", "soothing"),
    (
        "Decisions come from above without anyone asking the people doing the work.",
        "compassionate_leadership",
    ),
    ("There is real warmth in this team even when the caseloads are heavy.", "soothing"),
    ("I worry about being blamed if something goes wrong on my cases.", "threat"),
    ("Leaders talk about compassion but the inspection grade is what counts.", "drive"),
    ("Reflective supervision has been protected and it makes a difference.", "soothing"),
)


def assign_climates(teams: Sequence[str], seed: int) -> dict[str, str]:
    """A climate per team: mostly mixed or balanced, some threat-dominant, a few others."""
    rng = np.random.default_rng(seed)
    names = list(CLIMATES)
    weights = np.array([0.2, 0.12, 0.12, 0.28, 0.28])
    picks = rng.choice(len(names), size=len(teams), p=weights)
    return {team: names[p] for team, p in zip(teams, picks, strict=True)}


def simulate_wave(
    instrument: Instrument,
    people: Sequence[tuple[str, str]],
    climates: dict[str, str],
    seed: int,
    response_rate: float = 0.7,
    shift: dict[str, float] | None = None,
    skip_rate: float = 0.04,
) -> list[SimulatedResponse]:
    """Answers for one wave. `people` are (team, audience) pairs, audience 'staff' or
    'leaders'; `shift` moves every team's scale targets (for a later wave's change).

    Returns the responses of the people who answered (about `response_rate` of them).
    """
    rng = np.random.default_rng(seed)
    low, high = instrument.response_scale.min, instrument.response_scale.max
    scale_ids = [s.id for s in instrument.scales]
    question_of: dict[str, str] = {}  # the first comment question about each scale
    for question in instrument.comments:
        question_of.setdefault(question.scale, question.id)
    responses: list[SimulatedResponse] = []
    for index, (team, audience) in enumerate(people):
        if rng.random() > response_rate:
            continue
        targets = CLIMATES[climates.get(team, "mixed")]
        general = rng.normal(0, 0.35)  # one person's overall outlook, shared by the scales
        levels = {}
        for scale in scale_ids:
            target = targets.get(scale, 3.0) + (shift or {}).get(scale, 0.0)
            sign = (
                -1
                if scale in ("threat", "moral_distress", "coercive_control", "hubris_staff")
                else 1
            )
            levels[scale] = target + sign * general + rng.normal(0, 0.45)
        answers: dict[str, int] = {}
        for item in instrument.items_for(audience):
            if rng.random() < skip_rate:
                continue
            # Rounded half to even (as numpy.rint) and clipped, in plain Python: a
            # NumPy call per answer made the ten-times demo seconds slower to load.
            value = min(max(round(float(levels[item.scale] + rng.normal(0, 0.6))), low), high)
            answers[item.id] = low + high - value if item.reverse else value
        demographics = {}
        for demographic in instrument.demographics:
            if rng.random() < 0.9:
                demographics[demographic.id] = str(rng.choice(demographic.options))
        comment, themed = "", {}
        if rng.random() < 0.3:
            # One draw, as before comments had themes, so the demo's figures stay the same.
            text, scale = DEMO_COMMENTS[int(rng.choice(len(DEMO_COMMENTS)))]
            if scale in question_of:
                themed = {question_of[scale]: text}
            else:
                comment = text
        responses.append(SimulatedResponse(index, answers, demographics, comment, themed))
    return responses
