"""The library as data for researchers and the command line: JSON objects and CSV rows.

    case_summary(case)   {id, title, sector, first_warning, decisive_action,
                          years_warning_to_action}        (`echoorg inquiries list`)
    event_object(event)  {date, precision, kind, actor, description, sources}
                         where date is ISO to its precision (YYYY-MM-DD, YYYY-MM or YYYY)
                         and sources a non-empty list of {title, publisher, date, locator,
                         url}                              (`echoorg inquiries timeline`)
    codebook_object / codebook_rows, cases_object / event_rows: the downloads.

CSV rows pass through echoorg.core.spreadsheet.csv_row, so no cell runs as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..spreadsheet import csv_row
from .cases import Case, Event
from .codebook import Codebook
from .figures import case_figures

CODEBOOK_COLUMNS = [
    "codebook",
    "id",
    "family",
    "name",
    "mechanism",
    "definition",
    "use_when",
    "not_when",
    "example",
    "accimap",
    "hfacs",
    "turner",
    "vaughan",
]
EVENT_COLUMNS = [
    "case",
    "event",
    "date",
    "precision",
    "kind",
    "actor",
    "description",
    "disagreement",
    "codes",
    "source_titles",
    "source_publishers",
    "source_dates",
    "source_locators",
    "source_urls",
]


def case_summary(case: Case) -> dict[str, Any]:
    figures = case_figures(case)
    return {
        "id": case.id,
        "title": case.title,
        "sector": case.sector,
        "first_warning": figures.first_warning.date if figures.first_warning else None,
        "decisive_action": figures.decisive_action.date if figures.decisive_action else None,
        "years_warning_to_action": figures.years_warning_to_action,
    }


def event_object(event: Event) -> dict[str, Any]:
    return {
        "date": event.date,
        "precision": event.precision,
        "kind": event.kind,
        "actor": event.actor,
        "description": event.description,
        "sources": [s.as_dict() for s in event.sources],
    }


def case_object(case: Case) -> dict[str, Any]:
    """A whole case, with its figures, for the JSON download."""
    figures = case_figures(case)
    return {
        **case_summary(case),
        "as_of": case.as_of.isoformat(),
        "summary": case.summary,
        "warnings_before_first_protective_response": figures.warnings_before_protective,
        "protective_response_recorded": figures.protective_response_recorded,
        "share_of_responses_defensive": figures.share_defensive,
        "status": [
            {
                "topic": s.topic,
                "statement": s.statement,
                "sources": [x.as_dict() for x in s.sources],
            }
            for s in case.status
        ],
        "events": [
            {"id": e.id, **event_object(e), "disagreement": e.disagreement or None}
            for e in case.events
        ],
        "codes": [
            {"code": link.code, "events": list(link.events), "note": link.note or None}
            for link in case.codes
        ],
        "three_systems": {
            "note": case.three_systems.note,
            "stages": [
                {"period": s.period, "dominant": s.dominant, "reading": s.reading}
                for s in case.three_systems.stages
            ],
        },
        "questions": list(case.questions),
    }


def codebook_object(codebook: Codebook) -> dict[str, Any]:
    return {
        "id": codebook.id,
        "version": codebook.version,
        "title": codebook.title,
        "families": [
            {"id": f.id, "name": f.name, "description": f.description} for f in codebook.families
        ],
        "codes": [
            {
                "id": c.id,
                "family": c.family,
                "name": c.name,
                "mechanism": c.mechanism,
                "definition": c.definition,
                "use_when": c.use_when,
                "not_when": c.not_when,
                "example": c.example,
                "crosswalk": {
                    "accimap": list(c.crosswalk.accimap),
                    "hfacs": list(c.crosswalk.hfacs),
                    "turner": list(c.crosswalk.turner),
                    "vaughan": list(c.crosswalk.vaughan),
                },
            }
            for c in codebook.codes
        ],
    }


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(csv_row(row))
    return out.getvalue()


def codebook_csv(codebook: Codebook) -> str:
    """One row per code; lists of crosswalk categories are joined with '; '."""
    return _csv(
        CODEBOOK_COLUMNS,
        [
            [
                codebook.key,
                c.id,
                c.family,
                c.name,
                "yes" if c.mechanism else "no",
                c.definition,
                c.use_when,
                c.not_when,
                c.example,
                "; ".join(c.crosswalk.accimap),
                "; ".join(c.crosswalk.hfacs),
                "; ".join(c.crosswalk.turner),
                "; ".join(c.crosswalk.vaughan),
            ]
            for c in codebook.codes
        ],
    )


def events_csv(cases: tuple[Case, ...] | list[Case]) -> str:
    """One row per event of every case; an event's sources are joined with ' | ' in the
    same order in each source column."""
    rows = []
    for case in cases:
        for e in case.events:
            rows.append(
                [
                    case.id,
                    e.id,
                    e.date,
                    e.precision,
                    e.kind,
                    e.actor,
                    e.description,
                    e.disagreement,
                    "; ".join(case.codes_of(e.id)),
                    " | ".join(s.title for s in e.sources),
                    " | ".join(s.publisher for s in e.sources),
                    " | ".join(s.date for s in e.sources),
                    " | ".join(s.locator for s in e.sources),
                    " | ".join(s.url for s in e.sources),
                ]
            )
    return _csv(EVENT_COLUMNS, rows)
