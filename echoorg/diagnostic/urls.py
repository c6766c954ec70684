"""The culture diagnostic: survey waves and their results, instruments, and answering."""

from django.urls import path

from . import take, views

urlpatterns = [
    path("o/<slug:slug>/surveys/", views.waves, name="waves"),
    path("o/<slug:slug>/surveys/new/", views.wave_new, name="wave_new"),
    path("o/<slug:slug>/surveys/trends/", views.trends, name="trends"),
    path(
        "o/<slug:slug>/surveys/conversations/<slug:guide_id>/",
        views.conversation_guide,
        name="conversation_guide",
    ),
    path("o/<slug:slug>/surveys/<int:wave_id>/", views.wave_detail, name="wave"),
    path("o/<slug:slug>/surveys/<int:wave_id>/close/", views.wave_close, name="wave_close"),
    path("o/<slug:slug>/surveys/<int:wave_id>/links/", views.wave_links, name="wave_links"),
    path("o/<slug:slug>/surveys/<int:wave_id>/import/", views.wave_import, name="wave_import"),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/import/<uuid:import_id>/",
        views.wave_import_job,
        name="wave_import_job",
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/results/", views.wave_results_page, name="wave_results"
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/results.<str:fmt>",
        views.wave_results_export,
        name="wave_results_export",
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/responses.zip",
        views.wave_rows_export,
        name="wave_rows_export",
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/comments/", views.wave_comments, name="wave_comments"
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/reliability/",
        views.wave_psychometrics,
        name="wave_psychometrics",
    ),
    # Action plans (leaders) and what is published of them (everyone).
    path("o/<slug:slug>/surveys/<int:wave_id>/plan/", views.wave_plan, name="wave_plan"),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/plan/actions/<int:action_id>/",
        views.wave_plan_action,
        name="wave_plan_action",
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/plan/publish/",
        views.wave_plan_publish,
        name="wave_plan_publish",
    ),
    path(
        "o/<slug:slug>/surveys/<int:wave_id>/plan/unpublish/",
        views.wave_plan_unpublish,
        name="wave_plan_unpublish",
    ),
    path("o/<slug:slug>/survey-results/", views.published_results, name="published_results"),
    path(
        "o/<slug:slug>/survey-results/<int:wave_id>/",
        views.published_result,
        name="published_result",
    ),
    path("o/<slug:slug>/instruments/", views.instruments, name="instruments"),
    path("o/<slug:slug>/instruments/<str:key>/", views.instrument_detail, name="instrument"),
    # Answering a survey: a person's own list, and the link-token pages.
    path("surveys/", take.my_surveys, name="my_surveys"),
    path("surveys/<int:invitation_id>/answer/", take.answer_now, name="answer_now"),
    path("s/thanks/", take.thanks, name="survey_thanks"),
    path("s/<str:token>/", take.start, name="survey_start"),
    path("s/<str:token>/<int:number>/", take.page, name="survey_page"),
]
