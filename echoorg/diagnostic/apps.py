from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry


class DiagnosticConfig(AppConfig):
    name = "echoorg.diagnostic"
    label = "diagnostic"
    verbose_name = "Culture diagnostic"
    urls = "echoorg.diagnostic.urls"
    api_router = "echoorg.diagnostic.api.router"
    demo = "echoorg.diagnostic.demo.demo"
    navigation = (NavigationEntry("Culture diagnostic", "waves", "survey.view", order=100),)
