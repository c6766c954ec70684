from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "echoorg.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    urls = "echoorg.accounts.urls"
