from django.contrib.auth import views as auth_views
from django.urls import path

from echoorg.accounts import views as accounts
from echoorg.accounts.reset import QueuedPasswordResetForm
from echoorg.concerns import report_views as speakup
from echoorg.concerns import views as concerns
from echoorg.diagnostic import take
from echoorg.diagnostic import views as diagnostic
from echoorg.orgs import views as orgs

from . import views
from .api import api

handler403 = "echoorg.web.views.error_403"
handler404 = "echoorg.web.views.error_404"
handler500 = "echoorg.web.views.error_500"

urlpatterns = [
    path("", orgs.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", accounts.login_view, name="login"),
    path("login/2fa/", accounts.login_two_factor, name="login_2fa"),
    path("logout/", accounts.logout_view, name="logout"),
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
    path("account/", accounts.account, name="account"),
    path("account/2fa/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/disable/", accounts.two_factor_disable, name="two_factor_disable"),
    path("account/2fa/recovery-codes/", accounts.recovery_codes, name="recovery_codes"),
    path("account/2fa/recovery-codes/new/", accounts.recovery_codes_new,
         name="recovery_codes_new"),
    path("account/tokens/", accounts.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("organisations/new/", orgs.organisation_new, name="organisation_new"),
    path("organisations/switch/", orgs.switch, name="switch_organisation"),
    path("o/<slug:slug>/", orgs.organisation, name="organisation"),
    path("o/<slug:slug>/units/", orgs.units, name="units"),
    path("o/<slug:slug>/units/import/", orgs.units_import, name="units_import"),
    path("o/<slug:slug>/units/<int:unit_id>/", orgs.unit_detail, name="unit"),
    path("o/<slug:slug>/people/", orgs.people, name="people"),
    path("o/<slug:slug>/people/<int:member_id>/", orgs.person, name="person"),
    path("o/<slug:slug>/settings/", orgs.settings_page, name="org_settings"),
    path("o/<slug:slug>/audit/", orgs.audit_trail, name="audit"),
    path("o/<slug:slug>/surveys/", diagnostic.waves, name="waves"),
    path("o/<slug:slug>/surveys/new/", diagnostic.wave_new, name="wave_new"),
    path("o/<slug:slug>/surveys/trends/", diagnostic.trends, name="trends"),
    path("o/<slug:slug>/surveys/<int:wave_id>/", diagnostic.wave_detail, name="wave"),
    path("o/<slug:slug>/surveys/<int:wave_id>/import/", diagnostic.wave_import,
         name="wave_import"),
    path("o/<slug:slug>/surveys/<int:wave_id>/import/<uuid:import_id>/",
         diagnostic.wave_import_job, name="wave_import_job"),
    path("o/<slug:slug>/surveys/<int:wave_id>/results/", diagnostic.wave_results_page,
         name="wave_results"),
    path("o/<slug:slug>/surveys/<int:wave_id>/results.<str:fmt>",
         diagnostic.wave_results_export, name="wave_results_export"),
    path("o/<slug:slug>/surveys/<int:wave_id>/responses.zip", diagnostic.wave_rows_export,
         name="wave_rows_export"),
    path("o/<slug:slug>/surveys/<int:wave_id>/reliability/", diagnostic.wave_psychometrics,
         name="wave_psychometrics"),
    path("o/<slug:slug>/instruments/", diagnostic.instruments, name="instruments"),
    path("o/<slug:slug>/instruments/<str:key>/", diagnostic.instrument_detail,
         name="instrument"),
    path("surveys/", take.my_surveys, name="my_surveys"),
    path("surveys/<int:invitation_id>/answer/", take.answer_now, name="answer_now"),
    path("s/thanks/", take.thanks, name="survey_thanks"),
    path("s/<str:token>/", take.start, name="survey_start"),
    path("s/<str:token>/<int:number>/", take.page, name="survey_page"),
    path("speak-up/<slug:slug>/", speakup.speak_up, name="speak_up"),
    path("speak-up/<slug:slug>/follow-up/", speakup.follow_up, name="speak_up_follow_up"),
    path("speak-up/<slug:slug>/case/", speakup.reporter_case, name="speak_up_case"),
    path("speak-up/<slug:slug>/files/<int:attachment_id>/", speakup.reporter_attachment,
         name="speak_up_attachment"),
    path("concerns/mine/", speakup.my_concerns, name="my_concerns"),
    path("o/<slug:slug>/my-concerns/<str:reference>/", speakup.my_concern, name="my_concern"),
    path("o/<slug:slug>/concerns/", concerns.queue, name="concerns"),
    path("o/<slug:slug>/concerns/import/", concerns.import_page, name="concern_import"),
    path("o/<slug:slug>/concerns/clocks/", concerns.clock_settings, name="concern_settings"),
    path("o/<slug:slug>/concerns/statistics/", concerns.insights_page,
         name="concern_insights"),
    path("o/<slug:slug>/concerns/return/", concerns.quarterly_return, name="concern_return"),
    path("o/<slug:slug>/concerns/case/<str:reference>/", concerns.case, name="concern"),
    path("o/<slug:slug>/concerns/case/<str:reference>/files/<int:attachment_id>/",
         concerns.attachment, name="concern_attachment"),
    path("api/", api.urls),
]
