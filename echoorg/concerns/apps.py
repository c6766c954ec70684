from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "echoorg.concerns"
    label = "concerns"
    verbose_name = "Speak up and safeguarding"
