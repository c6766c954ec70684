"""The demo council's latest closed wave comes with the leaders' published plan
(fictional), which its staff account can read."""

from __future__ import annotations

from django.urls import reverse

from echoorg.diagnostic import plans


def test_the_demo_has_a_published_plan_for_its_latest_closed_wave(demo_data, client):
    from echoorg.core.demo import DOMAIN, ORG_SLUG
    from echoorg.orgs.models import Organisation

    org = Organisation.objects.get(slug=ORG_SLUG)
    latest = org.waves.filter(status="closed").order_by("-closes_on").first()
    version = plans.published_version(latest)
    assert version is not None and len(version.actions) == 4
    assert "fictional" in version.summary
    from echoorg.accounts.models import User

    client.force_login(User.objects.get(email=f"staff@{DOMAIN}"))
    page = client.get(
        reverse("published_result", kwargs={"slug": org.slug, "wave_id": latest.pk})
    ).content.decode()
    assert "Protect a weekly hour" in page
