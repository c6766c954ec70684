from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry

from .navigation import queue_label


class ConcernsConfig(AppConfig):
    name = "echoorg.concerns"
    label = "concerns"
    verbose_name = "Speak up and safeguarding"
    urls = "echoorg.concerns.urls"
    api_router = "echoorg.concerns.api.router"
    demo = "echoorg.concerns.demo.demo"
    navigation = (
        NavigationEntry("Speak up", "speak_up", "concerns.raise", order=200),
        NavigationEntry(
            "Concerns", "concerns", "concerns.handle", order=210, label_for=queue_label
        ),
        NavigationEntry("Speak-up statistics", "concern_insights", "concerns.stats", order=220),
    )
