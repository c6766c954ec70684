"""Encrypt the TOTP secrets that older versions stored in clear.

Each secret is encrypted with the newest key in ECHOORG_ENCRYPTION_KEYS (the same vault
as speak-up text) into `totp_secret_encrypted`; the clear column is dropped by the next
migration. Going back decrypts them again.
"""

from django.conf import settings
from django.db import migrations

from echoorg.core.crypto import Vault


def encrypt_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    box = Vault(settings.ECHOORG_ENCRYPTION_KEYS)
    for user in User.objects.exclude(totp_secret="").only("pk", "totp_secret").iterator():
        User.objects.filter(pk=user.pk).update(
            totp_secret_encrypted=box.encrypt_text(user.totp_secret), totp_secret=""
        )


def decrypt_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    box = Vault(settings.ECHOORG_ENCRYPTION_KEYS)
    for user in (
        User.objects.exclude(totp_secret_encrypted=None)
        .only("pk", "totp_secret_encrypted")
        .iterator()
    ):
        User.objects.filter(pk=user.pk).update(
            totp_secret=box.decrypt_text(bytes(user.totp_secret_encrypted)),
            totp_secret_encrypted=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_totp_secret_encrypted_recoverycode"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
