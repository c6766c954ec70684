"""The guardian's navigation label for the case queue: how many cases are overdue."""

from __future__ import annotations


def overdue_count(organisation) -> int:
    """Cases in the queue past a handling deadline, for the guardian's navigation: one
    count over the stored clock figures (services.overdue_in_queue)."""
    from .services import overdue_in_queue

    return overdue_in_queue(organisation)


def queue_label(label: str, organisation) -> str:
    late = overdue_count(organisation)
    return f"{label} ({late} overdue)" if late else label
