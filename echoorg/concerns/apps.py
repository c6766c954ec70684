from django.apps import AppConfig

from echoorg.common.parts import EncryptedFields, NavigationEntry

from .navigation import queue_label


class ConcernsConfig(AppConfig):
    name = "echoorg.concerns"
    label = "concerns"
    verbose_name = "Speak up and safeguarding"
    urls = "echoorg.concerns.urls"
    api_router = "echoorg.concerns.api.router"
    demo = "echoorg.concerns.demo.demo"
    overview = "echoorg.concerns.overview.panels"
    encrypted = (
        EncryptedFields(
            "concerns.Concern",
            ("text_encrypted", "reporter_name_encrypted", "reporter_contact_encrypted"),
            "concerns",
        ),
        EncryptedFields("concerns.CaseEvent", ("note_encrypted",), "notes"),
        EncryptedFields("concerns.Message", ("body_encrypted",), "messages"),
        EncryptedFields("concerns.Attachment", ("name_encrypted", "data_encrypted"), "attachments"),
        EncryptedFields(
            "concerns.LearningCase",
            ("title_encrypted", "summary_encrypted", "timeline_encrypted"),
            "cases shared for learning",
        ),
    )
    navigation = (
        NavigationEntry("Speak up", "speak_up", "concerns.raise", order=200),
        NavigationEntry(
            "Concerns", "concerns", "concerns.handle", order=210, label_for=queue_label
        ),
        NavigationEntry("Speak-up statistics", "concern_insights", "concerns.stats", order=220),
    )
