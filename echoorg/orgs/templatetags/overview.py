"""`{% overview_panel panel %}`: one block an app adds to the organisation's overview
(echoorg.common.parts.OverviewPanel), rendered inside the page's own context so that the
page's context processors (navigation, the organisation list) run once, not per block."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def overview_panel(context, panel) -> str:
    block = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return block.render(context)
