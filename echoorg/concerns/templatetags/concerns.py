from django import template

register = template.Library()


@register.filter
def get_label(labels: dict | None, key: str):  # noqa: ANN201
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
