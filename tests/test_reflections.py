"""Guided critical reflection: writing and autosaving, privacy (author, mentor share,
everyone else refused), the reflection aid's word lists, uptake counts, encryption at
rest, the API, and the "My development" page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from echoorg.audit.models import AuditEntry
from echoorg.core.development.reflection_aid import default_word_lists
from echoorg.development import services
from echoorg.development.models import Reflection, ReflectionComment, WordLists
from echoorg.orgs.models import Unit

SECRET = "The ward sister told me about the bruises on Tuesday"


@pytest.fixture
def people(org, make_person):
    return {
        "author": make_person(org, "leader"),
        "other_leader": make_person(org, "leader"),
        "facilitator": make_person(org, "facilitator"),
        "mentor": make_person(org, "mentor"),
        "other_mentor": make_person(org, "mentor"),
        "staff": make_person(org, "staff"),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reflection(org, people) -> Reflection:
    started = services.start_reflection(
        people["author"], org, title="Tuesday's handover", incident=SECRET
    )
    return started


def _url(org, name: str, reflection: Reflection | None = None) -> str:
    args = [org.slug] + ([reflection.pk] if reflection is not None else [])
    return reverse(name, args=args)


def _form(reflection: Reflection, **answers) -> dict:
    data = {"title": "Tuesday's handover", "revision": str(reflection.revision)}
    data.update({f"answer_{k}": v for k, v in answers.items()})
    return data


# -- writing --------------------------------------------------------------------------


def test_a_leader_starts_a_reflection_and_lands_on_it(org, people):
    client = _client(people["author"])
    response = client.post(
        _url(org, "reflection_new"), {"title": "  The Friday  meeting ", "incident": SECRET}
    )
    created = Reflection.objects.get(author=people["author"])
    assert response.status_code == 302
    assert response["Location"] == _url(org, "reflection", created)
    assert created.title == "The Friday meeting"
    assert created.answers == {"incident_account": SECRET}
    page = client.get(response["Location"])
    assert SECRET in page.content.decode()
    assert AuditEntry.objects.filter(action="reflection.started", object_id=str(created.pk))


def test_starting_without_a_title_is_refused_and_writes_nothing(org, people):
    response = _client(people["author"]).post(_url(org, "reflection_new"), {"title": "  \u200b "})
    assert response.status_code == 400
    assert "Give the reflection a title" in response.content.decode()
    assert not Reflection.objects.exists()


def test_the_save_button_saves_without_javascript(org, people, reflection):
    client = _client(people["author"])
    response = client.post(
        _url(org, "reflection", reflection),
        _form(reflection, incident_account=SECRET, grid_before="unsafe_certainty"),
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.answers == {"incident_account": SECRET, "grid_before": "unsafe_certainty"}
    assert reflection.revision == 1
    page = client.get(response["Location"]).content.decode()
    assert "Saved at" in page


def test_autosave_answers_json_with_the_time_and_the_aid(org, people, reflection):
    client = _client(people["author"])
    response = client.post(
        _url(org, "reflection", reflection),
        _form(reflection, curiosity_most_at_risk="The children at risk on the ward"),
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1
    assert len(body["saved_at"]) == 5 and body["saved_at"][2] == ":"
    assert "questions answered" in body["aid_html"]
    reflection.refresh_from_db()
    assert reflection.answers["curiosity_most_at_risk"] == "The children at risk on the ward"


def test_a_save_from_a_stale_window_is_refused_not_merged(org, people, reflection):
    client = _client(people["author"])
    url = _url(org, "reflection", reflection)
    first = _form(reflection, incident_why="Written in window one")
    stale = _form(reflection, incident_why="Written in window two")
    assert client.post(url, first, headers={"X-Autosave": "1"}).status_code == 200
    response = client.post(url, stale, headers={"X-Autosave": "1"})
    assert response.status_code == 409
    assert "another window" in response.json()["problems"][0]
    page = client.post(url, stale)
    assert page.status_code == 409
    assert "Written in window two" in page.content.decode()  # kept on the page to copy
    reflection.refresh_from_db()
    assert reflection.answers["incident_why"] == "Written in window one"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Give the reflection a title"),
        ({"answer_grid_after": "on_the_fence"}, "Choose one of the four positions"),
        ({"answer_incident_why": "x" * 20_001}, "characters long"),
        ({"revision": "not a number"}, "another window"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_written(
    org, people, reflection, data, message
):
    form = _form(reflection, incident_account="Changed")
    form.update(data)
    response = _client(people["author"]).post(
        _url(org, "reflection", reflection), form, headers={"X-Autosave": "1"}
    )
    assert response.status_code in (400, 409)
    assert message in " ".join(response.json()["problems"])
    reflection.refresh_from_db()
    assert reflection.answers == {"incident_account": SECRET}
    assert reflection.revision == 0


def test_finishing_and_reopening(org, people, reflection):
    client = _client(people["author"])
    url = _url(org, "reflection", reflection)
    client.post(url, {**_form(reflection), "action": "finish"})
    reflection.refresh_from_db()
    assert reflection.finished_at is not None and reflection.status == "done"
    client.post(url, {**_form(reflection), "action": "reopen"})
    reflection.refresh_from_db()
    assert reflection.finished_at is None and reflection.status == "in progress"


def test_deleting_asks_first_then_removes_it(org, people, reflection):
    client = _client(people["author"])
    url = _url(org, "reflection_delete", reflection)
    assert "cannot be undone" in client.get(url).content.decode()
    client.post(url, {})  # without the confirmation nothing happens
    assert Reflection.objects.filter(pk=reflection.pk).exists()
    response = client.post(url, {"confirm": "delete"})
    assert response["Location"] == _url(org, "development")
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert AuditEntry.objects.filter(action="reflection.deleted").count() == 1


# -- privacy --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_leader", "facilitator", "mentor", "staff"])
def test_nobody_else_reads_a_private_reflection_by_url_or_api(org, people, reflection, who):
    client = _client(people[who])
    for url in (
        _url(org, "reflection", reflection),
        _url(org, "reflection_shared", reflection),
        _url(org, "reflection_delete", reflection),
        f"/api/organisations/{org.slug}/reflections/{reflection.pk}",
        f"/api/organisations/{org.slug}/shared-reflections/{reflection.pk}",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), (who, url, response.status_code)
        assert SECRET not in response.content.decode()
    for url in (_url(org, "reflection", reflection), _url(org, "reflection_share", reflection)):
        response = client.post(url, {**_form(reflection), "mentor": people["mentor"].pk})
        assert response.status_code in (403, 404)
    put = client.put(
        f"/api/organisations/{org.slug}/reflections/{reflection.pk}",
        {"title": "Taken over", "answers": {}},
        content_type="application/json",
    )
    assert put.status_code in (403, 404)
    reflection.refresh_from_db()
    assert reflection.title == "Tuesday's handover" and reflection.shared_with_id is None


def test_another_leader_gets_not_found_rather_than_forbidden(org, people, reflection):
    # A leader may write reflections, so a refusal must not say that this one exists.
    client = _client(people["other_leader"])
    assert client.get(_url(org, "reflection", reflection)).status_code == 404
    api = client.get(f"/api/organisations/{org.slug}/reflections/{reflection.pk}")
    assert api.status_code == 404
    assert client.get(f"/api/organisations/{org.slug}/reflections").json() == []


def test_a_member_of_another_organisation_finds_nothing(
    org, other_org, people, make_person, reflection
):
    outsider = make_person(other_org, "leader", "mentor", "facilitator")
    client = _client(outsider)
    assert client.get(_url(org, "reflection", reflection)).status_code == 404
    # Nor by changing the slug to their own organisation.
    assert client.get(_url(other_org, "reflection", reflection)).status_code == 404
    api = client.get(f"/api/organisations/{other_org.slug}/reflections/{reflection.pk}")
    assert api.status_code == 404


def test_sharing_lets_that_mentor_read_and_comment_and_nobody_else(org, people, reflection):
    author = _client(people["author"])
    response = author.post(
        _url(org, "reflection_share", reflection),
        {"action": "share", "mentor": people["mentor"].pk},
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.shared_with_id == people["mentor"].pk
    mentor = _client(people["mentor"])
    page = mentor.get(_url(org, "reflection_shared", reflection))
    assert page.status_code == 200 and SECRET in page.content.decode()
    api = mentor.get(f"/api/organisations/{org.slug}/shared-reflections/{reflection.pk}")
    assert api.json()["answers"]["incident_account"] == SECRET
    listed = mentor.get(f"/api/organisations/{org.slug}/shared-reflections").json()
    assert [r["id"] for r in listed] == [reflection.pk]
    # The mentor still cannot edit it through the author's page.
    assert mentor.get(_url(org, "reflection", reflection)).status_code == 403
    comment = mentor.post(
        _url(org, "reflection_shared", reflection), {"comment": "What did she say?"}
    )
    assert comment.status_code == 302
    assert "What did she say?" in author.get(_url(org, "reflection", reflection)).content.decode()
    for who in ("other_mentor", "other_leader", "facilitator"):
        refused = _client(people[who]).get(_url(org, "reflection_shared", reflection))
        assert refused.status_code in (403, 404)
    actions = list(
        AuditEntry.objects.filter(object_id=str(reflection.pk)).values_list("action", flat=True)
    )
    assert {"reflection.shared", "reflection.read_by_mentor", "reflection.commented"} <= set(
        actions
    )


def test_stopping_the_share_closes_the_mentors_door(org, people, reflection):
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    _client(people["author"]).post(_url(org, "reflection_share", reflection), {"action": "unshare"})
    reflection.refresh_from_db()
    assert reflection.shared_with_id is None
    assert (
        _client(people["mentor"]).get(_url(org, "reflection_shared", reflection)).status_code == 404
    )
    assert AuditEntry.objects.filter(action="reflection.unshared").count() == 1


@pytest.mark.parametrize("who", ["other_leader", "facilitator", "staff", "author", "nobody"])
def test_sharing_only_with_a_mentor_of_the_organisation(
    org, other_org, make_person, people, reflection, who
):
    target = {
        "nobody": "12345678",
        **{k: str(v.pk) for k, v in people.items()},
    }[who]
    response = _client(people["author"]).post(
        _url(org, "reflection_share", reflection),
        {"action": "share", "mentor": target},
        follow=True,
    )
    assert "Choose a mentor from the list" in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.shared_with_id is None
    outside_mentor = make_person(other_org, "mentor")
    with pytest.raises(services.ReflectionError):
        services.share_reflection(people["author"], reflection, outside_mentor.pk)


def test_a_mentor_who_loses_the_role_loses_the_reflection(org, people, reflection):
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    membership = people["mentor"].memberships.get()
    membership.roles = ["staff"]
    membership.save()
    assert (
        _client(people["mentor"]).get(_url(org, "reflection_shared", reflection)).status_code == 403
    )
    # The author still sees with whom it is shared, and can stop sharing.
    page = _client(people["author"]).get(_url(org, "reflection", reflection)).content.decode()
    assert f"Shared with <strong>{people['mentor'].full_name}</strong>" in page


def test_audit_entries_never_hold_the_reflections_words(org, people, reflection):
    services.save_reflection(
        people["author"],
        reflection,
        title="Secret title",
        answers={"incident_why": SECRET},
        revision=0,
    )
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    services.add_comment(people["mentor"], reflection, "A private comment")
    services.unshare_reflection(people["author"], reflection)
    for entry in AuditEntry.objects.all():
        dumped = str(entry.detail)
        assert SECRET not in dumped and "Secret title" not in dumped
        assert "private comment" not in dumped


def test_the_organisations_audit_page_does_not_name_who_reflected(org, people, reflection):
    """Facilitators read the organisation's audit trail; it must not undo the uptake
    page's suppression by listing who started, shared or deleted a reflection."""
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    services.note_mentor_read(people["mentor"], reflection)
    services.unshare_reflection(people["author"], reflection)
    page = _client(people["facilitator"]).get(reverse("audit", args=[org.slug])).content.decode()
    assert people["author"].full_name not in page
    assert people["author"].email not in page
    personal = AuditEntry.objects.filter(action__startswith="reflection.")
    assert personal.count() == 4
    assert all(
        e.organisation_id is None and e.detail["in_organisation"] == org.pk for e in personal
    )


