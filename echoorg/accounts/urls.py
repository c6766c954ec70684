"""Logging in and out, password reset, and a person's own account page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .reset import QueuedPasswordResetForm

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/2fa/", views.login_two_factor, name="login_2fa"),
    path("logout/", views.logout_view, name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            form_class=QueuedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("account/", views.account, name="account"),
    path("account/2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("account/2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/2fa/recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
