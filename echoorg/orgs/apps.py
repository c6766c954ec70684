from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry


class OrgsConfig(AppConfig):
    name = "echoorg.orgs"
    label = "orgs"
    verbose_name = "Organisations"
    urls = "echoorg.orgs.urls"
    api_router = "echoorg.orgs.api.router"
    demo = "echoorg.orgs.demo.demo"
    navigation = (
        NavigationEntry("Overview", "organisation", "organisation.view", order=10),
        NavigationEntry("Units", "units", "units.view", order=20),
        NavigationEntry("People", "people", "members.view", order=30),
        NavigationEntry("Audit trail", "audit", "audit.view", order=900),
        NavigationEntry("Settings", "org_settings", "organisation.configure", order=910),
    )

    def ready(self) -> None:
        # Accounts asks who must use two-factor authentication; the answer depends on
        # memberships, which live here (accounts imports nothing from orgs).
        from echoorg.accounts.twofactor import add_two_factor_rule

        from .twofactor import role_requires_two_factor

        add_two_factor_rule(role_requires_two_factor)
