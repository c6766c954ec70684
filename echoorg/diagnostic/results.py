"""A wave's results as leaders and boards see them: every figure passed through suppression.

The numbers come from the functional core (scoring, anonymity, profile, psychometrics);
this module only gathers the wave's responses and the organisation's unit tree.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache

from echoorg.core.diagnostic.anonymity import Cell, suppress_cells, suppress_hierarchy
from echoorg.core.diagnostic.instrument import Instrument
from echoorg.core.diagnostic.profile import Profile, three_systems
from echoorg.core.diagnostic.psychometrics import ScaleReliability, scale_reliability
from echoorg.core.diagnostic.scoring import respondent_scale_scores, unit_figures
from echoorg.core.units import subtree
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
    comments: list[str]
    response_units: list[int] = field(default_factory=list)


WHOLE_ORGANISATION = 0  # the id of the pseudo-unit above every top-level unit


def whole_organisation(wave: SurveyWave) -> Unit:
    """An unsaved unit standing for the whole organisation, the root of every result tree."""
    return Unit(id=WHOLE_ORGANISATION, organisation=wave.organisation,
                name=f"{wave.organisation.name}: whole organisation", kind="unit")


def load_wave(wave: SurveyWave) -> WaveData:
    instrument = wave.instrument
    units = [whole_organisation(wave),
             *Unit.objects.filter(organisation=wave.organisation).select_related("parent")
             .order_by("pk")]
    position = {u.pk: i for i, u in enumerate(units)}
    parents = [-1] + [position[u.parent_id] if u.parent_id else 0 for u in units[1:]]
    rows = list(Response.objects.filter(wave=wave).values_list("unit_id", "answers",
                                                               "demographics", "comment"))
    item_position = {item: i for i, item in enumerate(instrument.item_ids)}
    answers = np.full((len(rows), len(item_position)), np.nan)
    unit_index = np.empty(len(rows), dtype=np.int64)
    for r, (unit_id, row_answers, _, _) in enumerate(rows):
        unit_index[r] = position[unit_id]
        for item, value in row_answers.items():
            if item in item_position:
                answers[r, item_position[item]] = value
    return WaveData(instrument, answers, unit_index, units, parents,
                    [d for _, _, d, _ in rows], [c for _, _, _, c in rows],
                    [int(i) for i in unit_index])


def parent_name(result: UnitResult, results: list[UnitResult]) -> str:
    """The name of the unit above `result` in the result tree ('' for the whole organisation)."""
    if result.depth == 0:
        return ""
    if result.unit.parent_id:
        return result.unit.parent.name
    return results[0].unit.name  # the whole organisation heads the tree order


def _depths(parents: list[int]) -> list[int]:
    depths = [-1] * len(parents)

    def depth(i: int) -> int:
        if depths[i] < 0:
            depths[i] = 0 if parents[i] < 0 else depth(parents[i]) + 1
        return depths[i]

    return [depth(i) for i in range(len(parents))]


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
    figures = unit_figures(instrument, data.answers, data.unit_index,
                           [u.name for u in data.units], data.parents)
    shown = suppress_hierarchy(data.parents, figures.own_n.tolist(), k)
    scale_shown = []
    for s, _ in enumerate(instrument.scales):
        own = [int(figures.own_scale_n[u, s]) for u in range(len(data.units))]
        # A scale cell can only be shown where its unit is; within that, the same rules.
        cells = suppress_hierarchy(data.parents, own, k)
        scale_shown.append([cells[u] and shown[u] for u in range(len(data.units))])
    # Comments are shown for groups of at least 10 respondents, by the same rules.
    comment_shown = suppress_hierarchy(data.parents, figures.own_n.tolist(),
                                       max(COMMENT_MIN_GROUP, k))
    depths = _depths(data.parents)
    results = []
    for u, unit in enumerate(data.units):
        means: dict[str, float | None] = {}
        counts: dict[str, int | None] = {}
        for s, scale in enumerate(instrument.scales):
            visible = scale_shown[s][u]
            value = float(figures.scale_mean[u, s])
            means[scale.id] = value if visible and not math.isnan(value) else None
            counts[scale.id] = int(figures.scale_n[u, s]) if visible else None
        result = UnitResult(unit, depths[u], int(figures.n[u]), bool(shown[u]), means, counts,
                            comments_shown=bool(comment_shown[u]) and bool(shown[u]))
        if all(means.get(system) is not None for system in SYSTEMS):
            result.profile = three_systems(*(means[s] for s in SYSTEMS),
                                           low=instrument.response_scale.min,
                                           high=instrument.response_scale.max)
        results.append(result)
    return _tree_order(results, data.parents)


def _tree_order(results: list[UnitResult], parents: list[int]) -> list[UnitResult]:
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        children.setdefault(p, []).append(i)
    ordered: list[UnitResult] = []

    def visit(i: int) -> None:
        ordered.append(results[i])
        for c in sorted(children.get(i, []), key=lambda j: results[j].unit.name.lower()):
            visit(c)

    for root in sorted(children.get(-1, []), key=lambda j: results[j].unit.name.lower()):
        visit(root)
    return ordered


def comments_for(wave: SurveyWave, unit: Unit, results: list[UnitResult]) -> list[str] | None:
    """A unit's comments, shuffled, when its group passes the comment threshold; else None."""
    entry = next((r for r in results if r.unit.pk == unit.pk), None)
    if entry is None or not entry.comments_shown:
        return None
    parents = dict(Unit.objects.filter(organisation=wave.organisation)
                   .values_list("id", "parent_id"))
    responses = Response.objects.filter(wave=wave).exclude(comment="")
    if unit.pk != WHOLE_ORGANISATION:
        responses = responses.filter(unit_id__in=subtree(parents, unit.pk))
    comments = list(responses.values_list("comment", flat=True))
    random.SystemRandom().shuffle(comments)
    return comments


