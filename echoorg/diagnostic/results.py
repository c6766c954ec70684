"""A wave's results as leaders and boards see them: every figure passed through suppression.

The numbers come from the functional core (scoring, anonymity, profile, psychometrics).
A closed wave's figures are computed once, when it closes (`services.store_wave_figures`
packs its answers as arrays and stores every figure in `WaveFigures`); the readers here
(`wave_results`, `cut_table`, `wave_reliability`, `heatmap_html`, `packed_rows`) return
those stored figures, decoded once per process and kept in memory by the figures' stamp.
Only a wave that is not closed is computed from its `Response` rows (`load_wave`).
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import numpy as np
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.template.defaultfilters import floatformat
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from echoorg.core.diagnostic.anonymity import suppress_hierarchy, suppress_units_and_scales
from echoorg.core.diagnostic.comments import in_random_order
from echoorg.core.diagnostic.cuts import CUTS_VERSION, CutRow
from echoorg.core.diagnostic.cuts import cut_table as core_cut_table
from echoorg.core.diagnostic.instrument import GENERAL_COMMENT, Instrument
from echoorg.core.diagnostic.meaning import heat_class
from echoorg.core.diagnostic.profile import Profile, three_systems
from echoorg.core.diagnostic.psychometrics import ScaleReliability, scale_reliability
from echoorg.core.diagnostic.scoring import respondent_scale_scores, unit_figures
from echoorg.core.diagnostic.stored import (
    PackedAnswers,
    cut_rows_from_json,
    cut_rows_to_json,
    from_bytes,
    pack_answers,
    profile_from_json,
    profile_to_json,
    reliability_from_json,
    reliability_to_json,
)
from echoorg.core.units import Forest, keyed_forest, tree_order_by_name
from echoorg.orgs.models import Unit

from .models import Response, SurveyWave, WaveFigures

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


class ResultTree:
    """How the results pages walk a wave's result tree: each unit's result by pk, the
    units directly below it, its ancestors and its whole subtree. Built once per stored
    figures (1,500 units take a few milliseconds, too many to spend on every page)."""

    def __init__(self, results: list[UnitResult]) -> None:
        self.by_pk = {r.unit.pk: r for r in results}
        self.parent_of = {
            r.unit.pk: (r.unit.parent_id if r.unit.parent_id else WHOLE_ORGANISATION)
            for r in results
            if r.unit.pk != WHOLE_ORGANISATION
        }
        self.children: dict[int, list[UnitResult]] = {}
        for r in results:  # tree order, so each unit's children keep it
            if r.unit.pk in self.parent_of:
                self.children.setdefault(self.parent_of[r.unit.pk], []).append(r)
        self.keys, self.forest = keyed_forest(self.parent_of)
        self.position = {key: i for i, key in enumerate(self.keys)}

    def path(self, pk: int) -> list[Unit]:
        """The units above `pk`, from the whole organisation down."""
        if pk == WHOLE_ORGANISATION:
            return []
        path = [self.by_pk[WHOLE_ORGANISATION].unit]
        if pk in self.position:
            path += [
                self.by_pk[self.keys[a]].unit for a in self.forest.ancestors(self.position[pk])
            ]
        return path

    def subtree(self, pk: int) -> list[int]:
        """`pk` and every unit below it."""
        if pk not in self.position:
            return [pk]
        return [self.keys[u] for u in self.forest.subtree(self.position[pk])]


class StoredResults(list):
    """The unit results of stored figures, with their tree built once (`tree`)."""

    @cached_property
    def tree(self) -> ResultTree:
        return ResultTree(self)


def result_tree(wave: SurveyWave, results: list[UnitResult]) -> ResultTree:
    """The tree of `results`: kept with stored figures, else built now."""
    if isinstance(results, StoredResults):
        return results.tree
    return ResultTree(results)


def wave_results(wave: SurveyWave) -> list[UnitResult]:
    """Every unit of the organisation with its suppressed figures, in tree order: the
    stored figures of a closed wave, else computed from the responses."""
    if wave.status != SurveyWave.CLOSED:
        return _compute(wave, load_wave(wave))
    return stored_figures(wave).results


def compute_from_responses(wave: SurveyWave) -> list[UnitResult]:
    """The unit figures computed afresh from the `Response` rows (one dict per answer):
    how every results page worked before figures were stored; kept for open waves and to
    compare against in the benchmark."""
    return _compute(wave, load_wave(wave))


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


def comments_for(
    wave: SurveyWave, unit: Unit, results: list[UnitResult]
) -> list[tuple[str, str]] | None:
    """A unit's comments as (question id, text) pairs when its group passes the comment
    threshold; else None. The closing question's id is `GENERAL_COMMENT`.

    The order is random but the same on every request (`comments.in_random_order`, keyed
    by the wave and the server's secret key), so pages of comments neither repeat nor
    skip one; each question has an order of its own, and none follows the order of
    answering or the units."""
    tree = result_tree(wave, results)
    entry = tree.by_pk.get(unit.pk)
    if entry is None or not entry.comments_shown:
        return None
    # The tree the figures were computed on (the one frozen at close).
    inside = None if unit.pk == WHOLE_ORGANISATION else set(tree.subtree(unit.pk))
    stored = stored_figures(wave) if wave.status == SurveyWave.CLOSED else None
    if stored is not None and stored.stamp:
        rows = stored.comments()
    else:
        rows = read_comments(wave.pk, inside)
    return [(question, text) for _, question, u, text in rows if inside is None or u in inside]


def read_comments(wave_id: int, units: set[int] | None = None) -> list[tuple[str, str, int, str]]:
    """Every comment of a wave (of `units` only, if given) as (response id, question id,
    unit id, text), in the wave's fixed random order (`in_random_order`): one query."""
    responses = Response.objects.filter(wave_id=wave_id).filter(
        ~Q(comment="") | Q(themed_comments__isnull=False)
    )
    if units is not None:
        responses = responses.filter(unit_id__in=units)
    found = []
    for response_id, unit_id, comment, themed in responses.values_list(
        "id", "unit_id", "comment", "themed_comments"
    ):
        for question, text in (themed or {}).items():
            if isinstance(text, str) and text.strip():
                found.append((response_id.hex, question, unit_id, text))
        if comment:
            found.append((response_id.hex, GENERAL_COMMENT, unit_id, comment))
    key = salted_hmac("echoorg.diagnostic.comment-order", str(wave_id)).digest()
    return in_random_order(found, key)


def cut_table(
    wave: SurveyWave, demographic_id: str, results: list[UnitResult]
) -> dict[int, list[CutRow]] | None:
    """Every shown unit's figures split by one background question (by unit pk), or None
    when the organisation is too large for splits; computed by
    `echoorg.core.diagnostic.cuts.cut_table`, which explains why the whole tree at once.
    A closed wave's tables are the ones stored when it closed."""
    if wave.status == SurveyWave.CLOSED:
        return stored_figures(wave).cut(demographic_id)
    return compute_cut_table(wave, load_wave(wave), demographic_id, results)


def compute_cut_table(
    wave: SurveyWave, data: WaveData, demographic_id: str, results: list[UnitResult]
) -> dict[int, list[CutRow]] | None:
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
    return {data.units[u].pk: rows for u, rows in by_position.items()}


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
    if wave.status == SurveyWave.CLOSED:
        return stored_figures(wave).reliability
    data = load_wave(wave)
    return scale_reliability(data.instrument, data.answers)


# --- figures computed at close and stored ----------------------------------------------------

# Bump when heatmap_rows_html changes its markup: stored fragments of older versions are
# then rendered afresh from the stored figures.
HEATMAP_VERSION = 2  # 2: cells coloured by each scale's direction, the pattern under the name


_HUNDREDTH = Decimal("0.01")


def two_decimals(value: float) -> str:
    """`value|floatformat:2` as the template wrote it (half up, on the shortest repr),
    without the filter's localisation machinery for the plain positive means here."""
    if not 0 <= value < 1000:
        return floatformat(value, 2)
    return str(Decimal(repr(value)).quantize(_HUNDREDTH, ROUND_HALF_UP))


def heatmap_rows_html(
    wave: SurveyWave, results: list[UnitResult], scale_ids: Sequence[str] | None = None
) -> str:
    """The rows of the results page's all-units heatmap (the markup the template wrote for
    each unit), built as one string: at 1,500 units the template loop took most of the
    page's time. Names are escaped; numbers are formatted as `floatformat:2` does. Each
    cell is coloured by its scale's direction (`meaning.heat_class`). `scale_ids` chooses
    the scales shown (all, in the instrument's order, when None)."""
    low, high = wave.instrument.response_scale.min, wave.instrument.response_scale.max
    scales = [s for s in wave.instrument.scales if scale_ids is None or s.id in scale_ids]
    lines = []
    for r in results:
        cells = "".join(
            f'<td class="num {heat_class(r.means[s.id], low, high, s)}">'
            f"{'–' if r.means[s.id] is None else two_decimals(r.means[s.id])}</td>"
            for s in scales
        )
        # The three-systems pattern sits under the unit's name (a column of its own made
        # the table too wide for ten scales).
        pattern = (
            f'<span class="pattern">pattern: {escape(r.profile.pattern)}</span>'
            if r.profile and r.profile.pattern
            else ""
        )
        lines.append(
            f'<tr><th scope="row" class="depth-{r.depth}"><a href="?unit={r.unit.pk}">'
            f"{escape(r.unit.name)}</a>{pattern}</th>\n      {cells}</tr>"
        )

    return "\n".join(lines)


@dataclass
class StoredFigures:
    """A closed wave's figures as read back from `WaveFigures` (decoded once per stamp)."""

    stamp: str
    results: list[UnitResult]
    heatmap: str
    _cuts: dict = field(default_factory=dict, repr=False)
    _reliability: list | None = field(default=None, repr=False)
    _comments: list[tuple[str, str, int, str]] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    wave_id: int = 0

    def set_figures(self, cuts: dict, reliability: list) -> None:
        self._cuts = {
            question: None
            if table is None
            else {int(pk): cut_rows_from_json(rows) for pk, rows in table.items()}
            for question, table in cuts.items()
        }
        self._reliability = reliability_from_json(reliability)

    def _fill(self) -> None:
        """Cuts and reliability are read on the pages that show them only."""
        if self._reliability is None:
            self.set_figures(
                *WaveFigures.objects.filter(wave_id=self.wave_id)
                .values_list("cuts", "reliability")
                .get()
            )

    def cut(self, demographic_id: str) -> dict[int, list[CutRow]] | None:
        with self._lock:
            self._fill()
        return self._cuts.get(demographic_id)

    def comments(self) -> list[tuple[str, str, int, str]]:
        """Every comment of the closed wave as (response id, question id, unit id, text)
        in its fixed random order, read once per process: they cannot change after the
        close, and a large wave has thousands."""
        with self._lock:
            if self._comments is None:
                self._comments = read_comments(self.wave_id)
            return self._comments

    @property
    def reliability(self) -> list[ScaleReliability]:
        with self._lock:
            self._fill()
        return self._reliability


_MEMORY: OrderedDict[tuple[int, str], StoredFigures] = OrderedDict()
_MEMORY_SIZE = 16  # waves kept decoded per process
_MEMORY_LOCK = threading.Lock()


def stored_figures(wave: SurveyWave) -> StoredFigures:
    """A closed wave's stored figures: one small query for the stamp, then the decoded
    figures from memory; read and decoded on the first call after they were written. A
    wave that closed before figures were stored has them computed and stored now (once)."""
    stamp = WaveFigures.objects.filter(wave_id=wave.pk).values_list("stamp", flat=True).first()
    if stamp is None:
        # Closed before figures were stored, and not yet stored by a page
        # (`services.ensure_wave_figures`): computed here, kept nowhere.
        snapshot, packed = pack_wave(wave)
        fields = figures_to_store(wave, snapshot, packed)
        found = StoredFigures(
            "", results_from_json(wave, snapshot, fields["results"]), fields["heatmap_html"]
        )
        found.set_figures(fields["cuts"], fields["reliability"])
        return found
    key = (wave.pk, stamp)
    with _MEMORY_LOCK:
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
            return found
    stored = WaveFigures.objects.only(*WaveFigures.FIGURE_FIELDS).get(wave_id=wave.pk)
    results = results_from_json(wave, stored.units, stored.results)
    heatmap = stored.heatmap_html
    if stored.heatmap_version != HEATMAP_VERSION:
        heatmap = heatmap_rows_html(wave, results)
    found = StoredFigures(stored.stamp, results, heatmap, wave_id=wave.pk)
    with _MEMORY_LOCK:
        _MEMORY[(wave.pk, stored.stamp)] = found
        while len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
    return found


def forget_stored_figures() -> None:
    """Drop every decoded wave from this process's memory (tests, benchmarks)."""
    with _MEMORY_LOCK:
        _MEMORY.clear()


def heatmap_html(wave: SurveyWave, results: list[UnitResult]) -> str:
    """The all-units heatmap rows: stored for a closed wave, else rendered now."""
    if wave.status == SurveyWave.CLOSED:
        return stored_figures(wave).heatmap
    return heatmap_rows_html(wave, results)


def units_from_snapshot(wave: SurveyWave, snapshot: list[list]) -> list[Unit]:
    """[whole organisation, *units] from [id, parent id, name, kind] rows (the first row
    is the whole organisation), each unsaved Unit's `parent` pointing within the list."""
    units = [whole_organisation(wave)]
    units[0].name = snapshot[0][2]
    by_pk = {}
    for pk, _, name, kind in snapshot[1:]:
        unit = Unit(id=pk, organisation=wave.organisation, name=name, kind=kind)
        by_pk[pk] = unit
        units.append(unit)
    for pk, parent_id, _, _ in snapshot[1:]:
        if parent_id is not None:
            by_pk[pk].parent = by_pk[parent_id]
    return units


def results_to_json(wave: SurveyWave, results: list[UnitResult], position: dict) -> list:
    """Unit figures (tree order) as JSON rows: [unit position, depth, n, shown, means,
    scale counts, profile, comments shown], means and counts in the instrument's scale
    order."""
    scales = [s.id for s in wave.instrument.scales]
    return [
        [
            position[r.unit.pk],
            r.depth,
            r.n,
            r.shown,
            [r.means[s] for s in scales],
            [r.scale_n[s] for s in scales],
            profile_to_json(r.profile),
            r.comments_shown,
        ]
        for r in results
    ]


def results_from_json(wave: SurveyWave, snapshot: list[list], rows: list) -> StoredResults:
    units = units_from_snapshot(wave, snapshot)
    scales = [s.id for s in wave.instrument.scales]
    return StoredResults(
        UnitResult(
            units[u],
            depth,
            n,
            shown,
            dict(zip(scales, means, strict=True)),
            dict(zip(scales, counts, strict=True)),
            profile=profile_from_json(profile),
            comments_shown=comments_shown,
        )
        for u, depth, n, shown, means, counts, profile, comments_shown in rows
    )


def figures_to_store(wave: SurveyWave, snapshot: list[list], packed: PackedAnswers) -> dict:
    """Every figure of a wave computed from its packed answers, as `WaveFigures` fields:
    the unit figures, a cut table per background question and the reliability table."""
    instrument = wave.instrument
    units = units_from_snapshot(wave, snapshot)
    position = {u.pk: i for i, u in enumerate(units)}
    parents = [-1] + [position[u.parent_id] if u.parent_id else 0 for u in units[1:]]
    answers = packed.as_float(instrument.response_scale.min)
    data = WaveData(instrument, answers, packed.unit_index.astype(np.int64), units, parents, [])
    results = _compute(wave, data)
    cuts = {}
    by_pk = {r.unit.pk: r for r in results}
    unit_results = [by_pk[unit.pk] for unit in units]
    scores = respondent_scale_scores(instrument, answers)  # once for every question
    for q, demographic in enumerate(instrument.demographics):
        table = core_cut_table(
            instrument,
            answers,
            data.unit_index,
            parents,
            packed.background_of(q),
            demographic.options,
            [r.shown for r in unit_results],
            [r.means for r in unit_results],
            wave.min_group,
            scores,
        )
        cuts[demographic.id] = (
            None
            if table is None
            else {str(units[u].pk): cut_rows_to_json(rows) for u, rows in table.items()}
        )
    return {
        "results": results_to_json(wave, results, position),
        "cuts": cuts,
        "reliability": reliability_to_json(scale_reliability(instrument, answers)),
        "heatmap_html": heatmap_rows_html(wave, results),
        "heatmap_version": HEATMAP_VERSION,
        "cuts_version": CUTS_VERSION,
    }


@dataclass
class PackedRows:
    """A closed wave's rows for the researchers' export, read from the packed arrays."""

    packed: PackedAnswers
    units: list[Unit]  # [whole organisation, *units], unit_index points here
    item_ids: list[str]
    background_ids: list[str]


def pack_wave(wave: SurveyWave) -> tuple[list[list], PackedAnswers]:
    """A closed wave's unit tree (whole organisation first, as [id, parent id, name,
    kind] rows) and its responses packed as arrays in a fresh random order: the one
    reading of the `Response` rows' answers, when the figures are computed."""
    tree = wave.unit_tree or [
        list(row)
        for row in Unit.objects.filter(organisation=wave.organisation)
        .order_by("pk")
        .values_list("id", "parent_id", "name", "kind")
    ]
    snapshot = [[WHOLE_ORGANISATION, None, whole_organisation(wave).name, "unit"], *tree]
    position = {row[0]: p for p, row in enumerate(snapshot) if p}
    # The JSON read as text and decoded in one call: one decoding per field of each row
    # (Django's JSONField) takes most of the time at 100,000 responses.
    table = list(
        Response.objects.filter(wave=wave)
        .annotate(answers_text=Cast("answers", TextField()))
        .annotate(background_text=Cast("demographics", TextField()))
        .values_list("unit_id", "audience", "answers_text", "background_text")
    )
    random.SystemRandom().shuffle(table)
    answers = json.loads("[" + ",".join(row[2] for row in table) + "]")
    background = json.loads("[" + ",".join(row[3] for row in table) + "]")
    rows = [
        (position[unit], audience, given, demographics)
        for (unit, audience, _, _), given, demographics in zip(
            table, answers, background, strict=True
        )
    ]
    return snapshot, pack_answers(wave.instrument, rows)


def packed_rows(wave: SurveyWave) -> PackedRows:
    """The packed answers of a closed wave, as stored at close (packed now, and kept
    nowhere, for a wave closed before answers were packed)."""
    stored = WaveFigures.objects.filter(wave_id=wave.pk).first()
    if stored is None:
        snapshot, packed = pack_wave(wave)
        return PackedRows(
            packed,
            units_from_snapshot(wave, snapshot),
            list(wave.instrument.item_ids),
            [d.id for d in wave.instrument.demographics],
        )
    items = len(stored.item_ids)
    packed = PackedAnswers(
        from_bytes(stored.answers, "u1", items),
        from_bytes(stored.unit_index, "i4"),
        from_bytes(stored.audiences, "u1"),
        stored.audience_codes,
        from_bytes(stored.background, "u1", len(stored.background_ids)),
        stored.background_values,
    )
    if packed.background.shape[0] != len(packed):  # an instrument without background questions
        packed.background = np.zeros((len(packed), 0), dtype=np.uint8)
    return PackedRows(
        packed, units_from_snapshot(wave, stored.units), stored.item_ids, stored.background_ids
    )
