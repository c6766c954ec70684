from django.apps import AppConfig


class DiagnosticConfig(AppConfig):
    name = "echoorg.diagnostic"
    label = "diagnostic"
    verbose_name = "Culture diagnostic"
