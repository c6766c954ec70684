from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "echoorg.web"
    label = "web"
    verbose_name = "Web"
