"""A wave's results as leaders and boards see them: every figure passed through suppression.

The numbers come from the functional core (scoring, anonymity, profile, psychometrics);
this module only gathers the wave's responses and the organisation's unit tree.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache

from echoorg.core.diagnostic.anonymity import suppress_hierarchy, suppress_units_and_scales
from echoorg.core.diagnostic.cuts import CutRow
from echoorg.core.diagnostic.cuts import cut_table as core_cut_table
from echoorg.core.diagnostic.instrument import Instrument
from echoorg.core.diagnostic.profile import Profile, three_systems
from echoorg.core.diagnostic.psychometrics import ScaleReliability, scale_reliability
from echoorg.core.diagnostic.scoring import unit_figures
from echoorg.core.units import Forest, subtree, tree_order_by_name
from echoorg.orgs.models import Unit

from .models import Response, SurveyWave

COMMENT_MIN_GROUP = 10
SYSTEMS = ("threat", "drive", "soothing")


@dataclass
class UnitResult:
    unit: Unit
    depth: int
    n: int
    shown: bool
    means: dict[str, float | None]  # None where the cell is suppressed
    scale_n: dict[str, int | None]
    profile: Profile | None = None
    comments_shown: bool = False

    @property
    def hubris_gap(self) -> float | None:
        staff, self_rated = self.means.get("hubris_staff"), self.means.get("hubris_self")
        if staff is None or self_rated is None:
            return None
        return self_rated - staff


@dataclass
class WaveData:
    """The responses of a wave as arrays in the instrument's item order."""

    instrument: Instrument
    answers: np.ndarray
    unit_index: np.ndarray
    units: list[Unit]
    parents: list[int]
    demographics: list[dict[str, str]]


WHOLE_ORGANISATION = 0  # the id of the pseudo-unit above every top-level unit


def whole_organisation(wave: SurveyWave) -> Unit:
    """An unsaved unit standing for the whole organisation, the root of every result tree."""
    return Unit(
        id=WHOLE_ORGANISATION,
        organisation=wave.organisation,
        name=f"{wave.organisation.name}: whole organisation",
        kind="unit",
    )


def wave_units_as_published(wave: SurveyWave) -> list[Unit]:
    """The organisation's units as they were when the wave closed (today's for an open
    wave), as unsaved Unit objects whose `parent` points within the same snapshot."""
    if not wave.unit_tree:
        return list(
            Unit.objects.filter(organisation=wave.organisation)
            .select_related("parent")
            .order_by("pk")
        )
    units = {
        pk: Unit(id=pk, organisation=wave.organisation, name=name, kind=kind)
        for pk, _, name, kind in wave.unit_tree
    }
    for pk, parent_id, _, _ in wave.unit_tree:
        if parent_id is not None:
            units[pk].parent = units[parent_id]
    return list(units.values())


def load_wave(wave: SurveyWave) -> WaveData:
    instrument = wave.instrument
    units = [whole_organisation(wave), *wave_units_as_published(wave)]
    position = {u.pk: i for i, u in enumerate(units)}
    parents = [-1] + [position[u.parent_id] if u.parent_id else 0 for u in units[1:]]
    rows = list(
        Response.objects.filter(wave=wave).values_list("unit_id", "answers", "demographics")
    )
    item_position = {item: i for i, item in enumerate(instrument.item_ids)}
    answers = np.full((len(rows), len(item_position)), np.nan)
    unit_index = np.empty(len(rows), dtype=np.int64)
    for r, (unit_id, row_answers, _) in enumerate(rows):
        unit_index[r] = position[unit_id]
        for item, value in row_answers.items():
            if item in item_position:
                answers[r, item_position[item]] = value
    return WaveData(instrument, answers, unit_index, units, parents, [d for _, _, d in rows])


def parent_name(result: UnitResult, results: list[UnitResult]) -> str:
    """The name of the unit above `result` in the result tree ('' for the whole organisation)."""
    if result.depth == 0:
        return ""
    if result.unit.parent_id:
        return result.unit.parent.name
    return results[0].unit.name  # the whole organisation heads the tree order


