"""Learning from inquiries: the case library, a case, the taxonomy, the cross-inquiry view,
and the researchers' downloads."""

from django.urls import path

from . import views

urlpatterns = [
    path("o/<slug:slug>/library/", views.library_home, name="library"),
    path("o/<slug:slug>/library/taxonomy/", views.taxonomy, name="library_taxonomy"),
    path("o/<slug:slug>/library/compare/", views.compare, name="library_compare"),
    path("o/<slug:slug>/library/events/", views.events, name="library_events"),
    path("o/<slug:slug>/library/cases/<slug:case_id>/", views.case_detail, name="library_case"),
    path(
        "o/<slug:slug>/library/codebook.<str:fmt>",
        views.codebook_export,
        name="library_codebook_export",
    ),
    path("o/<slug:slug>/library/cases.<str:fmt>", views.cases_export, name="library_cases_export"),
]