def test_reflection_text_is_not_in_the_database_in_plain_text(org, people, reflection):
    services.save_reflection(
        people["author"],
        reflection,
        title="Plainly secret title",
        answers={"incident_account": SECRET, "incident_why": "Ünïcode wörds matter"},
        revision=0,
    )
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    services.add_comment(people["mentor"], reflection, "Mentor's plainly secret comment")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Reflection._meta.db_table}")
        rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {ReflectionComment._meta.db_table}")
        rows += cursor.fetchall()
    dump = repr(rows).encode() + b"".join(
        bytes(v) for row in rows for v in row if isinstance(v, bytes | memoryview)
    )
    for plain in (SECRET, "Plainly secret title", "Ünïcode", "plainly secret comment", "bruises"):
        assert plain.encode() not in dump
        assert plain.encode("utf-16-le") not in dump
    assert Reflection.objects.get().answers["incident_account"] == SECRET


def test_rotating_the_keys_reencrypts_reflections(org, people, reflection, settings):
    from echoorg.common.crypto import _vault
    from echoorg.concerns.keys import rotate_all
    from echoorg.core.crypto import new_key

    before = bytes(Reflection.objects.get().answers_encrypted)
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key(), *settings.ECHOORG_ENCRYPTION_KEYS]
    _vault.cache_clear()
    counts = rotate_all()
    assert counts["reflections"] == 2  # the title and the answers
    stored = Reflection.objects.get()
    assert bytes(stored.answers_encrypted) != before
    assert stored.answers == {"incident_account": SECRET}


