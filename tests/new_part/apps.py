from django.apps import AppConfig

from echoorg.common.parts import NavigationEntry


class NewPartConfig(AppConfig):
    name = "tests.new_part"
    label = "new_part"
    verbose_name = "A new part"
    urls = "tests.new_part.urls"
    demo = "tests.new_part.demo.demo"
    navigation = (NavigationEntry("New part", "new_part_home", "organisation.view", order=150),)
