"""What every page needs to draw its navigation: the current organisation and its parts."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import can, organisations_of

# Each part of the product adds its link here when it lands: (label, url name, action).
PARTS = [
    ("Overview", "organisation", "organisation.view"),
    ("Units", "units", "units.view"),
    ("People", "people", "members.view"),
    ("Culture diagnostic", "waves", "survey.view"),
    ("Speak up", "speak_up", "concerns.raise"),
    ("Concerns", "concerns", "concerns.handle"),
    ("Speak-up statistics", "concern_insights", "concerns.stats"),
    ("Audit trail", "audit", "audit.view"),
    ("Settings", "org_settings", "organisation.configure"),
]


def _overdue_count(organisation: Organisation) -> int:
    """Concerns past a deadline, for the guardian's navigation (cached for a minute)."""
    key = f"overdue-concerns:{organisation.pk}"
    count = cache.get(key)
    if count is None:
        from echoorg.concerns.alerts import overdue

        count = len(overdue(organisation))
        cache.set(key, count, 60)
    return count


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
        for label, name, action in PARTS:
            if can(user, current, action):
                url = reverse(name, kwargs={"slug": current.slug})
                if name == "concerns":
                    late = _overdue_count(current)
                    label = f"{label} ({late} overdue)" if late else label
                links.append({"label": label, "url": url,
                              "active": match is not None and match.url_name == name})
    return {"nav_organisations": organisations, "nav_current": current, "nav_links": links}
