from django import template

from echoorg.core.concerns.clocks import describe_step

register = template.Library()


@register.filter
def get_label(labels: dict | None, key: str):
    """`mapping|get_label:key`: an event type's label, or a value from a dict of counts
    (None when the dict itself is withheld)."""
    if labels is None:
        return None
    return labels.get(key, key)


@register.filter
def defensive_total(counts: dict | None) -> str:
    """Total defensive responses in a row, or 'hidden' when any part is hidden."""
    if not counts:
        return "–"
    if any(v is None for v in counts.values()):
        return "hidden"
    return str(sum(counts.values()))


@register.simple_tag
def derived_figure(row: dict, name: str, k: int) -> str:
    """A median or share of a statistics row as shown: the value (days, or a percentage for
    `share_with_breach`), "fewer than k cases" or "hidden" when rule 5 of
    echoorg.core.concerns.metrics hides it, and "–" when no case has the figure."""
    value = row.get(name)
    reason = (row.get("hidden") or {}).get(name)
    if value is None:
        if reason == "fewer_than_k":
            return f"fewer than {k} cases"
        return "hidden" if reason else "–"
    if name == "share_with_breach":
        return f"{round(value * 100)}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


@register.filter
def step_words(event) -> str:
    """`event|step_words`: a recorded step and its details in words, not codes."""
    return describe_step(event.type, event.detail)
