from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry


class LibraryConfig(AppConfig):
    name = "echoorg.library"
    label = "library"
    verbose_name = "Learning from inquiries"
    default_auto_field = "django.db.models.BigAutoField"
    urls = "echoorg.library.urls"
    navigation = (NavigationEntry("Learning from inquiries", "library", "library.view", order=300),)
