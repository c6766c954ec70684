"""Speak up: the reporter's pages and the guardians' case handling."""

from django.urls import path

from . import learning_views, views
from . import report_views as speakup

urlpatterns = [
    path("speak-up/", speakup.speak_up_index, name="speak_up_index"),
    path("speak-up/<slug:slug>/ways/", speakup.speak_up_ways, name="speak_up_ways"),
    path("speak-up/<slug:slug>/", speakup.speak_up, name="speak_up"),
    path("speak-up/<slug:slug>/received/", speakup.received, name="speak_up_received"),
    path("speak-up/<slug:slug>/follow-up/", speakup.follow_up, name="speak_up_follow_up"),
    path("speak-up/<slug:slug>/case/", speakup.reporter_case, name="speak_up_case"),
    path(
        "speak-up/<slug:slug>/files/<int:attachment_id>/",
        speakup.reporter_attachment,
        name="speak_up_attachment",
    ),
    path("concerns/mine/", speakup.my_concerns, name="my_concerns"),
    path("o/<slug:slug>/my-concerns/<str:reference>/", speakup.my_concern, name="my_concern"),
    path("o/<slug:slug>/concerns/", views.queue, name="concerns"),
    path("o/<slug:slug>/concerns/import/", views.import_page, name="concern_import"),
    path("o/<slug:slug>/concerns/clocks/", views.clock_settings, name="concern_settings"),
    path("o/<slug:slug>/concerns/statistics/", views.insights_page, name="concern_insights"),
    path("o/<slug:slug>/concerns/return/", views.quarterly_return, name="concern_return"),
    path("o/<slug:slug>/concerns/case/<str:reference>/", views.case, name="concern"),
    path(
        "o/<slug:slug>/concerns/case/<str:reference>/guardian/",
        views.case_guardian,
        name="concern_guardian",
    ),
    path(
        "o/<slug:slug>/concerns/case/<str:reference>/learning/",
        learning_views.share_for_learning,
        name="concern_learning",
    ),
    path(
        "o/<slug:slug>/concerns/case/<str:reference>/files/<int:attachment_id>/",
        views.attachment,
        name="concern_attachment",
    ),
]
