"""The guardian's navigation label for the case queue: how many cases are overdue."""

from __future__ import annotations

from django.core.cache import cache


def overdue_count(organisation) -> int:
    """Concerns past a deadline, for the guardian's navigation (cached for a minute)."""
    key = f"overdue-concerns:{organisation.pk}"
    count = cache.get(key)
    if count is None:
        from .alerts import overdue

        count = len(overdue(organisation))
        cache.set(key, count, 60)
    return count


def queue_label(label: str, organisation) -> str:
    late = overdue_count(organisation)
    return f"{label} ({late} overdue)" if late else label
