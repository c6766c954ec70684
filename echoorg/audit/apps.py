from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "echoorg.audit"
    label = "audit"
    verbose_name = "Audit trail"
