"""Branching scenarios: the list, starting one, a play (and resuming it), its debrief; and
workshop mode, for a facilitator and a room of participants."""

from django.urls import path

from . import views, workshop_views

urlpatterns = [
    path("o/<slug:slug>/scenarios/", views.scenario_list, name="scenarios"),
    path(
        "o/<slug:slug>/scenarios/<slug:scenario_id>/start/",
        views.scenario_start,
        name="scenario_start",
    ),
    path("o/<slug:slug>/scenarios/plays/<int:play_id>/", views.play, name="scenario_play"),
    path(
        "o/<slug:slug>/scenarios/plays/<int:play_id>/debrief/",
        views.debrief,
        name="scenario_debrief",
    ),
    # Workshop mode: the facilitator's shared screen, and participants' pages (no account).
    path("o/<slug:slug>/workshops/", workshop_views.workshop_list, name="workshops"),
    path("o/<slug:slug>/workshops/<int:workshop_id>/", workshop_views.workshop, name="workshop"),
    path(
        "o/<slug:slug>/workshops/<int:workshop_id>/status.json",
        workshop_views.workshop_status,
        name="workshop_status",
    ),
    path(
        "o/<slug:slug>/workshops/<int:workshop_id>/debrief/",
        workshop_views.workshop_debrief,
        name="workshop_debrief",
    ),
    path("w/", workshop_views.workshop_join, name="workshop_join"),
    path("w/<str:code>/", workshop_views.workshop_room, name="workshop_room"),
    path(
        "w/<str:code>/status.json", workshop_views.workshop_room_status, name="workshop_room_status"
    ),
]
