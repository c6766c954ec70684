"""The demo leader's reflection: one, on a fictional incident, shared with the demo mentor,
and loading the demo again adds nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from echoorg.accounts.models import User
from echoorg.development.models import Reflection


def test_the_demo_leader_has_one_fictional_reflection_shared_with_the_mentor(demo_data):
    leader = User.objects.get(email="leader@northmoor.example")
    mentor = User.objects.get(email="mentor@northmoor.example")
    reflection = Reflection.objects.get(author=leader)
    assert "fictional" in reflection.title
    assert reflection.answers["incident_context"].startswith("This is a fictional incident")
    assert reflection.shared_with == mentor
    assert reflection.status == "shared"
    call_command("demo", "--quiet")
    assert Reflection.objects.filter(author=leader).count() == 1
    client = Client()
    client.force_login(mentor)
    page = client.get(f"/o/northmoor/development/shared/{reflection.pk}/")
    assert page.status_code == 200 and "fictional incident" in page.content.decode()
    assert Reflection.objects.count() == 1
