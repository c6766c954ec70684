"""Leader development: "My development", reflections, mentors' reading, facilitators' pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("o/<slug:slug>/development/", views.development, name="development"),
    path("o/<slug:slug>/development/reflections/new/", views.reflection_new, name="reflection_new"),
    path(
        "o/<slug:slug>/development/reflections/<int:reflection_id>/",
        views.reflection,
        name="reflection",
    ),
    path(
        "o/<slug:slug>/development/reflections/<int:reflection_id>/share/",
        views.reflection_share,
        name="reflection_share",
    ),
    path(
        "o/<slug:slug>/development/reflections/<int:reflection_id>/delete/",
        views.reflection_delete,
        name="reflection_delete",
    ),
    path("o/<slug:slug>/development/shared/", views.reflections_shared, name="reflections_shared"),
    path(
        "o/<slug:slug>/development/shared/<int:reflection_id>/",
        views.reflection_shared,
        name="reflection_shared",
    ),
    path("o/<slug:slug>/development/words/", views.reflection_words, name="reflection_words"),
    path("o/<slug:slug>/development/uptake/", views.reflection_uptake, name="reflection_uptake"),
]