@dataclass
class CutRow:
    value: str
    n: int | None
    means: dict[str, float | None]


def demographic_cut(wave: SurveyWave, unit: Unit, demographic_id: str,
                    results: list[UnitResult]) -> list[CutRow]:
    """A unit's figures split by one background question, with complementary suppression.

    The cells shown beside each other are the unit, its shown child units and the cut
    groups; cut groups are suppressed until nothing smaller than the minimum group can be
    recovered by adding or subtracting any of them (see core.diagnostic.anonymity).
    """
    data = load_wave(wave)
    instrument, k = data.instrument, wave.min_group
    demographic = next(d for d in instrument.demographics if d.id == demographic_id)
    by_pk = {r.unit.pk: r for r in results}
    position = {u.pk: i for i, u in enumerate(data.units)}
    target = position[unit.pk]
    children = [i for i, p in enumerate(data.parents) if p == target]
    shown_children = [c for c in children if by_pk[data.units[c].pk].shown]

    def branch(i: int) -> int:
        """Which child subtree (or the unit itself, -1) a respondent's unit falls in."""
        node = i
        while node >= 0:
            if data.parents[node] == target:
                return node
            if node == target:
                return -1
            node = data.parents[node]
        return -2  # outside the unit

    branches = [branch(int(i)) for i in data.unit_index]
    scores = respondent_scale_scores(instrument, data.answers)
    answered = ~np.all(np.isnan(data.answers), axis=1)
    values = [d.get(demographic.id, "Not answered") for d in data.demographics]
    options = [*demographic.options, "Not answered"]
    inside = np.array([b != -2 for b in branches], dtype=bool)
    shown_options: set = set()
    if by_pk[unit.pk].shown:
        shown_options = _shown_cuts(branches, values, answered, shown_children, options, k)
    scale_options: dict[str, set] = {}
    for s, scale in enumerate(instrument.scales):
        if by_pk[unit.pk].means.get(scale.id) is None:
            scale_options[scale.id] = set()
            continue
        visible_children = [c for c in shown_children
                            if by_pk[data.units[c].pk].means.get(scale.id) is not None]
        scale_options[scale.id] = _shown_cuts(branches, values, ~np.isnan(scores[:, s]),
                                              visible_children, options, k) & shown_options
    rows = []
    value_array = np.array(values, dtype=object)
    for option in options:
        member = inside & answered & (value_array == option)
        means: dict[str, float | None] = {}
        for s, scale in enumerate(instrument.scales):
            column = scores[member, s]
            column = column[~np.isnan(column)]
            visible = option in scale_options[scale.id] and len(column) > 0
            means[scale.id] = float(column.mean()) if visible else None
        rows.append(CutRow(option, int(member.sum()) if option in shown_options else None,
                           means))
    return rows


def _shown_cuts(branches: list[int], values: list[str], include: np.ndarray,
                shown_children: list[int], options: list[str], k: int) -> set:
    """The cut groups that may be shown beside the unit and its shown children."""
    atom_n: dict[tuple[int, str], int] = {}
    for b, v, ok in zip(branches, values, include, strict=True):
        if b == -2 or not ok:
            continue
        atom_n[(b, v)] = atom_n.get((b, v), 0) + 1
    atoms = set(atom_n)
    cells = [Cell("unit", frozenset(atoms), fixed=True)]
    cells += [Cell(("child", c), frozenset(a for a in atoms if a[0] == c), fixed=True)
              for c in shown_children]
    cells += [Cell(option, frozenset(a for a in atoms if a[1] == option)) for option in options]
    return {key for key in suppress_cells(cells, atom_n, k) if key in options}


def wave_reliability(wave: SurveyWave) -> list[ScaleReliability]:
    data = load_wave(wave)
    return scale_reliability(data.instrument, data.answers)
