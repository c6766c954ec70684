"""What each scale's figure means on the results page: its direction and colour, the
instrument's plain sentences, the same group's figure in the organisation's previous wave
(same instrument, same scale and items), a published survey's figure where the instrument
declares the very same items, and the ECHO tools that fit. Everything is derived from
stored figures: one query finds the previous wave, whose figures are read as any wave's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from echoorg.core.diagnostic.conversations import GUIDES, ConversationGuide
from echoorg.core.diagnostic.instrument import Instrument, PublishedFigure, Scale
from echoorg.core.diagnostic.meaning import Change, change_since, direction_symbol, heat_class

from .models import SurveyWave
from .results import UnitResult, result_tree, wave_results


@dataclass(frozen=True)
class ScaleNote:
    scale: Scale
    value: float | None
    css: str
    direction: str
    change: Change | None
    published: PublishedFigure | None
    guide: ConversationGuide | None
    in_taxonomy: bool


def previous_wave(wave: SurveyWave) -> SurveyWave | None:
    """The organisation's closed wave of the same instrument just before `wave` (by close
    date, then set-up order), or None."""
    found = (
        SurveyWave.objects.filter(
            organisation_id=wave.organisation_id,
            status=SurveyWave.CLOSED,
            instrument_id=wave.instrument_id,
        )
        .filter(Q(closes_on__lt=wave.closes_on) | Q(closes_on=wave.closes_on, pk__lt=wave.pk))
        .order_by("-closes_on", "-pk")
        .first()
    )
    if found is not None:
        found.organisation = wave.organisation  # the same one: no second query for it
    return found


def same_scale(now: Instrument, before: Instrument, scale_id: str) -> bool:
    """Whether a scale may be compared across two instrument versions: the same id, the
    same items and the same response scale."""
    if scale_id not in {s.id for s in before.scales}:
        return False
    same_items = [i.id for i in now.items_of(scale_id)] == [i.id for i in before.items_of(scale_id)]
    return same_items and (now.response_scale.min, now.response_scale.max) == (
        before.response_scale.min,
        before.response_scale.max,
    )


def scale_notes(
    wave: SurveyWave, focus: UnitResult, taxonomy_scales: set[str]
) -> tuple[list[ScaleNote], SurveyWave | None]:
    """One note per scale for the unit `focus`, and the previous wave compared with."""
    instrument = wave.instrument
    low, high = instrument.response_scale.min, instrument.response_scale.max
    before_wave = previous_wave(wave)
    before: UnitResult | None = None
    if before_wave is not None:
        before = result_tree(before_wave, wave_results(before_wave)).by_pk.get(focus.unit.pk)
    notes = []
    for scale in instrument.scales:
        value = focus.means.get(scale.id) if focus.shown else None
        change = None
        if (
            value is not None
            and before is not None
            and before.shown
            and before.means.get(scale.id) is not None
            and same_scale(instrument, before_wave.instrument, scale.id)
        ):
            change = change_since(
                value, before.means[scale.id], low, high, scale, before_wave.title
            )
        notes.append(
            ScaleNote(
                scale,
                value,
                heat_class(value, low, high, scale),
                direction_symbol(scale),
                change,
                scale.same_items_as,
                GUIDES.get(scale.conversation_guide),
                scale.id in taxonomy_scales,
            )
        )
    return notes, before_wave
