from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry


class ScenariosConfig(AppConfig):
    name = "echoorg.scenarios"
    label = "scenarios"
    verbose_name = "Branching scenarios"
    default_auto_field = "django.db.models.BigAutoField"
    urls = "echoorg.scenarios.urls"
    api_router = "echoorg.scenarios.api.router"
    demo = "echoorg.scenarios.demo.load"
    development = "echoorg.scenarios.development.items"
    uptake = "echoorg.scenarios.development.uptake"
    navigation = (
        NavigationEntry("Scenarios", "scenarios", "scenarios.play", order=320),
        NavigationEntry("Workshops", "workshops", "scenarios.facilitate", order=330),
    )
