"""The ECHO case analysis: the list, each step, the whole analysis, its PDF."""

from django.urls import path

from . import views

urlpatterns = [
    path("o/<slug:slug>/analyses/", views.analyses, name="analyses"),
    path("o/<slug:slug>/analyses/<int:analysis_id>/", views.analysis_page, name="analysis"),
    path(
        "o/<slug:slug>/analyses/<int:analysis_id>/steps/<slug:step>/",
        views.analysis_step,
        name="analysis_step",
    ),
    path(
        "o/<slug:slug>/analyses/<int:analysis_id>/analysis.pdf",
        views.analysis_pdf,
        name="analysis_pdf",
    ),
]
