"""Exports: unit figures (CSV, XLSX) for everyone who sees results, and de-identified rows
(CSV) for researchers only."""

from __future__ import annotations

import csv
import io
import random

from echoorg.core.spreadsheet import csv_row, xlsx_append

from .models import Response, SurveyWave
from .results import UnitResult, parent_name, wave_units_as_published


def _unit_table(wave: SurveyWave, results: list[UnitResult]) -> tuple[list[str], list[list]]:
    scales = wave.instrument.scales
    header = ["unit", "parent", "level", "n", "suppressed", *[s.id for s in scales],
              "three_systems_pattern"]
    rows = []
    for r in results:
        rows.append([
            r.unit.name, parent_name(r, results), r.depth + 1,
            r.n if r.shown else None, "false" if r.shown else "true",
            *[None if r.means[s.id] is None else round(r.means[s.id], 6) for s in scales],
            r.profile.pattern if r.profile else None,
        ])
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
    name written stands for at least the wave's minimum group of responses.

    Starting from the responses' own units, any label used by fewer than k responses is
    moved up to its parent, repeatedly, until every label in use has k or more. When fewer
    than k reach the top, the smallest named group joins them there.
    """
    units = {u.pk: u for u in wave_units_as_published(wave)}
    label = list(unit_ids)
    while True:
        counts: dict[int | None, int] = {}
        for unit in label:
            counts[unit] = counts.get(unit, 0) + 1
        small = {u for u, n in counts.items() if u is not None and n < wave.min_group}
        if not small:
            top = counts.get(None, 0)
            others = [u for u in counts if u is not None]
            if 0 < top < wave.min_group and others:
                # Too few reach the top: fold the smallest named group into it as well.
                smallest = min(others, key=lambda u: (counts[u], u))
                label = [None if u == smallest else u for u in label]
                continue
            break
        label = [units[u].parent_id if u in small else u for u in label]
    whole = f"{wave.organisation.name}: whole organisation"
    return [units[u].name if u is not None else whole for u in label]


def _shuffled_responses(wave: SurveyWave) -> list[tuple]:
    rows = list(Response.objects.filter(wave=wave).values_list("unit_id", "audience",
                                                               "answers", "demographics"))
    random.SystemRandom().shuffle(rows)
    return rows


def rows_csv(wave: SurveyWave) -> str:
    """De-identified responses in the scoring format (`respondent,unit,<item ids>`, ready
    for `echoorg survey score`), then each row's audience and background answers.

    Shuffled; no comments, dates or identifiers (respondent is a fresh row number); units
    generalised so that each name written covers at least k responses. Audience and
    background answers can still narrow a row down: the export is for researchers only.
    """
    instrument = wave.instrument
    responses = _shuffled_responses(wave)
    labels = generalised_units(wave, [unit for unit, *_ in responses])
    demographic_ids = [d.id for d in instrument.demographics]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(["respondent", "unit", *instrument.item_ids]))
    for number, ((_, _, answers, _), label) in enumerate(zip(responses, labels, strict=True),
                                                          start=1):
        writer.writerow(csv_row([f"r{number}", label, *[answers.get(i, "") for i in
                                                         instrument.item_ids]]))
    background = io.StringIO()
    writer = csv.writer(background)
    writer.writerow(csv_row(["respondent", "audience", *demographic_ids]))
    for number, (_, audience, _, demographics) in enumerate(responses, start=1):
        writer.writerow(csv_row([f"r{number}", audience, *[demographics.get(d, "")
                                                            for d in demographic_ids]]))
    return out.getvalue(), background.getvalue()


def units_csv(wave: SurveyWave) -> str:
    """The wave's unit tree as `unit,parent`, the --units file of `echoorg survey score`."""
    units = wave_units_as_published(wave)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit", "parent"])
    for unit in units:
        writer.writerow(csv_row([unit.name, unit.parent.name if unit.parent_id else ""]))
    return out.getvalue()
