"""The guardian's queue on stored clock figures (issues 9 and 10): the figures equal a fresh
review and follow every write; triage order, lists, search and pages; giving a case to a
guardian; the same number of queries at any size."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from echoorg.audit.models import AuditEntry
from echoorg.concerns import services
from echoorg.concerns.importing import import_cases
from echoorg.concerns.insights import quarterly, summaries
from echoorg.concerns.models import CaseClocks, CaseEvent, Concern
from echoorg.concerns.navigation import overdue_count
from echoorg.core.concerns.clocks import CLOCK_LABELS, Case, Event, review_case
from echoorg.core.concerns.metrics import current_quarter, quarter_dates
from echoorg.core.concerns.simulate import simulate_cases
from echoorg.orgs.models import Unit


@pytest.fixture
def guardian(org, make_person):
    return make_person(org, "guardian")


def _import(org, make_person, n: int, seed: int = 3) -> None:
    teams = [Unit.objects.create(organisation=org, name=f"Team {i}").name for i in range(6)]
    leaders = [make_person(org, "leader").email for _ in range(3)]
    cases = simulate_cases(teams, leaders, seed, timezone.localdate(), n=n)
    import_cases(None, org, "cases.json", json.dumps(cases).encode(), source=Concern.IMPORT)


def _fresh(concern: Concern, today: dt.date):
    events = [Event(e.type, e.date) for e in CaseEvent.objects.filter(concern=concern)]
    policy = services.read_policy(concern.organisation).as_core()
    case = Case(concern.reference, concern.risk_of_harm, events)
    return review_case(case, today, policy, received_on=concern.received_on)


def _assert_stored_equals_fresh(concern: Concern) -> None:
    today = services.today_for(concern.organisation)
    stored = services.figures_of(CaseClocks.objects.get(concern=concern))
    fresh = _fresh(concern, today)
    assert stored.deadlines() == fresh.deadlines, concern.reference
    assert stored.next_clock() == fresh.next_clock, concern.reference
    assert stored.analysis(today) == fresh.analysis, concern.reference


def _raise(org, *, risk=False, received_on=None):
    return services.raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=[],
        risk_of_harm=risk,
        text="Something is wrong.",
        received_on=received_on,
        with_receipt=False,
    ).concern


# --- The stored figures ------------------------------------------------------------------


def test_stored_figures_equal_a_fresh_review_for_random_cases(org, make_person, guardian):
    _import(org, make_person, 120, seed=11)
    rng = random.Random(5)
    today = timezone.localdate()
    concerns = list(Concern.objects.filter(organisation=org))
    # More steps on a random sample, through the services, as guardians would add them.
    for concern in rng.sample(concerns, 30):
        kind = rng.choice(["acknowledged", "feedback_given", "detriment_check", "reopened"])
        day = max(concern.received_on, today - dt.timedelta(days=rng.randint(0, 40)))
        try:
            services.add_event(guardian, concern, type=kind, date=day)
        except Exception:  # a reopening before any conclusion is refused: fine here
            continue
    for concern in Concern.objects.filter(organisation=org):
        _assert_stored_equals_fresh(concern)


def test_raising_a_concern_stores_its_figures(org):
    concern = _raise(org, risk=True)
    row = CaseClocks.objects.get(concern=concern)
    assert row.tier == 0 and row.in_queue and row.acknowledged_on is None
    assert row.next_label == CLOCK_LABELS["protection"]
    _assert_stored_equals_fresh(concern)


def test_every_step_updates_the_figures(org, guardian):
    concern = _raise(org, received_on=timezone.localdate() - dt.timedelta(days=2))
    assert CaseClocks.objects.get(concern=concern).tier == 2
    services.add_event(guardian, concern, type="acknowledged", date=timezone.localdate())
    row = CaseClocks.objects.get(concern=concern)
    assert row.acknowledged_on == timezone.localdate() and row.tier == 4
    assert row.handling_label == CLOCK_LABELS["feedback"]
    services.add_event(
        guardian,
        concern,
        type="assessed",
        date=timezone.localdate(),
        detail={"harm_risk": "high", "detriment_risk": "low"},
    )
    row = CaseClocks.objects.get(concern=concern)
    assert row.risk_of_harm and row.tier == 1  # protection clock now runs
    services.report_detriment(concern)
    assert CaseClocks.objects.get(concern=concern).detriment_reported
    _assert_stored_equals_fresh(concern)


def test_changing_the_clocks_recomputes_every_case(org, make_person, guardian):
    _import(org, make_person, 40)
    before = dict(CaseClocks.objects.values_list("concern_id", "acknowledge_due"))
    services.change_clocks(
        guardian,
        org,
        acknowledge_days=14,
        feedback_months=3,
        protection_working_days=1,
        min_group=5,
    )
    after = dict(CaseClocks.objects.values_list("concern_id", "acknowledge_due"))
    assert all(after[pk] == before[pk] + dt.timedelta(days=7) for pk in before)
    for concern in Concern.objects.filter(organisation=org)[:10]:
        _assert_stored_equals_fresh(concern)


def test_importing_stores_the_figures_of_every_case(org, make_person):
    _import(org, make_person, 60)
    assert CaseClocks.objects.filter(organisation=org).count() == 60


def test_missing_or_day_dependent_figures_are_computed_when_read(org, make_person, guardian):
    _import(org, make_person, 20)
    CaseClocks.objects.filter(organisation=org)[:1].get().delete()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    odd = _raise(org)
    CaseEvent.objects.create(concern=odd, type="acknowledged", date=tomorrow)  # out of range
    services.recompute(odd)
    assert CaseClocks.objects.get(concern=odd).out_of_range
    assert CaseClocks.objects.get(concern=odd).recheck_on == tomorrow
    services.queue(org, guardian)
    assert CaseClocks.objects.filter(organisation=org).count() == 21
    # The next day, the out-of-range case is computed again by the refresh command.
    services.refresh(today=tomorrow)
    row = CaseClocks.objects.get(concern=odd)
    assert row.computed_on == tomorrow and not row.out_of_range


def test_the_refresh_command_runs(org, make_person, capsys):
    _import(org, make_person, 5)
    call_command("concerns", "refresh", "--all")
    assert "Computed the clock figures of 5 cases." in capsys.readouterr().out


def test_statistics_and_the_return_read_the_stored_figures(org, make_person):
    _import(org, make_person, 80)
    today = timezone.localdate()
    every = summaries(org)
    assert len(every) == 80
    year, quarter = current_quarter(today)
    start, end = quarter_dates(year, quarter)
    in_quarter = Concern.objects.filter(organisation=org, received_on__range=(start, end))
    assert len(summaries(org, (start, end))) == in_quarter.count()
    assert quarterly(org, year, quarter)["total"] == in_quarter.count()
    by_reference = {c.reference: c for c in Concern.objects.filter(organisation=org)}
    fresh = sorted(
        (c.received_on, json.dumps(_fresh(c, today).analysis, sort_keys=True))
        for c in by_reference.values()
    )
    stored = sorted((s.received, json.dumps(s.analysis, sort_keys=True)) for s in every)
    assert stored == fresh


# --- The queue ---------------------------------------------------------------------------


def _rows(client, org, **query) -> list[str]:
    response = client.get(reverse("concerns", kwargs={"slug": org.slug}), query)
    assert response.status_code == 200
    return [r["concern"].reference for r in response.context["rows"]]


def test_a_new_risk_of_harm_case_among_150_others_is_on_row_one(
    org, make_person, guardian, login_as
):
    _import(org, make_person, 150)
    assert CaseClocks.objects.filter(organisation=org, followup_due__lt=timezone.localdate())
    urgent = _raise(org, risk=True)
    assert _rows(login_as(guardian), org)[0] == urgent.reference


def test_follow_up_checks_are_their_own_list_never_the_top_of_the_queue(
    org, make_person, guardian, login_as
):
    _import(org, make_person, 150)
    client = login_as(guardian)
    checks = CaseClocks.objects.filter(organisation=org, in_queue=False, followup_due__isnull=False)
    assert checks.exists()
    queued = _rows(client, org)
    assert not set(queued) & {c.concern.reference for c in checks}
    followup = client.get(reverse("concerns", kwargs={"slug": org.slug}), {"tab": "followup"})
    dues = [r["due"] for r in followup.context["rows"]]
    assert dues == sorted(dues)
    assert b"Detriment check" in followup.content


def test_the_lists(org, make_person, guardian, login_as):
    _import(org, make_person, 60)
    client = login_as(guardian)
    today = timezone.localdate()
    new = _raise(org)
    risky = _raise(org, risk=True)
    services.assign_guardian(guardian, org, new, guardian)
    assert _rows(client, org, tab="mine") == [new.reference]
    assert set(_rows(client, org, tab="new")) >= {new.reference, risky.reference}
    for reference in _rows(client, org, tab="new"):
        row = CaseClocks.objects.get(concern__reference=reference, organisation=org)
        assert row.acknowledged_on is None and not row.closed
    at_risk = _rows(client, org, tab="risk")
    assert at_risk[0] == risky.reference
    assert all(
        CaseClocks.objects.get(concern__reference=r, organisation=org).risk_of_harm for r in at_risk
    )
    for reference in _rows(client, org, tab="overdue"):
        row = CaseClocks.objects.get(concern__reference=reference, organisation=org)
        assert row.handling_due < today
    for reference in _rows(client, org, tab="feedback"):
        assert (
            CaseClocks.objects.get(concern__reference=reference, organisation=org).feedback_on
            is None
        )
    # An unknown list is the open queue.
    assert _rows(client, org, tab="nonsense") == _rows(client, org)


def test_search_by_reference_finds_concluded_cases_too(org, make_person, guardian, login_as):
    _import(org, make_person, 60)
    concluded = CaseClocks.objects.filter(organisation=org, closed=True).first().concern
    client = login_as(guardian)
    assert _rows(client, org, q=concluded.reference) == [concluded.reference]
    assert _rows(client, org, q="no-such-reference") == []
    assert _rows(client, org, q="x" * 5000) == []  # cut to 40 characters, no error


def test_pages_of_fifty(org, make_person, guardian, login_as):
    _import(org, make_person, 140)
    client = login_as(guardian)
    seen = []
    for page in (1, 2, 3):
        seen += _rows(client, org, q="SIM", page=page)
    assert len(seen) == 140 == len(set(seen))
    assert seen == sorted(seen)
    assert len(_rows(client, org, q="SIM", page=1)) == 50
    response = client.get(reverse("concerns", kwargs={"slug": org.slug}), {"q": "SIM", "page": 2})
    assert b'aria-label="Pages of this list"' in response.content
    assert b"Page 2 of 3" in response.content
    assert b"Showing 51 to 100 of 140 cases." in response.content
    # Past the end, or not a number: the nearest page there is.
    assert _rows(client, org, q="SIM", page=99) == _rows(client, org, q="SIM", page=3)
    assert _rows(client, org, q="SIM", page="abc") == _rows(client, org, q="SIM", page=1)


def test_the_navigation_badge_counts_overdue_cases_in_the_queue(org, make_person):
    _import(org, make_person, 80)
    expected = CaseClocks.objects.filter(
        organisation=org, in_queue=True, handling_due__lt=timezone.localdate()
    ).count()
    assert overdue_count(org) == expected


# --- Giving a case to a guardian ----------------------------------------------------------


def _give(client, org, concern, guardian_id):
    return client.post(
        reverse("concern_guardian", kwargs={"slug": org.slug, "reference": concern.reference}),
        {"guardian": guardian_id if guardian_id is not None else ""},
    )


def test_a_guardian_gives_a_case_to_another_guardian(org, make_person, guardian, login_as):
    other = make_person(org, "guardian")
    concern = _raise(org)
    response = _give(login_as(guardian), org, concern, other.pk)
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.guardian == other
    entry = AuditEntry.objects.filter(action="concern.guardian_assigned").get()
    assert entry.actor == guardian
    assert _rows(login_as(other), org, tab="mine") == [concern.reference]
    assert _give(login_as(guardian), org, concern, None).status_code == 302
    concern.refresh_from_db()
    assert concern.guardian is None


def test_only_guardians_of_the_same_organisation_can_have_a_case(
    org, other_org, make_person, guardian, login_as
):
    leader = make_person(org, "leader")
    outsider_guardian = make_person(other_org, "guardian")
    concern = _raise(org)
    client = login_as(guardian)
    for candidate in (leader, outsider_guardian):
        response = _give(client, org, concern, candidate.pk)
        assert response.status_code == 302
        concern.refresh_from_db()
        assert concern.guardian is None
    assert not AuditEntry.objects.filter(action="concern.guardian_assigned").exists()
    with pytest.raises(Exception, match="organisation's guardians"):
        services.assign_guardian(guardian, org, concern, leader)


def test_giving_a_case_needs_the_guardian_role_in_that_organisation(
    org, other_org, make_person, guardian, login_as
):
    concern = _raise(org)
    assert _give(login_as(make_person(org, "leader")), org, concern, guardian.pk).status_code == 403
    outsider = make_person(other_org, "guardian")
    assert _give(login_as(outsider), org, concern, outsider.pk).status_code == 404
    concern.refresh_from_db()
    assert concern.guardian is None
    get = login_as(guardian).get(
        reverse("concern_guardian", kwargs={"slug": org.slug, "reference": concern.reference})
    )
    assert get.status_code == 405


def test_the_case_page_shows_the_status_at_a_glance(org, guardian, login_as):
    concern = _raise(org, risk=True)
    response = login_as(guardian).get(
        reverse("concern", kwargs={"slug": org.slug, "reference": concern.reference})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Status at a glance" in text
    assert f"Next: <strong>{CLOCK_LABELS['protection']}</strong>" in text
    assert "Give the case" in text


# --- Queries do not grow with the number of cases -----------------------------------------


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(
    "query",
    [{}, {"tab": "new"}, {"tab": "mine"}, {"tab": "followup"}, {"q": "SIM-01"}, {"page": "3"}],
)
def test_the_queue_lists_make_the_same_queries_at_any_size(
    org, make_person, guardian, login_as, scale, query, django_assert_max_num_queries
):
    _import(org, make_person, 20 * scale)
    client = login_as(guardian)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("concerns", kwargs={"slug": org.slug}), query)
    assert response.status_code == 200


@pytest.mark.parametrize("scale", [1, 10])
def test_the_badge_is_one_query_at_any_size(org, make_person, scale, django_assert_num_queries):
    _import(org, make_person, 20 * scale)
    with django_assert_num_queries(1):
        overdue_count(org)


def test_statistics_computed_once_follow_every_change(org, make_person, guardian):
    from echoorg.concerns.insights import insights

    _import(org, make_person, 30)
    before = insights(org)["overall"]["cases"]
    concern = _raise(org)
    assert insights(org)["overall"]["cases"] == before + 1
    ward = Unit.objects.create(organisation=org, name="Ward 7")
    services.assign(guardian, org, concern, ward, None)
    assert "Ward 7" in [g["group"] for g in insights(org)["groups"]]
    ward.name = "Ward 8"  # a unit renamed elsewhere in echoorg
    ward.save()
    assert "Ward 8" in [g["group"] for g in insights(org)["groups"]]


def test_the_api_list_reads_the_stored_figures_and_says_its_page(org, make_person, guardian):
    from django.test import Client

    from echoorg.accounts.models import ApiToken

    _import(org, make_person, 30)
    _, token = ApiToken.issue(guardian, "t")
    response = Client().get(
        f"/api/organisations/{org.slug}/concerns",
        {"limit": 10, "offset": 5},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    body = response.json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (30, 10, 5, 10)
    today = timezone.localdate()
    for item in body["items"]:
        concern = Concern.objects.get(organisation=org, reference=item["reference"])
        assert item["analysis"] == json.loads(json.dumps(_fresh(concern, today).analysis))
    schema = Client().get("/api/openapi.json").json()
    page = schema["components"]["schemas"]["ConcernPageOut"]["properties"]
    assert {"count", "limit", "offset", "items"} <= set(page)
