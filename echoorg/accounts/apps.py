from django.apps import AppConfig

from echoorg.common.parts import EncryptedFields


class AccountsConfig(AppConfig):
    name = "echoorg.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    urls = "echoorg.accounts.urls"
    # Two-factor secrets share the vault's keys, so they rotate with them.
    encrypted = (
        EncryptedFields("accounts.User", ("totp_secret_encrypted",), "two-factor secrets"),
    )