# -- the word lists -------------------------------------------------------------------


def test_the_aid_and_its_word_lists_show_on_the_draft(org, people, reflection):
    page = _client(people["author"]).get(_url(org, "reflection", reflection)).content.decode()
    assert "describes <strong>the text of this draft</strong>, never you" in page
    assert "safeguard*" in page  # a shipped entry, shown
    assert "questions answered" in page


def test_a_facilitator_edits_the_word_lists_and_the_change_is_audited(org, people, reflection):
    client = _client(people["facilitator"])
    url = _url(org, "reflection_words")
    lists = client.get(url).content.decode()
    assert "reputation*" in lists
    current = {w.id: "\n".join(w.entries) for w in services.word_lists_for(org)}
    current["at_risk"] = "pupil*\nlearners\nat risk"
    response = client.post(url, current)
    assert response.status_code == 302
    stored = WordLists.objects.get(organisation=org)
    assert stored.entries == {"at_risk": ["pupil*", "learners", "at risk"]}
    entry = AuditEntry.objects.get(action="reflection.word_lists_changed")
    assert entry.detail["lists"] == ["at_risk"] and entry.detail["entries"] == {"at_risk": 3}
    # The author's aid now counts the organisation's words.
    services.save_reflection(
        people["author"],
        reflection,
        title="T",
        answers={"incident_why": "Two pupils at risk"},
        revision=0,
    )
    page = _client(people["author"]).get(_url(org, "reflection", reflection)).content.decode()
    assert "pupil* (1)" in page and "at risk (1)" in page