def wave_results(wave: SurveyWave) -> list[UnitResult]:
    """Every unit of the organisation with its suppressed figures, in tree order."""
    key = f"wave-results:{wave.pk}:{wave.responses.count()}:{wave.min_group}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = load_wave(wave)
    results = _compute(wave, data)
    cache.set(key, results, 300)
    return results


def _compute(wave: SurveyWave, data: WaveData) -> list[UnitResult]:
    instrument, k = data.instrument, wave.min_group
    figures = unit_figures(
        instrument, data.answers, data.unit_index, [u.name for u in data.units], data.parents
    )
    shown, scale_shown = suppress_units_and_scales(
        data.parents, figures.own_n.tolist(), figures.own_scale_n.T.tolist(), k
    )
    # Comments are shown for groups of at least 10 respondents, by the same rules.
    comment_shown = suppress_hierarchy(
        data.parents, figures.own_n.tolist(), max(COMMENT_MIN_GROUP, k)
    )
    forest = Forest.from_parents(data.parents)
    depths = forest.depths()
    results = []
    for u, unit in enumerate(data.units):
        means: dict[str, float | None] = {}
        counts: dict[str, int | None] = {}
        for s, scale in enumerate(instrument.scales):
            visible = scale_shown[u][s]
            value = float(figures.scale_mean[u, s])
            means[scale.id] = value if visible and not math.isnan(value) else None
            counts[scale.id] = int(figures.scale_n[u, s]) if visible else None
        result = UnitResult(
            unit,
            depths[u],
            int(figures.n[u]),
            bool(shown[u]),
            means,
            counts,
            comments_shown=bool(comment_shown[u]) and bool(shown[u]),
        )
        if all(means.get(system) is not None for system in SYSTEMS):
            result.profile = three_systems(
                *(means[s] for s in SYSTEMS),
                low=instrument.response_scale.min,
                high=instrument.response_scale.max,
            )
        results.append(result)
    return [results[u] for u in tree_order_by_name(forest, [u.name for u in data.units])]


def comments_for(wave: SurveyWave, unit: Unit, results: list[UnitResult]) -> list[str] | None:
    """A unit's comments, shuffled, when its group passes the comment threshold; else None."""
    entry = next((r for r in results if r.unit.pk == unit.pk), None)
    if entry is None or not entry.comments_shown:
        return None
    parents = {u.pk: u.parent_id for u in wave_units_as_published(wave)}
    responses = Response.objects.filter(wave=wave).exclude(comment="")
    if unit.pk != WHOLE_ORGANISATION:
        responses = responses.filter(unit_id__in=subtree(parents, unit.pk))
    comments = list(responses.values_list("comment", flat=True))
    random.SystemRandom().shuffle(comments)
    return comments


def cut_table(
    wave: SurveyWave, demographic_id: str, results: list[UnitResult]
) -> dict[int, list[CutRow]] | None:
    """Every shown unit's figures split by one background question (by unit pk), or None
    when the organisation is too large for splits; computed by
    `echoorg.core.diagnostic.cuts.cut_table`, which explains why the whole tree at once."""
    key = f"wave-cut:{wave.pk}:{demographic_id}:{wave.responses.count()}:{wave.min_group}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = load_wave(wave)
    demographic = next(d for d in data.instrument.demographics if d.id == demographic_id)
    by_pk = {r.unit.pk: r for r in results}
    unit_results = [by_pk[unit.pk] for unit in data.units]
    by_position = core_cut_table(
        data.instrument,
        data.answers,
        data.unit_index,
        data.parents,
        [d.get(demographic.id) for d in data.demographics],
        demographic.options,
        [r.shown for r in unit_results],
        [r.means for r in unit_results],
        wave.min_group,
    )
    if by_position is None:
        return None
    table = {data.units[u].pk: rows for u, rows in by_position.items()}
    cache.set(key, table, 300)
    return table


def demographic_cut(
    wave: SurveyWave, unit: Unit, demographic_id: str, results: list[UnitResult]
) -> list[CutRow] | None:
    """One unit's split (an empty list when the unit itself is not shown), or None when
    the organisation is too large for splits."""
    table = cut_table(wave, demographic_id, results)
    if table is None:
        return None
    return table.get(unit.pk, [])


def wave_reliability(wave: SurveyWave) -> list[ScaleReliability]:
    data = load_wave(wave)
    return scale_reliability(data.instrument, data.answers)
