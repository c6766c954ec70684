"""Organisations: the home page, the overview, units, people, settings and the audit trail."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/switch/", views.switch, name="switch_organisation"),
    path("o/<slug:slug>/", views.organisation, name="organisation"),
    path("o/<slug:slug>/units/", views.units, name="units"),
    path("o/<slug:slug>/units/import/", views.units_import, name="units_import"),
    path("o/<slug:slug>/units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("o/<slug:slug>/people/", views.people, name="people"),
    path("o/<slug:slug>/people/<int:member_id>/", views.person, name="person"),
    path("o/<slug:slug>/settings/", views.settings_page, name="org_settings"),
    path("o/<slug:slug>/audit/", views.audit_trail, name="audit"),
]