def test_restoring_the_shipped_lists(org, people):
    client = _client(people["facilitator"])
    url = _url(org, "reflection_words")
    client.post(url, {"at_risk": "pupil*", "reputation": "", "blame": "", "self_protection": ""})
    assert WordLists.objects.get(organisation=org).entries["at_risk"] == ["pupil*"]
    client.post(url, {"action": "restore", "at_risk": "ignored"})
    assert WordLists.objects.get(organisation=org).entries == {}
    assert services.word_lists_for(org) == default_word_lists()
    assert AuditEntry.objects.filter(action="reflection.word_lists_changed").count() == 2


def test_a_bad_word_list_is_refused_and_nothing_is_saved(org, people):
    client = _client(people["facilitator"])
    response = client.post(
        _url(org, "reflection_words"),
        {"at_risk": "children\nbl*ah", "reputation": "press", "blame": "", "self_protection": ""},
    )
    assert response.status_code == 400
    assert "line 2: &#x27;bl*ah&#x27; is not a word or phrase" in response.content.decode()
    assert not WordLists.objects.exists()
    assert not AuditEntry.objects.filter(action="reflection.word_lists_changed").exists()


def test_saving_unchanged_lists_records_nothing(org, people):
    current = {w.id: "\n".join(w.entries) for w in services.word_lists_for(org)}
    _client(people["facilitator"]).post(_url(org, "reflection_words"), current)
    assert not AuditEntry.objects.filter(action="reflection.word_lists_changed").exists()


@pytest.mark.parametrize("who", ["author", "mentor", "staff"])
def test_only_facilitators_edit_the_word_lists(org, people, who):
    response = _client(people[who]).post(_url(org, "reflection_words"), {"at_risk": "x"})
    assert response.status_code == 403
    assert not WordLists.objects.exists()


