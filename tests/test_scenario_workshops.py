"""Workshop mode: a facilitator runs a scenario live while participants join with a
code and no account, vote anonymously (one vote each per decision), and the room follows
the majority or the facilitator's pick; counts under three are shown as "fewer than 3";
the debrief shows the room's path and how the votes split."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.scenarios import workshops
from echoorg.scenarios.models import Workshop, WorkshopStep, WorkshopVote
from echoorg.scenarios.workshop_views import COOKIE

SCENARIO = "outsourced-placement"


def _start(client, org) -> Workshop:
    response = client.post(reverse("workshops", args=[org.slug]), {"scenario": SCENARIO})
    assert response.status_code == 302
    return Workshop.objects.get(pk=int(re.search(r"/workshops/(\d+)/", response["Location"])[1]))


def _participant(workshop) -> Client:
    phone = Client()
    joined = phone.post(reverse("workshop_join"), {"code": workshop.code.lower()})
    assert joined.status_code == 302 and joined["Location"] == f"/w/{workshop.code}/"
    page = phone.get(joined["Location"])
    assert page.status_code == 200
    assert COOKIE in phone.cookies
    return phone


def _vote(phone, workshop, index, step=None):
    return phone.post(f"/w/{workshop.code}/", {"step": step or workshop.step, "choice": index})


def _decide(client, org, workshop, pick="majority", step=None):
    return client.post(
        reverse("workshop", args=[org.slug, workshop.pk]),
        {"step": step or workshop.step, "pick": pick},
        follow=True,
    )


def test_a_room_of_three_votes_and_follows_the_majority(login_as, org, facilitator):
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    phones = [_participant(workshop) for _ in range(3)]
    for phone, index in zip(phones, (1, 1, 0), strict=True):
        assert _vote(phone, workshop, index).status_code == 302
    # A second vote from the same phone replaces its first: still one vote each.
    _vote(phones[2], workshop, 1)
    assert WorkshopVote.objects.filter(workshop=workshop).count() == 3
    page = screen.get(reverse("workshop", args=[org.slug, workshop.pk])).content.decode()
    assert workshop.code in page
    assert "fewer than 3" in page  # the option nobody chose
    status = screen.get(reverse("workshop_status", args=[org.slug, workshop.pk])).json()
    assert status == {
        "step": 1,
        "finished": False,
        "options": ["fewer than 3", "3"],
        "total": "3 or more",
    }
    _decide(screen, org, workshop)
    step = WorkshopStep.objects.get(workshop=workshop)
    assert (step.choice_index, step.decided_by, step.votes) == (1, "majority", [0, 3])
    # The individual votes are gone once the room has decided; only the counts stay.
    assert not WorkshopVote.objects.filter(workshop=workshop).exists()
    workshop.refresh_from_db()
    assert workshop.step == 2
    assert phones[0].get(f"/w/{workshop.code}/status.json").json() == {
        "step": 2,
        "finished": False,
    }


def test_a_tie_or_an_empty_room_needs_the_facilitator(login_as, org, facilitator):
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    page = _decide(screen, org, workshop).content.decode()
    assert "Nobody has voted yet" in page
    a, b = _participant(workshop), _participant(workshop)
    _vote(a, workshop, 0)
    _vote(b, workshop, 1)
    assert "The votes are tied" in _decide(screen, org, workshop).content.decode()
    assert not WorkshopStep.objects.exists()
    _decide(screen, org, workshop, pick="0")
    assert WorkshopStep.objects.get().decided_by == "facilitator"


def test_stale_and_bad_votes_change_nothing(login_as, org, facilitator):
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    phone = _participant(workshop)
    _vote(phone, workshop, 7)  # no such option
    _vote(phone, workshop, 0, step=5)  # not the current step
    phone.post(f"/w/{workshop.code}/", {"step": "x", "choice": "y"})
    assert not WorkshopVote.objects.exists()
    _decide(screen, org, workshop, pick="0")
    _decide(screen, org, workshop, pick="1", step=1)  # the form sent again
    assert WorkshopStep.objects.count() == 1


def test_votes_are_never_linked_to_a_person(login_as, org, facilitator):
    fields = {f.name for f in WorkshopVote._meta.get_fields()}
    assert fields == {"id", "workshop", "step", "participant", "choice_index"}
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    phone = _participant(workshop)
    _vote(phone, workshop, 0, step=1)
    token = phone.cookies[COOKIE].value
    stored = WorkshopVote.objects.get()
    assert stored.participant != token and token not in stored.participant
    assert stored.participant == workshops.participant_of(workshop, token)
    # The participant's pages make no session.
    assert "sessionid" not in phone.cookies
    # Nothing of the vote reaches the audit trail.
    assert not AuditEntry.objects.filter(action__startswith="workshop.vote").exists()


def test_a_whole_workshop_ends_in_a_debrief_with_the_room_s_path(login_as, org, facilitator):
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    phones = [_participant(workshop) for _ in range(4)]
    while not workshop.finished:
        for phone in phones:
            _vote(phone, workshop, 0)
        _decide(screen, org, workshop)
        workshop.refresh_from_db()
    assert workshop.steps.count() >= 12
    debrief = screen.get(reverse("workshop_debrief", args=[org.slug, workshop.pk]))
    text = debrief.content.decode()
    assert workshop.ending_title in text
    assert "4 votes" in text and "fewer than 3 votes" in text
    assert "the room&#x27;s majority" in text or "the room's majority" in text
    assert "<svg" in text and "<table" in text
    room = phones[0].get(f"/w/{workshop.code}/").content.decode()
    assert "The scenario has ended" in room
    # A finished workshop takes no more votes and no one new can join it.
    assert _vote(phones[0], workshop, 0).status_code == 302
    assert not WorkshopVote.objects.filter(workshop=workshop).exists()
    assert Client().post(reverse("workshop_join"), {"code": workshop.code}).status_code == 400
    actions = set(
        AuditEntry.objects.filter(object_id=str(workshop.pk)).values_list("action", flat=True)
    )
    assert actions == {"workshop.started", "workshop.finished"}


@pytest.mark.parametrize("code", ["", "NOPE", "ABCDEF", "x" * 500])
def test_a_wrong_code_says_so(db, code):
    response = Client().post(reverse("workshop_join"), {"code": code})
    assert response.status_code == 400
    assert "No running workshop has that code" in response.content.decode()
    assert Client().get(f"/w/{code or 'ABCDEF'}/").status_code == 404


def test_only_facilitators_run_workshops(login_as, org, other_org, facilitator, make_person):
    workshop = _start(login_as(facilitator), org)
    for person in (make_person(org, "leader"), make_person(org, "staff")):
        client = login_as(person)
        assert client.get(reverse("workshops", args=[org.slug])).status_code == 403
        assert client.get(reverse("workshop", args=[org.slug, workshop.pk])).status_code == 403
    outsider = login_as(make_person(other_org, "facilitator"))
    assert outsider.get(reverse("workshop", args=[org.slug, workshop.pk])).status_code == 404
    assert outsider.get(reverse("workshop", args=[other_org.slug, workshop.pk])).status_code == 404


def test_the_api_gives_the_room_s_path_with_small_counts_hidden(login_as, org, facilitator):
    screen = login_as(facilitator)
    workshop = _start(screen, org)
    for _ in range(3):
        _vote(_participant(workshop), workshop, 0)
    _decide(screen, org, workshop)
    found = screen.get(f"/api/organisations/{org.slug}/workshops/{workshop.pk}").json()
    assert found["code"] == workshop.code and found["step"] == 2
    assert found["steps"][0]["votes"] == ["3", "fewer than 3"]
    assert found["steps"][0]["decided_by"] == "majority"
    listed = screen.get(f"/api/organisations/{org.slug}/workshops").json()
    assert [w["id"] for w in listed] == [workshop.pk]
