from django.apps import AppConfig

from echoorg.common.parts import EncryptedFields, NavigationEntry


class AnalysisConfig(AppConfig):
    name = "echoorg.analysis"
    label = "analysis"
    verbose_name = "The ECHO case analysis"
    default_auto_field = "django.db.models.BigAutoField"
    urls = "echoorg.analysis.urls"
    api_router = "echoorg.analysis.api.router"
    demo = "echoorg.analysis.demo.demo"
    development = "echoorg.analysis.development.items"
    uptake = "echoorg.analysis.development.uptake"
    encrypted = (
        EncryptedFields(
            "analysis.CaseAnalysis", ("title_encrypted", "content_encrypted"), "case analyses"
        ),
    )
    navigation = (NavigationEntry("Case analysis", "analyses", "analysis.view", order=410),)