# -- uptake for facilitators ----------------------------------------------------------


def test_uptake_hides_units_with_fewer_than_five_people(org, make_person):
    big = Unit.objects.create(organisation=org, name="Big team", kind="team")
    small = Unit.objects.create(organisation=org, name="Small team", kind="team")
    for unit, n in ((big, 6), (small, 2)):
        for _ in range(n):
            leader = make_person(org, "leader", unit=unit)
            services.start_reflection(leader, org, title="Mine")
    # A second reflection by the same person counts once.
    services.start_reflection(leader, org, title="Another")
    rows = {(r.unit.name if r.unit else None): r.people for r in services.uptake(org).rows}
    assert rows["Small team"] is None
    # Showing the big team beside the organisation's total would reveal the small team
    # by subtraction, so one more figure goes: the big team's (the total, 8, stays).
    assert rows["Big team"] is None
    assert rows[None] == 8


def test_uptake_shows_the_total_when_every_group_is_large_enough(org, make_person):
    team = Unit.objects.create(organisation=org, name="Team", kind="team")
    for _ in range(5):
        services.start_reflection(make_person(org, "leader", unit=team), org, title="Mine")
    facilitator = make_person(org, "facilitator")
    page = _client(facilitator).get(_url(org, "reflection_uptake")).content.decode()
    assert "Mine" not in page
    api = _client(facilitator).get(f"/api/organisations/{org.slug}/reflection-uptake").json()
    assert api["min_group"] == 5
    assert {r["unit"]: r["people"] for r in api["rows"]} == {None: 5, "Team": 5}
    assert api["tools"] == ["Case analyses", "Reflections", "Scenarios"]
    # Nobody has analysed a case: a zero says something about everyone, so it is hidden.
    assert {r["unit"]: r["by_tool"]["Case analyses"] for r in api["rows"]} == {
        None: None,
        "Team": None,
    }


def test_uptake_counts_each_tool_in_its_own_suppressed_column(org, make_person):
    """Case analyses and scenarios are counted like reflections, each protected on its
    own; the worked example is nobody's analysis."""
    from echoorg.analysis.services import start as start_analysis
    from echoorg.orgs.models import Membership
    from echoorg.scenarios.services import start_play

    team = Unit.objects.create(organisation=org, name="Team", kind="team")
    small = Unit.objects.create(organisation=org, name="Small", kind="team")
    for _ in range(6):
        person = make_person(org, "leader", unit=team)
        start_analysis(person, org, source="own", title="Mine")
        start_play(
            person, org, Membership.objects.get(user=person, organisation=org), "neonatal-unit"
        )
    loner = make_person(org, "leader", unit=small)
    start_play(loner, org, Membership.objects.get(user=loner, organisation=org), "neonatal-unit")
    found = services.uptake(org)
    column = {tool: i for i, tool in enumerate(found.tools)}
    by_unit = {(r.unit.name if r.unit else None): r.counts for r in found.rows}
    assert by_unit[None][column["Case analyses"]] == 6
    assert by_unit[None][column["Scenarios"]] == 7
    # One scenario player alone in a team (and no analysis there): hidden, and the big
    # team beside the total goes too, column by column.
    for tool in ("Case analyses", "Scenarios"):
        assert by_unit["Small"][column[tool]] is None
        assert by_unit["Team"][column[tool]] is None
    assert by_unit[None][column["Reflections"]] is None  # nobody reflected: zero hidden
    # With the small team gone, the big team's figures show.
    small.delete()
    found = services.uptake(org)
    by_unit = {(r.unit.name if r.unit else None): r.counts for r in found.rows}
    assert by_unit["Team"][column["Case analyses"]] == 6
    facilitator = make_person(org, "facilitator")
    page = _client(facilitator).get(_url(org, "reflection_uptake")).content.decode()
    assert "Case analyses" in page and "Scenarios" in page and "Mine" not in page


def test_uptake_of_a_few_reflections_shows_no_numbers(org, people, reflection):
    page = _client(people["facilitator"]).get(_url(org, "reflection_uptake")).content.decode()
    assert "Hidden (small group)" in page
    assert "Tuesday" not in page


# -- from a scenario ------------------------------------------------------------------


