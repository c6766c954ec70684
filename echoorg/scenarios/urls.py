"""Branching scenarios: the list, starting one, a play (and resuming it), its debrief."""

from django.urls import path

from . import views

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
]
