"""What an analysis starts with: the facts step pre-filled from a library inquiry's dated
events, and the systems step's stages named after the library's own periods (without the
library's reading, which the leader compares with their own at the end)."""

from __future__ import annotations

from typing import Any

from ..library.cases import Case

MAX_PREFILL_TEXT = 10_000


def facts_from_inquiry(case: Case) -> dict[str, Any]:
    """The facts step for a library case: its summary and every event, dated to the first
    day of the period the library gives (`precision` says how much of the date is known),
    with the actor named and the first source cited in the description."""
    events = []
    for event in case.events:
        source = event.sources[0]
        cited = f"{source.title}, {source.publisher}" + (
            f", {source.date}" if source.date != "undated" else ""
        )
        events.append(
            {
                "date": event.start.isoformat(),
                "precision": event.precision,
                "kind": event.kind,
                "description": f"{event.actor}: {event.description} (Source: {cited}.)"[
                    :MAX_PREFILL_TEXT
                ],
            }
        )
    return {"summary": case.summary, "events": events}


def stages_from_inquiry(case: Case) -> dict[str, Any]:
    """The systems step for a library case: one stage per period of the library's reading,
    with the period named and everything else left for the leader."""
    return {
        "stages": [
            {"period": s.period, "starts": "", "ends": "", "dominant": "unclear", "reading": ""}
            for s in case.three_systems.stages
        ],
        "balance": "",
    }
