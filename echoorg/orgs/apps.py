from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "echoorg.orgs"
    label = "orgs"
    verbose_name = "Organisations"
