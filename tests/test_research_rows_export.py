"""Issue 8, finding 21: the researchers' export (`responses.zip`) is k-anonymous on unit,
audience and background answers by default; full rows only for a researcher who records
a data-sharing agreement reference."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter

import pytest
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.core.diagnostic.kanonymity import WITHHELD
from echoorg.diagnostic.models import FullRowsRelease, SurveyWave
from echoorg.orgs.models import Organisation


@pytest.fixture
def demo_wave(demo_data):
    """The demo's latest closed wave; the demo is loaded once for this module."""
    org = Organisation.objects.get(slug="northmoor")
    wave = (
        SurveyWave.objects.filter(organisation=org, status=SurveyWave.CLOSED)
        .order_by("-pk")
        .first()
    )
    return org, wave


def _read(content: bytes) -> tuple[list[dict], list[dict], str]:
    bundle = zipfile.ZipFile(io.BytesIO(content))
    responses = list(csv.DictReader(io.StringIO(bundle.read("responses.csv").decode())))
    background = list(csv.DictReader(io.StringIO(bundle.read("background.csv").decode())))
    return responses, background, bundle.read("README.txt").decode()


def _combinations(responses: list[dict], background: list[dict]) -> Counter:
    assert [r["respondent"] for r in responses] == [b["respondent"] for b in background]
    return Counter(
        (r["unit"], *[v for k, v in b.items() if k != "respondent"])
        for r, b in zip(responses, background, strict=True)
    )


def _researcher(org: Organisation):
    return next(m.user for m in org.memberships.select_related("user") if "researcher" in m.roles)


def test_a_demo_wave_exported_by_default_has_no_combination_below_k(demo_wave, login_as):
    org, wave = demo_wave
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": wave.pk})
    reply = login_as(_researcher(org)).get(url)
    assert reply.status_code == 200
    responses, background, readme = _read(reply.content)
    assert len(responses) == wave.responses.count() > 300
    combinations = _combinations(responses, background)
    assert min(combinations.values()) >= wave.min_group
    assert "Variant: K-ANONYMOUS (k = 5)" in readme and "withheld" in readme
    # Something had to be withheld to get there: the full rows have unique combinations.
    assert any(WITHHELD in b.values() for b in background)
    entry = AuditEntry.objects.filter(action="wave.rows_exported").last()
    assert entry.detail == {"variant": "k-anonymous"}


def test_the_full_rows_need_an_agreement_reference(demo_wave, login_as):
    org, wave = demo_wave
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": wave.pk})
    client = login_as(_researcher(org))
    for bad in (
        {},
        {"agreement_reference": ""},
        {"agreement_reference": "  x "},
        {"agreement_reference": "DSA\x00-1"},
    ):
        refused = client.post(url, bad)
        assert refused.status_code == 400
        assert refused["Content-Type"].startswith("text/html")
        assert "Data-sharing agreement reference" in refused.content.decode()
    assert not FullRowsRelease.objects.exists()
    assert not AuditEntry.objects.filter(action="wave.full_rows_exported").exists()

    reply = client.post(url, {"agreement_reference": "DSA-2026-014"})
    assert reply.status_code == 200 and reply["Content-Type"] == "application/zip"
    responses, background, readme = _read(reply.content)
    assert "Variant: FULL ROWS" in readme and "DSA-2026-014" in readme
    assert not any(WITHHELD in b.values() for b in background)
    assert min(_combinations(responses, background).values()) == 1  # as the review found
    release = FullRowsRelease.objects.get()
    assert release.agreement_reference == "DSA-2026-014" and release.wave == wave
    entry = AuditEntry.objects.get(action="wave.full_rows_exported")
    assert entry.detail == {"agreement_reference": "DSA-2026-014"}
    assert entry.actor_id == release.researcher_id


def test_the_full_rows_are_refused_to_everyone_but_researchers(demo_wave, login_as, make_person):
    org, wave = demo_wave
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": wave.pk})
    page = reverse("wave", kwargs={"slug": org.slug, "wave_id": wave.pk})
    for role in ("facilitator", "leader", "board", "staff", "guardian", "mentor"):
        client = login_as(make_person(org, role))
        refused = client.post(url, {"agreement_reference": "DSA-1"})
        assert refused.status_code == 403, role
        if role in ("facilitator", "leader", "board"):  # they see the wave page, no form
            assert "Data-sharing agreement reference" not in client.get(page).content.decode()
    assert not FullRowsRelease.objects.exists()
    html = login_as(_researcher(org)).get(page).content.decode()
    assert "Data-sharing agreement reference" in html
