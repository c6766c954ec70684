from django.apps import AppConfig

from echoorg.common.parts import EncryptedFields, NavigationEntry


class DevelopmentConfig(AppConfig):
    name = "echoorg.development"
    label = "development"
    verbose_name = "Leader development"
    default_auto_field = "django.db.models.BigAutoField"
    urls = "echoorg.development.urls"
    api_router = "echoorg.development.api.router"
    demo = "echoorg.development.demo.demo"
    overview = "echoorg.development.overview.panels"
    development = "echoorg.development.development.items"
    uptake = "echoorg.development.development.uptake"
    encrypted = (
        EncryptedFields(
            "development.Reflection", ("title_encrypted", "answers_encrypted"), "reflections"
        ),
        EncryptedFields("development.ReflectionComment", ("body_encrypted",), "mentor comments"),
    )
    navigation = (
        NavigationEntry("My development", "development", "development.own", order=320),
        NavigationEntry("Development uptake", "reflection_uptake", "reflection.uptake", order=330),
    )