def test_from_scenario_is_skipped_cleanly_without_the_scenarios_app(org, people, monkeypatch):
    monkeypatch.setattr(services.apps, "is_installed", lambda name: False)
    response = _client(people["author"]).get(_url(org, "reflection_new") + "?from_scenario=7")
    assert response.status_code == 200
    assert "Filled in from the scenario" not in response.content.decode()


def _played(org, user):
    """`user`'s play of the neonatal scenario with its first choice made."""
    from echoorg.orgs.models import Membership
    from echoorg.scenarios import services as scenarios

    member = Membership.objects.get(organisation=org, user=user)
    play = scenarios.start_play(user, org, member, "neonatal-unit")
    scenarios.make_choice(user, play, 1, 0)
    play.refresh_from_db()
    return play


def test_from_scenario_prefills_the_incident_of_ones_own_play(org, people):
    """The text comes from the scenarios app's reflection_prefill(play), and only for the
    person's own play in this organisation."""
    from django.utils.html import escape

    from echoorg.scenarios.services import reflection_prefill

    own, others = _played(org, people["author"]), _played(org, people["other_leader"])
    first_line = reflection_prefill(own).splitlines()[0]
    assert first_line
    client = _client(people["author"])
    page = client.get(_url(org, "reflection_new") + f"?from_scenario={own.pk}").content.decode()
    assert "Filled in from the scenario" in page and escape(first_line) in page
    for other in (str(others.pk), str(own.pk + others.pk + 100), "not-a-number"):
        page = client.get(_url(org, "reflection_new") + f"?from_scenario={other}").content.decode()
        assert "Filled in from the scenario" not in page


# -- the API --------------------------------------------------------------------------


def test_the_api_creates_reads_and_updates_ones_own_reflection(org, people):
    client = _client(people["author"])
    base = f"/api/organisations/{org.slug}/reflections"
    created = client.post(
        base,
        {
            "title": "By the API",
            "answers": {"incident_account": SECRET, "grid_before": "safe_certainty"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["answers"]["incident_account"] == SECRET
    assert body["aid"]["answered"] == 2
    read = client.get(f"{base}/{body['id']}").json()
    assert read["title"] == "By the API"
    updated = client.put(
        f"{base}/{body['id']}",
        {"title": "Renamed", "answers": {"incident_why": "Because"}, "revision": read["revision"]},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert updated.json()["answers"] == {"incident_why": "Because"}
    stale = client.put(
        f"{base}/{body['id']}",
        {"title": "Again", "answers": {}, "revision": read["revision"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert [r["title"] for r in client.get(base).json()] == ["Renamed"]


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "", "answers": {}},
        {"title": "Fine", "answers": {"grid_before": "middle"}},
        {"title": "Fine", "answers": {"unknown_prompt": "x"}},
    ],
)
def test_the_api_refuses_bad_input_and_writes_nothing(org, people, payload):
    response = _client(people["author"]).post(
        f"/api/organisations/{org.slug}/reflections", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["problems"]
    assert not Reflection.objects.exists()
    assert not AuditEntry.objects.filter(action="reflection.started").exists()


# -- My development ---------------------------------------------------------------------


def test_my_development_lists_ones_own_work_and_what_waits(org, people, reflection):
    services.start_reflection(people["other_leader"], org, title="Someone else's")
    page = _client(people["author"]).get(_url(org, "development")).content.decode()
    assert "Tuesday&#x27;s handover" in page
    assert "Someone else" not in page
    fresh = _client(people["other_leader"])
    Reflection.objects.filter(author=people["other_leader"]).delete()
    assert (
        "Start a guided critical reflection" in fresh.get(_url(org, "development")).content.decode()
    )


def test_a_mentor_sees_what_was_shared_with_them_on_their_page(org, people, reflection):
    services.share_reflection(people["author"], reflection, people["mentor"].pk)
    page = _client(people["mentor"]).get(_url(org, "development")).content.decode()
    assert "Reflection shared with you" in page and "Tuesday" in page
    other = _client(people["other_mentor"]).get(_url(org, "development")).content.decode()
    assert "Tuesday" not in other


def test_the_overview_links_to_my_development(org, people):
    page = _client(people["author"]).get(reverse("organisation", args=[org.slug])).content.decode()
    assert _url(org, "development") in page
    nav = (
        _client(people["facilitator"])
        .get(reverse("organisation", args=[org.slug]))
        .content.decode()
    )
    assert _url(org, "reflection_uptake") in nav
    assert f'href="{_url(org, "development")}"' not in nav
