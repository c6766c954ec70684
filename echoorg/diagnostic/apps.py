from django.apps import AppConfig

from echoorg.common.parts import EncryptedFields, NavigationEntry


class DiagnosticConfig(AppConfig):
    name = "echoorg.diagnostic"
    label = "diagnostic"
    verbose_name = "Culture diagnostic"
    urls = "echoorg.diagnostic.urls"
    api_router = "echoorg.diagnostic.api.router"
    demo = "echoorg.diagnostic.demo.demo"
    overview = "echoorg.diagnostic.overview.panels"
    # Answers held sealed until they are submitted (drafts) or released at close (pending).
    encrypted = (
        EncryptedFields("diagnostic.Draft", ("sealed_answers",), "survey drafts"),
        EncryptedFields("diagnostic.PendingResponse", ("sealed",), "sealed survey answers"),
    )
    navigation = (
        NavigationEntry("Culture diagnostic", "waves", "survey.view", order=100),
        NavigationEntry(
            "What staff said", "published_results", "results.read_published", order=110
        ),
    )
