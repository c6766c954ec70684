from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "echoorg.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        checks.register(check_audit_keys, checks.Tags.security)


def check_audit_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start (migrate, check) with audit keys that cannot seal entries, rather
    than fail on the first write."""
    from django.conf import settings

    from echoorg.core.audit import AuditKeys

    try:
        AuditKeys(getattr(settings, "ECHOORG_AUDIT_KEYS", []))
    except ValueError as error:
        return [
            checks.Error(
                f"ECHOORG_AUDIT_KEYS: {error}.",
                id="echoorg.audit.E001",
                hint="Each key needs at least 32 random characters, for example "
                'from `python3 -c "import secrets; '
                'print(secrets.token_urlsafe(32))"`.',
            )
        ]
    return []
