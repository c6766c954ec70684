"""Branching scenarios in the app: starting, choosing, leaving and resuming, the choice
log, the debrief (path, chart and table, outcome, library links, reflection text), audit
entries, the API, and that each person sees only their own plays. Who may reach each
page is in tests/test_authorisation_matrix.py; query budgets in tests/test_query_budgets.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.scenarios import services
from echoorg.scenarios.demo import DEMO_PATH, play_demo_scenario
from echoorg.scenarios.development import items
from echoorg.scenarios.models import ChoiceMade, Play

SCENARIO = "neonatal-unit"


@pytest.fixture
def leader(org, make_person):
    return make_person(org, "leader")


def _member(user, org):
    return user.memberships.get(organisation=org)


def _start(client, org, scenario=SCENARIO):
    response = client.post(reverse("scenario_start", args=[org.slug, scenario]))
    assert response.status_code == 302
    return Play.objects.get(pk=int(re.search(r"/plays/(\d+)/", response["Location"])[1]))


def _choose(client, org, play, index, step=None):
    step = step if step is not None else play.choices.count() + 1
    return client.post(
        reverse("scenario_play", args=[org.slug, play.pk]), {"step": step, "choice": index}
    )


def test_a_leader_plays_a_scenario_to_its_debrief(login_as, org, leader):
    client = login_as(leader)
    listing = client.get(reverse("scenarios", args=[org.slug]))
    assert "Concerns about a colleague on a neonatal unit" in listing.content.decode()
    assert "fictional composite" in listing.content.decode()
    play = _start(client, org)
    page = client.get(reverse("scenario_play", args=[org.slug, play.pk])).content.decode()
    assert "Dr Amara Osei" in page
    assert page.count('name="choice"') == 2
    assert 'name="csrfmiddlewaretoken"' in page
    assert "<script" not in page
    for index in DEMO_PATH:
        response = _choose(client, org, play, index)
        assert response.status_code == 302
    assert response["Location"] == reverse("scenario_debrief", args=[org.slug, play.pk])
    play.refresh_from_db()
    assert play.finished and play.ending and play.ending_title
    debrief = client.get(response["Location"]).content.decode()
    assert play.ending_title in debrief
    assert "<svg" in debrief and "<table" in debrief
    # The chart is read as the story's pressures, never as a score of the learner.
    assert "not a score of you" in debrief
    assert debrief.count('<tr><th scope="row">') == len(DEMO_PATH) + 1
    assert "Professional curiosity" in debrief
    assert "/library/cases/" in debrief and "#event-" in debrief
    assert "Scenario: Concerns about a colleague on a neonatal unit" in debrief


def test_every_choice_is_logged_with_the_systems_after_it(login_as, org, leader):
    client = login_as(leader)
    play = _start(client, org)
    _choose(client, org, play, 0)
    _choose(client, org, play, 2)
    rows = list(ChoiceMade.objects.filter(play=play))
    assert [(r.step, r.knot, r.choice_index) for r in rows] == [
        (1, "opening", 0),
        (2, "numbers", 2),
    ]
    assert rows[1].codes == ["silencing"]
    assert rows[1].member == _member(leader, org)
    assert rows[1].scenario == SCENARIO
    assert (rows[0].safety, rows[1].safety) == (1, -1)
    assert rows[1].text.startswith("Thank her")


def test_leaving_and_coming_back_resumes_at_the_same_decision(login_as, org, leader):
    client = login_as(leader)
    play = _start(client, org)
    _choose(client, org, play, 1)
    again = login_as(leader)  # another session, another day
    listing = again.get(reverse("scenarios", args=[org.slug])).content.decode()
    assert "Resume" in listing
    # Starting the same scenario again returns the play in progress.
    assert _start(again, org).pk == play.pk
    page = again.get(reverse("scenario_play", args=[org.slug, play.pk])).content.decode()
    assert "Decision 2" in page
    assert "One nurse, Jo Harlow" in page


def test_a_reloaded_choice_is_not_made_twice(login_as, org, leader):
    client = login_as(leader)
    play = _start(client, org)
    _choose(client, org, play, 0, step=1)
    response = _choose(client, org, play, 1, step=1)  # the same form sent again
    assert response.status_code == 302
    assert play.choices.count() == 1
    assert play.choices.get().choice_index == 0


@pytest.mark.parametrize("data", [{"step": "1", "choice": "9"}, {"step": "x", "choice": "0"}, {}])
def test_bad_choices_change_nothing_and_say_so(login_as, org, leader, data):
    client = login_as(leader)
    play = _start(client, org)
    response = client.post(reverse("scenario_play", args=[org.slug, play.pk]), data, follow=True)
    assert response.status_code == 200
    assert play.choices.count() == 0
    assert "not on offer" in response.content.decode() or "Choose one" in response.content.decode()


def test_an_unknown_scenario_is_not_found(login_as, org, leader):
    response = login_as(leader).post(reverse("scenario_start", args=[org.slug, "no-such"]))
    assert response.status_code == 404
    assert not Play.objects.exists()


def test_starts_and_finishes_are_audited(login_as, org, leader):
    client = login_as(leader)
    play = _start(client, org)
    for index in DEMO_PATH:
        _choose(client, org, play, index)
    actions = list(
        AuditEntry.objects.filter(object_id=str(play.pk)).values_list("action", flat=True)
    )
    assert actions == ["scenario.started", "scenario.finished"]
    finished = AuditEntry.objects.get(action="scenario.finished")
    assert finished.actor_id == leader.pk
    assert finished.detail["decisions"] == len(DEMO_PATH)


def test_another_person_cannot_see_or_play_someone_elses_play(
    login_as, org, other_org, leader, make_person
):
    play = _start(login_as(leader), org)
    for intruder in (
        make_person(org, "leader"),
        make_person(org, "facilitator"),
        make_person(org, "mentor"),
        make_person(other_org, "leader"),
    ):
        client = login_as(intruder)
        for name in ("scenario_play", "scenario_debrief"):
            assert client.get(reverse(name, args=[org.slug, play.pk])).status_code == 404
        assert _choose(client, org, play, 0, step=1).status_code == 404
        api = f"/api/organisations/{org.slug}/scenario-plays/{play.pk}"
        assert client.get(api).status_code == 404
        refused = client.post(
            api + "/choices", {"step": 1, "index": 0}, content_type="application/json"
        )
        assert refused.status_code == 404
        assert client.get(f"/api/organisations/{org.slug}/scenario-plays").json() in (
            [],
            {"detail": "Not found."},
        )
    assert play.choices.count() == 0


def test_staff_may_not_play(login_as, org, make_person):
    client = login_as(make_person(org, "staff"))
    assert client.get(reverse("scenarios", args=[org.slug])).status_code == 403
    assert client.post(reverse("scenario_start", args=[org.slug, SCENARIO])).status_code == 403


def test_the_api_starts_and_plays_a_scenario(login_as, org, leader):
    client = login_as(leader)
    base = f"/api/organisations/{org.slug}"
    listed = client.get(f"{base}/scenarios").json()
    assert {s["id"] for s in listed} >= {SCENARIO, "acute-ward-targets", "outsourced-placement"}
    started = client.post(
        f"{base}/scenario-plays", {"scenario": SCENARIO}, content_type="application/json"
    )
    assert started.status_code == 201
    play = started.json()
    assert len(play["options"]) == 2 and play["options"][0]["codes"] == ["professional_curiosity"]
    url = f"{base}/scenario-plays/{play['id']}/choices"
    made = client.post(url, {"step": 1, "index": 1}, content_type="application/json")
    assert made.status_code == 200
    assert made.json()["choices"][0]["knot"] == "opening"
    again = client.post(url, {"step": 1, "index": 0}, content_type="application/json")
    assert again.status_code == 409
    bad = client.post(url, {"step": 2, "index": 7}, content_type="application/json")
    assert bad.status_code == 400
    unknown = client.post(
        f"{base}/scenario-plays", {"scenario": "nope"}, content_type="application/json"
    )
    assert unknown.status_code == 400
    mine = client.get(f"{base}/scenario-plays").json()
    assert [p["id"] for p in mine] == [play["id"]]


def test_the_reflection_text_lists_the_choices_made(login_as, org, leader):
    client = login_as(leader)
    play = _start(client, org)
    _choose(client, org, play, 0)
    _choose(client, org, play, 2)
    text = services.reflection_prefill(play)
    assert "1. Clear time this morning and meet her [Professional curiosity]" in text
    assert "2. Thank her, and ask her to keep this between the two of you for now" in text
    assert "I have not finished the scenario yet." in text


def test_the_development_page_lists_played_in_progress_and_waiting(
    rf, org, leader, login_as, make_person
):
    member = _member(leader, org)
    play_demo_scenario(member)
    _start(login_as(leader), org, "acute-ward-targets")
    listed = {i.title.split(":")[0]: i for i in items(rf.get("/"), org, member)}
    assert listed["Concerns about a colleague on a neonatal unit"].status == "done"
    assert listed["Targets against care on an acute ward"].status == "in progress"
    assert listed["An outsourced placement for a child in care"].status == "waiting"
    assert listed["An outsourced placement for a child in care"].updated is None
    # Nothing of one person's plays appears on another's page.
    colleague = _member(make_person(org, "leader"), org)
    assert {i.status for i in items(rf.get("/"), org, colleague)} == {"waiting"}
    # Someone whose role does not play scenarios has no entries at all.
    assert items(rf.get("/"), org, _member(make_person(org, "staff"), org)) == []


def test_the_demo_leader_has_one_finished_scenario(demo_data):
    play = Play.objects.get(member__user__email="leader@northmoor.example")
    assert play.finished
    assert play.choices.count() == len(DEMO_PATH)
    # Loading the demo again adds nothing.
    assert play_demo_scenario(play.member) is None
