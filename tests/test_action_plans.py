"""Action plans and published results (issue 10): leaders write what they heard and what
they will do about a closed wave and publish it, with the whole organisation's suppressed
figures, to every member; staff read the latest published version, and nothing else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.diagnostic import plans
from echoorg.diagnostic.models import ActionPlan, PlannedAction, PublishedPlan
from echoorg.diagnostic.results import stored_figures
from echoorg.orgs.models import Unit
from tests.test_wave_figures import close, make_wave


@pytest.fixture
def units(org):
    return [
        Unit.objects.create(organisation=org, name=name, kind="team")
        for name in ("Day care", "Home care", "Reablement")
    ]


@pytest.fixture
def wave(org, units):
    return close(make_wave(org, units, responses=60, seed=3, title="Autumn survey"))


@pytest.fixture
def people(org, units, make_person):
    return {
        role: make_person(org, role, unit=units[0])
        for role in ("leader", "facilitator", "staff", "board", "researcher", "mentor")
    }


def _plan_url(org, wave, name="wave_plan", **kw):
    return reverse(name, kwargs={"slug": org.slug, "wave_id": wave.pk, **kw})


def _action(**overrides):
    data = {
        "what": "Protect an hour a week for team supervision",
        "owner": "Head of workforce",
        "due": "2099-03-31",
        "status": "planned",
        "scale": "soothing",
    }
    return {**data, **overrides}


def _published_url(org, wave):
    return reverse("published_result", kwargs={"slug": org.slug, "wave_id": wave.pk})


def test_a_leader_writes_and_publishes_and_staff_read_it(org, wave, people, login_as):
    leader = login_as(people["leader"])
    assert (
        leader.post(_plan_url(org, wave), {"summary": "You said workload is heavy."}).status_code
        == 302
    )
    response = leader.post(_plan_url(org, wave), {"add": "1", **_action()})
    assert response.status_code == 302
    staff = login_as(people["staff"])
    assert staff.get(_published_url(org, wave)).status_code == 404  # not yet published
    assert leader.post(_plan_url(org, wave, "wave_plan_publish")).status_code == 302
    page = staff.get(_published_url(org, wave)).content.decode()
    assert "You said workload is heavy." in page
    assert "Protect an hour a week for team supervision" in page
    assert "Head of workforce" in page
    assert "version 1" in page
    listing = staff.get(reverse("published_results", kwargs={"slug": org.slug})).content.decode()
    assert "Autumn survey" in listing
    overview = staff.get(reverse("organisation", kwargs={"slug": org.slug})).content.decode()
    assert _published_url(org, wave) in overview


def test_staff_see_only_the_whole_organisation_as_leaders_see_it(org, wave, people, login_as):
    plans.save_summary(people["leader"], wave, "Heard.")
    version = plans.publish(people["leader"], wave)
    whole = stored_figures(wave).results[0]
    figures = version.figures
    assert figures["shown"] == whole.shown and figures["n"] == whole.n
    assert {row[0]: row[2] for row in figures["scales"]} == whole.means
    page = login_as(people["staff"]).get(_published_url(org, wave)).content.decode()
    for unit in ("Day care", "Home care", "Reablement"):
        assert unit not in page  # no unit's figures, not even its name


def test_a_suppressed_organisation_publishes_no_figure(org, units, people, login_as):
    small = close(make_wave(org, units[:1], responses=3, seed=5, title="Tiny survey"))
    plans.add_action(
        people["leader"],
        small,
        what="Ask again",
        owner="Leaders",
        due=dt.date(2099, 1, 1),
        status="planned",
        scale="",
    )
    version = plans.publish(people["leader"], small)
    assert version.figures["shown"] is False and version.figures["n"] is None
    assert all(row[2] is None and row[3] is None for row in version.figures["scales"])
    page = login_as(people["staff"]).get(_published_url(org, small)).content.decode()
    assert "Too few people answered" in page


def test_edits_reach_staff_only_when_published_again(org, wave, people, login_as):
    action = plans.add_action(people["leader"], wave, **_action(due=dt.date(2099, 3, 31)))
    plans.publish(people["leader"], wave)
    plans.change_action(
        people["leader"], action, **_action(due=dt.date(2099, 3, 31), status="done")
    )
    staff = login_as(people["staff"])
    assert "In progress" not in staff.get(_published_url(org, wave)).content.decode()
    assert ">Planned<" in staff.get(_published_url(org, wave)).content.decode()
    plans.publish(people["leader"], wave)
    page = staff.get(_published_url(org, wave)).content.decode()
    assert ">Done<" in page and "version 2" in page
    versions = list(PublishedPlan.objects.filter(plan__wave=wave).order_by("number"))
    assert versions[0].withdrawn is not None and versions[1].withdrawn is None


def test_unpublishing_hides_it_from_staff_and_leaders_keep_the_history(org, wave, people, login_as):
    plans.save_summary(people["leader"], wave, "Heard.")
    plans.publish(people["leader"], wave)
    leader = login_as(people["leader"])
    assert leader.post(_plan_url(org, wave, "wave_plan_unpublish")).status_code == 302
    staff = login_as(people["staff"])
    assert staff.get(_published_url(org, wave)).status_code == 404
    api = staff.get(f"/api/organisations/{org.slug}/waves/{wave.pk}/published-results")
    assert api.status_code == 404
    assert staff.get(f"/api/organisations/{org.slug}/published-results").json() == []
    history = leader.get(_plan_url(org, wave)).content.decode()
    assert "Version 1" in history and "withdrawn by" in history


def test_every_change_is_audited_with_a_label(org, wave, people):
    leader = people["leader"]
    action = plans.add_action(leader, wave, **_action(due=dt.date(2099, 3, 31)))
    plans.change_action(leader, action, **_action(due=dt.date(2099, 4, 30)))
    plans.save_summary(leader, wave, "Heard.")
    plans.publish(leader, wave)
    plans.unpublish(leader, wave)
    plans.remove_action(leader, action)
    recorded = list(
        AuditEntry.objects.filter(action__startswith="plan.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert recorded == [
        "plan.action_added",
        "plan.action_changed",
        "plan.summary_saved",
        "plan.published",
        "plan.unpublished",
        "plan.action_removed",
    ]
    changed = AuditEntry.objects.get(action="plan.action_changed")
    assert changed.detail["changed"] == ["due"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what", "", "Say what will be done."),
        ("what", "x" * 301, "at most 300 characters"),
        ("owner", "  ", "Name who owns the action"),
        ("due", "2099-02-30", "Give the due date as a date, like 2027-03-31."),
        ("due", "2020-01-01", "before the survey closed"),
        ("status", "abandoned", "Select a valid choice"),
        ("scale", "not-a-scale", "Select a valid choice"),
    ],
)
def test_a_bad_action_is_refused_with_a_clear_message_and_nothing_written(
    org, wave, people, login_as, field, value, message
):
    leader = login_as(people["leader"])
    response = leader.post(_plan_url(org, wave), {"add": "1", **_action(**{field: value})})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlannedAction.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="plan.").exists()


def test_the_new_action_form_offers_an_iso_due_date(org, wave, people, login_as):
    page = login_as(people["leader"]).get(_plan_url(org, wave)).content.decode()
    assert 'type="date"' in page
    value = re.search(r'name="due" value="([^"]+)"', page).group(1)
    assert dt.date.fromisoformat(value) > dt.date.today()


def test_a_changed_action_form_keeps_its_iso_date(org, wave, people, login_as):
    action = plans.add_action(people["leader"], wave, **_action(due=dt.date(2099, 3, 31)))
    page = login_as(people["leader"]).get(
        _plan_url(org, wave, "wave_plan_action", action_id=action.pk)
    )
    assert 'value="2099-03-31"' in page.content.decode()


def test_publishing_an_empty_plan_is_refused(org, wave, people, login_as):
    response = login_as(people["leader"]).post(_plan_url(org, wave, "wave_plan_publish"))
    assert response.status_code == 200
    assert "add at least one action before publishing" in response.content.decode()
    assert not PublishedPlan.objects.exists()


def test_a_summary_that_is_too_long_is_refused_whole(org, wave, people, login_as):
    response = login_as(people["leader"]).post(_plan_url(org, wave), {"summary": "x" * 4001})
    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_an_open_wave_has_no_plan_yet(org, units, people, login_as):
    open_wave = make_wave(org, units, responses=10, seed=9)
    leader = login_as(people["leader"])
    assert "once the wave has closed" in leader.get(_plan_url(org, open_wave)).content.decode()
    leader.post(_plan_url(org, open_wave), {"add": "1", **_action()})
    assert not ActionPlan.objects.exists()
    assert leader.get(_plan_url(org, open_wave, "wave_plan_publish")).status_code == 404


@pytest.mark.parametrize("role", ["staff", "mentor", "researcher", "board"])
def test_who_may_not_write_cannot_write_or_publish(org, wave, people, login_as, role):
    client = login_as(people[role])
    assert client.post(_plan_url(org, wave), {"add": "1", **_action()}).status_code == 403
    assert client.post(_plan_url(org, wave), {"summary": "Mine"}).status_code == 403
    assert client.post(_plan_url(org, wave, "wave_plan_publish")).status_code == 403
    assert not ActionPlan.objects.exists()


def test_a_facilitator_writes_but_only_a_leader_publishes(org, wave, people, login_as):
    facilitator = login_as(people["facilitator"])
    assert facilitator.post(_plan_url(org, wave), {"add": "1", **_action()}).status_code == 302
    assert facilitator.post(_plan_url(org, wave, "wave_plan_publish")).status_code == 403
    assert not PublishedPlan.objects.exists()


def test_another_organisation_is_refused_by_url_and_api(
    org, other_org, wave, people, make_person, login_as
):
    action = plans.add_action(people["leader"], wave, **_action(due=dt.date(2099, 3, 31)))
    plans.publish(people["leader"], wave)
    outsider = login_as(make_person(other_org, "leader"))
    for url in (
        _plan_url(org, wave),
        _plan_url(org, wave, "wave_plan_action", action_id=action.pk),
        _plan_url(org, wave, "wave_plan_publish"),
        _published_url(org, wave),
        reverse("published_results", kwargs={"slug": org.slug}),
        f"/api/organisations/{org.slug}/published-results",
        f"/api/organisations/{org.slug}/waves/{wave.pk}/published-results",
    ):
        assert outsider.get(url).status_code == 404, url
    # Nor through the outsider's own organisation with this wave's id.
    assert outsider.get(_published_url(other_org, wave)).status_code == 404
    assert (
        outsider.post(
            _plan_url(other_org, wave, "wave_plan_action", action_id=action.pk), {"remove": "1"}
        ).status_code
        == 404
    )
    assert PlannedAction.objects.filter(pk=action.pk).exists()


def test_an_action_of_another_wave_is_not_found_through_this_one(
    org, units, wave, people, login_as
):
    other = close(make_wave(org, units, responses=30, seed=4, title="Other"))
    action = plans.add_action(people["leader"], other, **_action(due=dt.date(2099, 3, 31)))
    response = login_as(people["leader"]).post(
        _plan_url(org, wave, "wave_plan_action", action_id=action.pk), {"remove": "1"}
    )
    assert response.status_code == 404
    assert PlannedAction.objects.filter(pk=action.pk).exists()


def test_the_api_gives_the_published_version(org, wave, people, login_as):
    plans.save_summary(people["leader"], wave, "Heard.")
    plans.add_action(people["leader"], wave, **_action(due=dt.date(2099, 3, 31)))
    plans.publish(people["leader"], wave)
    plans.save_summary(people["leader"], wave, "A draft staff must not see.")
    staff = login_as(people["staff"])
    listed = staff.get(f"/api/organisations/{org.slug}/published-results").json()
    assert [(p["wave_id"], p["version"], p["actions"]) for p in listed] == [(wave.pk, 1, 1)]
    got = staff.get(f"/api/organisations/{org.slug}/waves/{wave.pk}/published-results").json()
    assert got["summary"] == "Heard."
    assert got["actions"][0]["due"] == "2099-03-31"
    assert got["actions"][0]["scale"] == "soothing"
    whole = stored_figures(wave).results[0]
    assert got["respondents"] == (whole.n if whole.shown else None)
    assert {s["id"]: s["mean"] for s in got["scales"]} == whole.means


def test_text_a_leader_types_is_shown_as_text_to_everyone(org, wave, people, login_as):
    plans.save_summary(people["leader"], wave, '<script>alert("x")</script>')
    plans.add_action(
        people["leader"],
        wave,
        **_action(what="<img src=x onerror=alert(1)>", due=dt.date(2099, 3, 31)),
    )
    plans.publish(people["leader"], wave)
    page = login_as(people["staff"]).get(_published_url(org, wave)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page


def test_two_publications_number_their_versions_and_staff_see_the_last(org, wave, people):
    plans.save_summary(people["leader"], wave, "First.")
    first = plans.publish(people["leader"], wave)
    plans.save_summary(people["leader"], wave, "Second.")
    second = plans.publish(people["leader"], wave)
    assert (first.number, second.number) == (1, 2)
    assert plans.published_version(wave).summary == "Second."


def test_a_post_without_the_csrf_token_is_refused(org, wave, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["leader"])
    assert client.post(_plan_url(org, wave), {"add": "1", **_action()}).status_code == 403
    assert client.post(_plan_url(org, wave, "wave_plan_publish")).status_code == 403
    assert not ActionPlan.objects.exists()


def test_a_publication_that_fails_half_way_leaves_nothing_behind(org, wave, people, monkeypatch):
    plans.save_summary(people["leader"], wave, "Heard.")
    first = plans.publish(people["leader"], wave)

    def broken(action, **kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(plans, "record", broken)
    with pytest.raises(RuntimeError):
        plans.publish(people["leader"], wave)
    first.refresh_from_db()
    assert first.withdrawn is None  # still what staff see
    assert list(PublishedPlan.objects.values_list("number", flat=True)) == [1]
    assert plans.published_version(wave) == first


def test_a_leaders_overview_asks_for_the_plan_until_it_is_published(org, wave, people, login_as):
    overview = reverse("organisation", kwargs={"slug": org.slug})
    leader = login_as(people["leader"])
    assert _plan_url(org, wave) in leader.get(overview).content.decode()
    board = login_as(people["board"]).get(overview).content.decode()
    assert "write and publish its action plan" not in board  # the board does not write it
    plans.save_summary(people["leader"], wave, "Heard.")
    plans.publish(people["leader"], wave)
    assert "write and publish its action plan" not in leader.get(overview).content.decode()
