"""Helpers shared by the diagnostic pages: the wave a URL names, and whether its
results may be shown."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from echoorg.orgs.permissions import organisation_for

from .. import services
from ..models import SurveyWave


def wave_for(request: HttpRequest, slug: str, wave_id: int, action: str):
    """The organisation and the wave a URL names, if the person may do `action` there
    (404 outside the organisation, 403 for a member whose role does not allow it)."""
    org, member = organisation_for(request.user, slug, action)
    wave = get_object_or_404(SurveyWave, pk=wave_id, organisation=org)
    return org, wave


def results_ready(wave: SurveyWave) -> bool:
    """Figures appear once a wave has closed, so no two releases can be subtracted. A wave
    closed before figures were stored at close has them computed and stored now."""
    if wave.status != SurveyWave.CLOSED:
        return False
    services.ensure_wave_figures(wave)
    return True
