"""Exports: unit figures (CSV, XLSX) for everyone who sees results, and de-identified rows
(CSV) for researchers only."""

from __future__ import annotations

import csv
import io
import random

from echoorg.core.units import subtree

from .models import Response, SurveyWave
from .results import UnitResult, parent_name


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
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def results_xlsx(wave: SurveyWave, results: list[UnitResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = _unit_table(wave, results)
    book = Workbook()
    sheet = book.active
    sheet.title = "Units"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    notes = book.create_sheet("About")
    for line in (
        f"Wave: {wave.title}",
        f"Instrument: {wave.instrument.key}",
        f"Smallest group shown: {wave.min_group}",
        "Suppressed units have no figures; no figure can be recovered by subtracting others.",
        "The instrument is new and unvalidated; figures describe groups, never a person.",
    ):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_csv(wave: SurveyWave) -> str:
    """One row per response, shuffled, without comments, dates or any identifier.

    Each response's unit is replaced by its nearest enclosing unit with at least the
    wave's minimum group of respondents, so a small team is never singled out.
    """
    instrument = wave.instrument
    units = {u.pk: u for u in wave.organisation.units.all()}
    parents = {pk: u.parent_id for pk, u in units.items()}
    responses = list(Response.objects.filter(wave=wave).values_list("unit_id", "audience",
                                                                    "answers", "demographics"))
    own: dict[int, int] = {}
    for unit_id, *_ in responses:
        own[unit_id] = own.get(unit_id, 0) + 1
    size = {pk: sum(own.get(u, 0) for u in subtree(parents, pk)) for pk in units}

    def reported(unit_id: int) -> str:
        node = unit_id
        while node is not None and size.get(node, 0) < wave.min_group:
            node = parents.get(node)
        return units[node].name if node is not None else "(organisation)"

    demographic_ids = [d.id for d in instrument.demographics]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "unit", "audience", *instrument.item_ids, *demographic_ids])
    random.SystemRandom().shuffle(responses)
    for number, (unit_id, audience, answers, demographics) in enumerate(responses, start=1):
        writer.writerow([number, reported(unit_id), audience,
                         *[answers.get(i, "") for i in instrument.item_ids],
                         *[demographics.get(d, "") for d in demographic_ids]])
    return out.getvalue()
