"""How each app contributes its part of echoorg: URLs, API router, navigation, demo data,
the blocks it adds to an organisation's overview, and the fields it keeps encrypted with
the vault's keys.

An app says what it brings with attributes on its AppConfig (all optional):

    class SurveysConfig(AppConfig):
        name = "echoorg.surveys"
        urls = "echoorg.surveys.urls"              # a module with `urlpatterns`
        api_router = "echoorg.surveys.api.router"  # a django-ninja Router
        navigation = (NavigationEntry("Surveys", "surveys", "survey.view", order=40),)
        demo = "echoorg.surveys.demo.load"         # (seed, scale=1) -> DemoOutcome
        encrypted = (EncryptedFields("surveys.Note", ("body",), "notes"),)
        overview = "echoorg.surveys.overview.panels"  # (request, org, member) -> [OverviewPanel]
        # (request, org, member) -> [DevelopmentItem], the member's own development page
        development = "echoorg.surveys.development.items"
        # (organisation) -> (label, users): who has used the tool, for facilitators' counts
        uptake = "echoorg.surveys.development.uptake"

The shell (`echoorg.web`) reads them from INSTALLED_APPS in order, so a new part is one
new folder and one line in settings; nothing else lists the apps. Read on every call
(a loop over a dozen app configs), so a test that changes INSTALLED_APPS sees its app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavigationEntry:
    """One link in an organisation's navigation.

    `url_name` is reversed with the organisation's slug; the link shows when the person
    may do `action` there (the permission table, echoorg.orgs.permissions). `order`
    places it among every app's links (lower first). `label_for`, if given, turns the
    label and the organisation into the label shown (a count of overdue cases, say).
    """

    label: str
    url_name: str
    action: str
    order: int = 100
    label_for: Callable[[str, Any], str] | None = None


@dataclass
class DemoOutcome:
    """What an app's demo loader did: lines to print, and lines to print after every
    app's lines (the demo logins)."""

    lines: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EncryptedFields:
    """Binary fields of one model that hold vault tokens (echoorg.common.crypto.vault), so
    that rotating the keys re-encrypts them. `model` is "app_label.ModelName"; `label`
    names them in the rotation's report ("concerns", "two-factor secrets")."""

    model: str
    fields: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class OverviewPanel:
    """One block on an organisation's overview page, for the person looking at it:
    `template` rendered with `context` (the page adds `org` and `member`). `order` places
    it among every app's blocks (lower first)."""

    template: str
    context: dict[str, Any]
    order: int = 100


@dataclass(frozen=True)
class DevelopmentItem:
    """One entry on a person's "My development" page: a reflection, a case analysis, a
    scenario played or waiting. `kind` names the tool ("Reflection", "Case analysis",
    "Scenario"); `status` is "waiting", "in progress", "done" or "shared"; `updated` is
    when it last changed (None for something not started). `order` places items of the
    same status among every app's items (lower first)."""

    kind: str
    title: str
    url: str
    status: str
    updated: datetime | None = None
    order: int = 100


def part_configs() -> Iterator[AppConfig]:
    """The installed apps, in INSTALLED_APPS order."""
    yield from apps.get_app_configs()


def url_modules() -> list[str]:
    """Each app's URL module (dotted path), to include at the site's root."""
    return [c.urls for c in part_configs() if getattr(c, "urls", None)]


def api_routers() -> list[Any]:
    """Each app's django-ninja Router."""
    return [import_string(c.api_router) for c in part_configs() if getattr(c, "api_router", None)]


def navigation_entries() -> list[NavigationEntry]:
    """Every app's navigation links, by `order` (then INSTALLED_APPS order)."""
    entries = [e for c in part_configs() for e in getattr(c, "navigation", ())]
    return sorted(entries, key=lambda e: e.order)


def demo_loaders() -> list[Callable[..., DemoOutcome]]:
    """Each app's demo loader, in INSTALLED_APPS order (organisations before the parts
    that fill them). A loader takes the seed and, if it can grow, a keyword `scale`
    (default 1: the usual demo; 10: ten times the people, teams and cases)."""
    return [import_string(c.demo) for c in part_configs() if getattr(c, "demo", None)]


def encrypted_fields() -> list[EncryptedFields]:
    """Every app's encrypted fields, in INSTALLED_APPS order."""
    return [e for c in part_configs() for e in getattr(c, "encrypted", ())]


def overview_panels(request: Any, organisation: Any, member: Any) -> list[OverviewPanel]:
    """Every app's blocks for `member` on `organisation`'s overview, by `order`. Each app's
    `overview` callable decides from the member's roles what, if anything, to show."""
    panels = [
        panel
        for c in part_configs()
        if getattr(c, "overview", None)
        for panel in import_string(c.overview)(request, organisation, member)
    ]
    return sorted(panels, key=lambda p: p.order)


def development_items(request: Any, organisation: Any, member: Any) -> list[DevelopmentItem]:
    """Every app's entries for `member`'s own development page in `organisation`, most
    recently changed first (items not started last, by `order`). Each app's
    `development` callable returns only what belongs to that member."""
    items = [
        item
        for c in part_configs()
        if getattr(c, "development", None)
        for item in import_string(c.development)(request, organisation, member)
    ]
    started = sorted((i for i in items if i.updated), key=lambda i: i.updated, reverse=True)
    waiting = sorted((i for i in items if not i.updated), key=lambda i: i.order)
    return started + waiting


def uptake_sources(organisation: Any) -> list[tuple[str, Any]]:
    """Every app's development tool that counts towards facilitators' uptake figures: a
    label ("Case analyses") and a queryset of the ids of the users who have used it in
    `organisation`, in INSTALLED_APPS order. Counted per unit and suppressed by the app
    that shows them; nothing here reads what anyone wrote."""
    return [
        import_string(c.uptake)(organisation) for c in part_configs() if getattr(c, "uptake", None)
    ]
