from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):  # noqa: ANN201
    """`mapping|get_item:key` for dictionaries keyed by scale ids."""
    return mapping.get(key)
