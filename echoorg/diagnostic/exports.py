"""Exports: unit figures (CSV, XLSX) for everyone who sees results, and de-identified rows
(CSV) for researchers only."""

from __future__ import annotations

import csv
import io
import random

import numpy as np

from echoorg.core.diagnostic.kanonymity import KAnonymousRows, generalise_units, k_anonymise
from echoorg.core.diagnostic.stored import reorder
from echoorg.core.spreadsheet import csv_cell, csv_row, xlsx_append

from .models import SurveyWave
from .results import UnitResult, packed_rows, parent_name, wave_units_as_published


def _unit_table(wave: SurveyWave, results: list[UnitResult]) -> tuple[list[str], list[list]]:
    scales = wave.instrument.scales
    header = [
        "unit",
        "parent",
        "level",
        "n",
        "suppressed",
        *[s.id for s in scales],
        "three_systems_pattern",
    ]
    rows = []
    for r in results:
        rows.append(
            [
                r.unit.name,
                parent_name(r, results),
                r.depth + 1,
                r.n if r.shown else None,
                "false" if r.shown else "true",
                *[None if r.means[s.id] is None else round(r.means[s.id], 6) for s in scales],
                r.profile.pattern if r.profile else None,
            ]
        )
    return header, rows


def results_csv(wave: SurveyWave, results: list[UnitResult]) -> str:
    header, rows = _unit_table(wave, results)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(header))
    for row in rows:
        writer.writerow(csv_row("" if v is None else v for v in row))
    return out.getvalue()


def results_xlsx(wave: SurveyWave, results: list[UnitResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = _unit_table(wave, results)
    book = Workbook()
    sheet = book.active
    sheet.title = "Units"
    xlsx_append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    notes = book.create_sheet("About")
    for line in (
        f"Wave: {wave.title}",
        f"Instrument: {wave.instrument.key}",
        f"Smallest group shown: {wave.min_group}",
        "Suppressed units have no figures; no figure can be recovered by subtracting others.",
        "The instrument is new and unvalidated; figures describe groups, never a person.",
    ):
        xlsx_append(notes, [line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def generalised_units(wave: SurveyWave, unit_ids: list[int]) -> list[str]:
    """Each response's unit, replaced where needed by an enclosing unit so that every unit
    name written stands for at least the wave's minimum group of responses (see
    `echoorg.core.diagnostic.kanonymity.generalise_units`)."""
    units = {u.pk: u for u in wave_units_as_published(wave)}
    parents = {pk: u.parent_id for pk, u in units.items()}
    return [
        _unit_label(wave, units, u) for u in generalise_units(parents, unit_ids, wave.min_group)
    ]


def _unit_label(wave: SurveyWave, units: dict, unit_id: int | None) -> str:
    if unit_id is None:
        return f"{wave.organisation.name}: whole organisation"
    return units[unit_id].name


def rows_csv(wave: SurveyWave, full: bool = False) -> tuple[str, str, KAnonymousRows]:
    """De-identified responses in the scoring format (`respondent,unit,<item ids>`, ready
    for `echoorg survey score`), then each row's audience and background answers, and
    what was done to them.

    Shuffled; no comments, dates or identifiers (respondent is a fresh row number); units
    generalised so that each name written covers at least k responses. By default the
    rows are k-anonymous on unit, audience and background answers together
    (`k_anonymise`: answers withheld where a combination would cover fewer than k).
    `full=True` keeps every audience and background answer as given: only for a
    researcher under a data-sharing agreement (the view checks both).

    Read from the answers packed when the wave closed (`results.packed_rows`), never from
    the responses' rows, and shuffled again for each download.
    """
    instrument = wave.instrument
    stored = packed_rows(wave)
    packed = stored.packed
    order = list(range(len(packed)))
    random.SystemRandom().shuffle(order)
    packed = reorder(packed, order)
    demographic_ids = [d.id for d in instrument.demographics]
    units = {u.pk: u for u in stored.units[1:]}
    parents = {pk: u.parent_id for pk, u in units.items()}
    unit_pks = [u.pk for u in stored.units]
    unit_ids = [unit_pks[p] for p in packed.unit_index.tolist()]
    audiences = packed.audience_of()
    stored_questions = {q: n for n, q in enumerate(stored.background_ids)}
    columns = [
        packed.background_of(stored_questions[d]) if d in stored_questions else [None] * len(order)
        for d in demographic_ids
    ]
    background = [tuple(v or "" for v in row) for row in zip(*columns, strict=True)] or [
        () for _ in order
    ]
    if full:
        labels = generalise_units(parents, unit_ids, wave.min_group)
        release = KAnonymousRows(
            labels,
            audiences,
            background,
            list(range(len(order))),
            units_generalised=sum(a != b for a, b in zip(unit_ids, labels, strict=True)),
        )
    else:
        release = k_anonymise(
            parents, unit_ids, audiences, background, demographic_ids, wave.min_group
        )
    # Each answer's text by its code (0 = not answered), then whole rows at once.
    low = instrument.response_scale.min
    texts = np.array(["", *(str(low + c) for c in range(255))], dtype=object)
    column_of = {item: c for c, item in enumerate(stored.item_ids)}
    columns = [column_of.get(item, -1) for item in instrument.item_ids]
    written = texts[packed.answers]
    if -1 in columns:  # an item the packed rows do not hold: not answered
        written = np.concatenate([written, np.full((len(order), 1), "", dtype=object)], axis=1)
    written = written[:, columns].tolist() if len(order) else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(["respondent", "unit", *instrument.item_ids]))
    labels = {unit: csv_cell(_unit_label(wave, units, unit)) for unit in set(release.units)}
    writer.writerows(
        [f"r{number}", labels[unit], *written[position]]
        for number, (position, unit) in enumerate(
            zip(release.kept, release.units, strict=True), start=1
        )
    )
    background_out = io.StringIO()
    writer = csv.writer(background_out)
    writer.writerow(csv_row(["respondent", "audience", *demographic_ids]))
    for number, (audience, answers) in enumerate(
        zip(release.audiences, release.background, strict=True), start=1
    ):
        writer.writerow(csv_row([f"r{number}", audience, *answers]))
    return out.getvalue(), background_out.getvalue(), release


def units_csv(wave: SurveyWave) -> str:
    """The wave's unit tree as `unit,parent`, the --units file of `echoorg survey score`."""
    units = wave_units_as_published(wave)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit", "parent"])
    for unit in units:
        writer.writerow(csv_row([unit.name, unit.parent.name if unit.parent_id else ""]))
    return out.getvalue()
