"""What every page needs to draw its navigation: the current organisation and its parts.

The links come from the installed apps (each AppConfig's `navigation`, gathered by
echoorg.common.parts); this module lists none of them.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from echoorg.common.parts import navigation_entries
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import can, organisations_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisations = organisations_of(user)
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    current: Organisation | None = next((o for o in organisations if o.slug == slug), None)
    if current is None:
        remembered = request.session.get("organisation")
        current = next((o for o in organisations if o.slug == remembered), None)
    if current is None and organisations:
        current = organisations[0]
    links = []
    if current is not None:
        for entry in navigation_entries():
            if can(user, current, entry.action):
                url = reverse(entry.url_name, kwargs={"slug": current.slug})
                label = entry.label
                if entry.label_for is not None:
                    label = entry.label_for(label, current)
                links.append(
                    {
                        "label": label,
                        "url": url,
                        "active": match is not None and match.url_name == entry.url_name,
                    }
                )
    return {"nav_organisations": organisations, "nav_current": current, "nav_links": links}
