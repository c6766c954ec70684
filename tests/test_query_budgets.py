"""Query budgets of every page and API operation (issues 9 and 10).

Each URL and API operation of the authorisation matrix (tests/test_authorisation_matrix.py)
is requested by each role the matrix allows, once with the demo organisation loaded and
once with ten times the demo (6,000 people in ten times as many teams, 2,000 concerns and
every member invited to every wave). The number of queries must stay within the route's
budget below, and be the same at both sizes: a page whose queries grow with people, units
or cases fails here.

A new URL or API operation in the matrix gets a test here by itself, and fails until its
budget (the count measured at demo size) is written into BUDGETS.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from echoorg.accounts.models import User
from echoorg.concerns.models import Concern
from echoorg.concerns.report_views import SESSION_KEY
from echoorg.concerns.services import add_attachment, add_event, raise_concern, send_message
from echoorg.core.demo import DOMAIN, ORG_SLUG
from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.core.roles import ROLES
from echoorg.development.models import Reflection
from echoorg.diagnostic.models import Invitation, SurveyWave
from echoorg.diagnostic.results import forget_stored_figures
from echoorg.diagnostic.services import answered_count
from echoorg.orgs.models import Membership, Organisation
from tests.test_authorisation_matrix import (
    API,
    NOBODY_ELSE,
    PAGE_POSTS,
    PAGES,
    PUBLIC,
    Context,
    Rule,
    _outcome,
    _request,
)
from tests.test_speak_up import solved

# The most queries each route may make, measured at demo size; the same number holds at
# ten times the demo. One line per route: when a change makes a page cheaper or dearer,
# update its line to the new measured count (the failure message gives it).
BUDGETS: dict[str, int] = {
    "GET home": 8,
    "GET healthz": 1,
    "GET login": 0,
    "GET login_2fa": 0,
    "POST logout": 0,
    "GET password_reset": 0,
    "GET password_reset_done": 0,
    "GET password_reset_confirm": 1,
    "GET password_reset_complete": 0,
    "GET account": 7,
    "GET two_factor_setup": 8,
    "POST two_factor_disable": 3,
    "GET recovery_codes": 2,
    "GET recovery_codes_new": 2,
    "POST token_create": 12,
    "POST token_revoke": 10,
    "GET organisation_new": 6,
    "POST switch_organisation": 9,
    "GET organisation": 22,
    "GET units": 9,
    "GET units_import": 6,
    "GET unit": 13,
    "GET people": 10,
    "GET person": 9,
    "GET org_settings": 6,
    "GET audit": 10,
    "GET waves": 7,
    "GET wave_new": 8,
    "GET trends": 14,
    "GET wave": 15,
    "GET wave_import": 8,
    "GET wave_import_job": 8,
    # 17: finding the previous wave of the same instrument and reading its figures (cold)
    # for each scale's comparison add three.
    "GET wave_results": 17,
    "GET conversation_guide": 6,
    "GET wave_results_export": 15,
    "GET wave_rows_export": 14,
    "GET wave_psychometrics": 12,
    "GET wave_comments": 13,
    "GET instruments": 7,
    "GET instrument": 7,
    "GET my_surveys": 6,
    "POST answer_now": 6,
    "GET survey_start": 3,
    "GET survey_page": 2,
    "GET survey_thanks": 0,
    "GET speak_up": 2,
    "GET speak_up_follow_up": 1,
    "GET speak_up_case": 10,
    "GET speak_up_attachment": 6,
    "GET my_concerns": 6,
    "GET my_concern": 11,
    "GET concerns": 13,
    "GET concern_import": 9,
    "GET concern_settings": 13,
    "GET concern_insights": 11,
    "GET concern_return": 13,
    "GET concern": 27,
    "GET concern_attachment": 14,
    "POST units": 9,
    "POST unit": 14,
    "POST units_import": 6,
    "POST people": 10,
    "POST person": 9,
    "POST org_settings": 6,
    "POST organisation_new": 6,
    "POST wave": 6,
    "POST wave_new": 8,
    "POST wave_import": 8,
    "POST wave_rows_export": 8,
    "POST instruments": 7,
    "POST speak_up": 2,
    "POST speak_up_follow_up": 1,
    "POST concern": 22,
    "POST concern_import": 9,
    "POST concern_settings": 13,
    "GET /api/organisations": 5,
    "GET /api/organisations/{slug}": 5,
    "GET /api/organisations/{slug}/units": 6,
    "POST /api/organisations/{slug}/units": 16,
    "POST /api/organisations/{slug}/units/import": 6,
    "GET /api/organisations/{slug}/memberships": 7,
    "POST /api/organisations/{slug}/memberships": 5,
    "GET /api/organisations/{slug}/memberships/{member_id}": 7,
    "GET /api/openapi.json": 0,
    "GET /api/organisations/{slug}/instruments": 6,
    "GET /api/organisations/{slug}/instruments/{key}": 6,
    "GET /api/organisations/{slug}/waves": 8,
    "POST /api/organisations/{slug}/waves": 17,
    "POST /api/organisations/{slug}/waves/{wave_id}/imports": 6,
    "GET /api/organisations/{slug}/waves/{wave_id}/imports/{import_id}": 8,
    "GET /api/organisations/{slug}/waves/{wave_id}": 8,
    "POST /api/organisations/{slug}/waves/{wave_id}/responses": 17,
    "GET /api/organisations/{slug}/waves/{wave_id}/results": 10,
    "GET /api/organisations/{slug}/concerns": 9,
    "GET /api/organisations/{slug}/concerns/{reference}": 15,
    "POST /api/organisations/{slug}/concerns/{reference}/events": 8,
    "POST /api/organisations/{slug}/concerns-import": 15,
    "GET /api/organisations/{slug}/concerns-statistics": 10,
    "GET library": 6,
    "GET library_case": 6,
    "GET library_cases_export": 5,
    "GET library_codebook_export": 5,
    "GET library_compare": 6,
    "GET library_events": 6,
    "GET library_taxonomy": 7,
    "GET scenarios": 7,
    "GET scenario_play": 8,
    "GET scenario_debrief": 9,
    "POST scenario_start": 14,
    "POST scenario_play": 14,
    "GET /api/organisations/{slug}/scenarios": 5,
    "GET /api/organisations/{slug}/scenario-plays": 6,
    "POST /api/organisations/{slug}/scenario-plays": 16,
    "GET /api/organisations/{slug}/scenario-plays/{play_id}": 8,
    "POST /api/organisations/{slug}/scenario-plays/{play_id}/choices": 15,
    "GET /api/organisations/{slug}/workshops": 6,
    "GET /api/organisations/{slug}/workshops/{workshop_id}": 7,
    "GET workshops": 7,
    "GET workshop": 8,
    "GET workshop_status": 7,
    "GET workshop_debrief": 8,
    "GET workshop_join": 0,
    "GET workshop_room": 2,
    "GET workshop_room_status": 1,
    "POST workshops": 7,
    "POST workshop": 12,
    "POST workshop_join": 0,
    "POST workshop_room": 1,
    "GET speak_up_index": 1,
    "GET speak_up_received": 2,
    "GET speak_up_ways": 3,
    "GET wave_close": 6,
    "GET wave_links": 12,
    "POST concern_guardian": 16,
    "POST library_taxonomy": 7,
    "POST wave_close": 6,
    "POST wave_links": 12,
    "GET concern_learning": 10,
    "POST concern_learning": 10,
    "GET analyses": 8,
    "GET analysis": 8,
    "GET analysis_pdf": 6,
    "GET analysis_step": 7,
    "POST analyses": 8,
    "POST analysis": 9,
    "POST analysis_step": 7,
    "GET /api/organisations/{slug}/analyses": 6,
    "POST /api/organisations/{slug}/analyses": 5,
    "GET /api/organisations/{slug}/analyses/{analysis_id}": 6,
    "POST /api/organisations/{slug}/analyses/{analysis_id}/steps/{step}": 6,
    "GET wave_plan": 10,
    "GET wave_plan_action": 8,
    "GET wave_plan_publish": 13,
    "POST wave_plan_unpublish": 18,
    "GET published_results": 7,
    "GET published_result": 8,
    "POST wave_plan": 10,
    "POST wave_plan_action": 8,
    "POST wave_plan_publish": 25,
    "GET /api/organisations/{slug}/published-results": 6,
    "GET /api/organisations/{slug}/waves/{wave_id}/published-results": 7,
    # Changes made with valid data (WRITES, below).
    "POST people: add a person": 23,
    "POST person: change roles": 19,
    "POST units: add a team": 19,
    "POST wave_new: set up a wave": 16,
    "POST speak_up: raise a concern": 25,
    "POST concern: record a step": 24,
    "POST /api/organisations/{slug}/concerns/{reference}/events: record a step": 22,
    "POST analysis_step: save a step": 15,
    "POST analyses: start an analysis": 13,
    "POST concern_learning: share a concluded case": 18,
    "POST wave_plan: add an action": 19,
    "POST wave_plan: save what we heard": 18,
    # Leader development (issue 12).
    "GET development": 9,
    "GET reflection_new": 6,
    "GET reflection": 11,
    "POST reflection_share": 14,
    "GET reflection_delete": 7,
    "GET reflections_shared": 8,
    "GET reflection_shared": 14,
    "GET reflection_words": 7,
    "GET reflection_uptake": 10,
    "POST reflection_new": 6,
    "POST reflection": 12,
    "POST reflection_delete": 7,
    "POST reflection_shared": 9,
    "POST reflection_words": 7,
    "GET /api/organisations/{slug}/reflections": 6,
    "POST /api/organisations/{slug}/reflections": 20,
    "GET /api/organisations/{slug}/reflections/{reflection_id}": 7,
    "PUT /api/organisations/{slug}/reflections/{reflection_id}": 11,
    "GET /api/organisations/{slug}/shared-reflections": 7,
    "GET /api/organisations/{slug}/shared-reflections/{reflection_id}": 12,
    "GET /api/organisations/{slug}/reflection-uptake": 9,
    "POST reflection_new: start a reflection": 13,
    "POST reflection: save a draft": 10,
    "POST reflection_share: share with a mentor": 17,
    "POST reflection_words: change a word list": 21,
}

# Routes that belong to a wave still collecting answers through echoorg's links, and to
# one collecting by import from another tool; the others use the last closed wave, whose
# results are computed and stored.
OPEN_WAVE_ROUTES = frozenset({"GET survey_start", "GET survey_page"})
IMPORT_WAVE_ROUTES = frozenset(
    {
        "GET wave_import",
        "GET wave_import_job",
        "POST wave_import",
        "POST /api/organisations/{slug}/waves/{wave_id}/imports",
        "GET /api/organisations/{slug}/waves/{wave_id}/imports/{import_id}",
        "POST /api/organisations/{slug}/waves/{wave_id}/responses",
    }
)
# Routes about a file a concern carries; the others use the demo's long composite case.
ATTACHMENT_ROUTES = frozenset({"GET concern_attachment", "GET speak_up_attachment"})
# Reached with a receipt code (a session holding the case), not with a role.
RECEIPT_ROUTES = frozenset({"GET speak_up_case", "GET speak_up_attachment"})

SCALES = (1, 10)

# Under pytest-xdist (make test keeps each module on one worker), one worker loads the
# demos for the module.
pytestmark = pytest.mark.xdist_group("query_budgets")


def _own_open_invitation(demo: Demo, context: Context) -> str:
    """The person's invitation to the open wave, not yet answered."""
    invitation = Invitation.objects.get(wave=demo.open_wave, user=context.user)
    assert not invitation.completed
    return reverse("answer_now", kwargs={"invitation_id": invitation.pk})


def _file_for_the_reporter(demo: Demo, context: Context) -> str:
    """A file the guardian sent to the reporter."""
    attachment = context.concern.attachments.get(from_reporter=False)
    return reverse(
        "speak_up_attachment", kwargs={"slug": context.slug, "attachment_id": attachment.pk}
    )


# Where the matrix's URL would pick an object by chance (an invitation already answered, a
# file the reporter sent), the object each budget is measured with.
URLS: dict[str, Callable[[Demo, Context], str]] = {
    "POST answer_now": _own_open_invitation,
    "GET speak_up_attachment": _file_for_the_reporter,
}


@dataclass(frozen=True)
class Route:
    key: str
    rule: Rule
    api_call: bool


def _routes() -> Iterator[Route]:
    for name, rule in PAGES.items():
        yield Route(f"{rule.method} {name}", rule, False)
    for name, rule in PAGE_POSTS.items():
        yield Route(f"POST {name}", rule, False)
    for key, rule in API.items():
        yield Route(key, rule, True)


ROUTES = {route.key: route for route in _routes()}


# Who requests a route: the first role in this order that the table allows (the richest
# navigation first), or nobody signed in for public pages and receipt-code pages.
ROLE_ORDER = ("facilitator", "guardian", "leader", "board", "researcher", "staff", "mentor")
# Routes whose content differs by role are requested by each of the roles listed here.
ROLES_FOR: dict[str, tuple[str, ...]] = {
    "GET organisation": tuple(ROLES),  # each role's landing page
    "GET home": tuple(ROLES),
    "POST answer_now": ("staff",),  # the demo's staff account has not answered yet
}


def _roles(key: str, rule: Rule) -> list[str]:
    if key in ROLES_FOR:
        return list(ROLES_FOR[key])
    if rule.allowed in (PUBLIC, NOBODY_ELSE):
        return ["anonymous"]
    return [next(role for role in ROLE_ORDER if role in rule.allowed)]


@dataclass
class Demo:
    scale: int
    org: Organisation
    accounts: dict[str, User]
    member: Membership
    closed_wave: SurveyWave
    open_wave: SurveyWave
    import_wave: SurveyWave
    composite: Concern
    with_file: Concern

    def context(self, route: str, user: User | None) -> Context:
        wave = self.closed_wave
        if route in OPEN_WAVE_ROUTES:
            wave = self.open_wave
        elif route in IMPORT_WAVE_ROUTES:
            wave = self.import_wave
        concern = self.with_file if route in ATTACHMENT_ROUTES else self.composite
        return Context(self.org, self.member.unit, self.member, user, wave, concern)


@pytest.fixture(scope="module", params=SCALES, ids=[f"{s}x-demo" for s in SCALES])
def demo(request, django_db_setup, django_db_blocker) -> Iterator[Demo]:
    """The demo (at 1 or 10 times its size), loaded once for the module inside a
    transaction that is rolled back afterwards; each test runs in a savepoint within it."""
    scale = request.param
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started = time.perf_counter()
            call_command("demo", "--quiet", "--scale", str(scale))
            org = Organisation.objects.get(slug=ORG_SLUG)
            accounts = {role: User.objects.get(email=f"{role}@{DOMAIN}") for role in ROLES}
            waves = org.waves.order_by("opens_on")
            with_file = raise_concern(
                org,
                mode="anonymous",
                category="other",
                at_risk=[],
                risk_of_harm=False,
                text="A concern with a file, for the attachment pages.",
                files=[SimpleUploadedFile("note.txt", b"notes", "text/plain")],
            ).concern
            add_attachment(
                with_file,
                SimpleUploadedFile("reply.txt", b"a reply", "text/plain"),
                from_reporter=False,
            )
            loaded = Demo(
                scale=scale,
                org=org,
                accounts=accounts,
                member=Membership.objects.select_related("unit").get(
                    organisation=org, user=accounts["staff"]
                ),
                closed_wave=waves.filter(status=SurveyWave.CLOSED).last(),
                open_wave=waves.get(status=SurveyWave.OPEN),
                import_wave=SurveyWave.objects.create(
                    organisation=org,
                    title="Culture survey by the partner's tool",
                    instrument_id="echo-culture-v1",
                    instrument_version=1,
                    instrument_yaml=shipped_instruments()["echo-culture-v1"].read_text(),
                    opens_on=timezone.localdate() - dt.timedelta(days=3),
                    closes_on=timezone.localdate() + dt.timedelta(days=25),
                    collection=SurveyWave.IMPORT,
                    status=SurveyWave.OPEN,
                ),
                composite=Concern.objects.get(organisation=org, reference="C-COMPOSITE-1"),
                with_file=with_file,
            )
            print(f"\nDemo at {scale}x loaded in {time.perf_counter() - started:.1f} s")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# (route, role) -> queries measured at each scale in this run, to compare the sizes.
_measured: dict[tuple[str, str], dict[int, int]] = {}


def _receipt_session(client: Client, demo: Demo, concern: Concern) -> None:
    """What entering the receipt code leaves in the session: the case, and no account."""
    session = client.session
    session[SESSION_KEY] = {"org": demo.org.pk, "case": concern.pk, "seen": int(time.time())}
    session.save()


def _cases() -> Iterator[object]:
    for key, route in ROUTES.items():
        for role in _roles(key, route.rule):
            yield pytest.param(key, role, id=f"{key} as {role}")


def _measure(demo: Demo, key: str, role: str, send, measure) -> None:
    """Send the request (`send()`) counting its queries; check them against the budget and
    against the count at the other size."""
    budget = BUDGETS.get(key)
    # Every request starts cold: a process keeps a closed wave's decoded figures (and its
    # comments) after the first page, which would make the count depend on test order.
    forget_stored_figures()
    with measure(budget if budget is not None else 10**6) as captured:
        response = send()
    count = len(captured)
    if budget is None:
        pytest.fail(f'{key} has no query budget: add "{key}": {count}, to BUDGETS in {__file__}')
    seen = _measured.setdefault((key, role), {})
    seen[demo.scale] = count
    if len(seen) == len(SCALES):
        assert len(set(seen.values())) == 1, (
            f"{key} as {role}: queries grow with the organisation's size: {seen}"
        )
    return response


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("key", "role"), list(_cases()))
def test_queries_stay_within_the_budget_at_any_size(
    demo, db, key, role, django_assert_max_num_queries
):
    route = ROUTES[key]
    user = demo.accounts.get(role)
    context = demo.context(key, user)
    client = _client(user)
    if key in RECEIPT_ROUTES:
        _receipt_session(client, demo, context.concern)
    # Building the URL may prepare a row (a token, an invitation): not counted.
    url = URLS[key](demo, context) if key in URLS else route.rule.url(context)
    response = _measure(
        demo,
        key,
        role,
        lambda: _request(client, route.rule, url, route.api_call, context.slug),
        django_assert_max_num_queries,
    )
    assert _outcome(response, user is not None, True) == "allowed", (
        f"{key} as {role}: {response.status_code}"
    )


# -- changes made with valid data -----------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """A change made with valid data: who makes it, what `prepare(client, demo)` gives
    (the URL and the data, prepared before counting), and the status that says it worked."""

    role: str
    prepare: Callable[[Client, Demo], tuple[str, dict]]
    status: int
    json: bool = False


def _o(name: str, demo: Demo, **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": demo.org.slug, **kwargs})


def _solved(client: Client, url: str) -> dict[str, str]:
    """The proof of work a browser would send with the speak-up form, and the form's
    one-time submission key."""
    return solved(client, url)


def _speak_up(client: Client, demo: Demo) -> tuple[str, dict]:
    url = _o("speak_up", demo)
    data = {
        "mode": "anonymous",
        "category": "patient_safety",
        "at_risk": ["patients"],
        "risk_now": "yes",
        "text": "Medicines are signed for before they are given.",
    }
    return url, {**data, **_solved(client, url)}


def _concluded_concern(demo: Demo) -> Concern:
    return Concern.objects.filter(organisation=demo.org, clocks__closed=True).order_by("pk").first()


def _leaders_analysis(demo: Demo):
    from echoorg.analysis.models import CaseAnalysis

    return CaseAnalysis.objects.get(organisation=demo.org, author=demo.accounts["leader"])


def _demo_reflection(demo: Demo) -> Reflection:
    """The demo leader's reflection (on a fictional incident, shared with the mentor)."""
    return Reflection.objects.get(organisation=demo.org, author=demo.accounts["leader"])


WRITES: dict[str, Write] = {
    "POST reflection_new: start a reflection": Write(
        "leader",
        lambda client, demo: (
            _o("reflection_new", demo),
            {"title": "Budget reflection", "incident": "A fictional incident."},
        ),
        302,
    ),
    "POST reflection: save a draft": Write(
        "leader",
        lambda client, demo: (
            _o("reflection", demo, reflection_id=_demo_reflection(demo).pk),
            {
                "title": "Budget reflection",
                "revision": str(_demo_reflection(demo).revision),
                "answer_incident_why": "It still matters.",
                "answer_grid_after": "safe_uncertainty",
            },
        ),
        302,
    ),
    "POST reflection_share: share with a mentor": Write(
        "leader",
        lambda client, demo: (
            _o("reflection_share", demo, reflection_id=_demo_reflection(demo).pk),
            {"action": "share", "mentor": demo.accounts["mentor"].pk},
        ),
        302,
    ),
    "POST reflection_words: change a word list": Write(
        "facilitator",
        lambda client, demo: (
            _o("reflection_words", demo),
            {
                "at_risk": "pupil*\nat risk",
                "reputation": "press",
                "blame": "",
                "self_protection": "",
            },
        ),
        302,
    ),
    "POST people: add a person": Write(
        "facilitator",
        lambda client, demo: (
            _o("people", demo),
            {
                "email": "budget.person@northmoor.example",
                "full_name": "Budget Person",
                "roles": ["staff"],
                "unit": demo.member.unit_id,
            },
        ),
        302,
    ),
    "POST person: change roles": Write(
        "facilitator",
        lambda client, demo: (
            _o("person", demo, member_id=demo.member.pk),
            {"roles": ["staff", "mentor"]},
        ),
        302,
    ),
    "POST units: add a team": Write(
        "facilitator",
        lambda client, demo: (
            _o("units", demo),
            {"name": "Budget Team", "kind": "team", "parent": demo.member.unit.parent_id},
        ),
        302,
    ),
    "POST wave_new: set up a wave": Write(
        "facilitator",
        lambda client, demo: (
            _o("wave_new", demo),
            {
                "title": "Budget wave",
                "instrument": "echo-culture-v1@1",
                "opens_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
                "closes_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "min_group": 5,
                "collection": "links",
            },
        ),
        302,
    ),
    # Post/redirect/get: the concern is raised and the browser sent to its receipt.
    "POST speak_up: raise a concern": Write("anonymous", _speak_up, 302),
    "POST concern: record a step": Write(
        "guardian",
        lambda client, demo: (
            _o("concern", demo, reference=demo.with_file.reference),
            {
                "action": "event",
                "type": "acknowledged",
                "date": timezone.localdate().isoformat(),
                "note": "Called the reporter",
            },
        ),
        302,
    ),
    "POST analyses: start an analysis": Write(
        "leader",
        lambda client, demo: (
            _o("analyses", demo),
            {"source": "inquiry", "inquiry": "countess-of-chester"},
        ),
        302,
    ),
    "POST concern_learning: share a concluded case": Write(
        "guardian",
        lambda client, demo: (
            _o("concern_learning", demo, reference=_concluded_concern(demo).reference),
            {
                "title": "A concern about night staffing, shared for learning",
                "summary": "Staff raised a concern about staffing at night; it was upheld.",
                "event-0-date": "2025-03-01",
                "event-0-precision": "month",
                "event-0-kind": "concern_raised",
                "event-0-description": "A concern about night staffing is raised.",
            },
        ),
        302,
    ),
    "POST analysis_step: save a step": Write(
        "leader",
        lambda client, demo: (
            _o(
                "analysis_step",
                demo,
                analysis_id=_leaders_analysis(demo).pk,
                step="actions",
            ),
            {
                "go": "next",
                "action-0-action": "Put repeated concerns side by side each month.",
                "action-0-owner": "Director",
                "action-0-due": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            },
        ),
        302,
    ),
    "POST /api/organisations/{slug}/concerns/{reference}/events: record a step": Write(
        "guardian",
        lambda client, demo: (
            f"/api/organisations/{demo.org.slug}/concerns/{demo.with_file.reference}/events",
            {"type": "acknowledged", "date": timezone.localdate().isoformat()},
        ),
        201,
        json=True,
    ),
    "POST wave_plan: add an action": Write(
        "leader",
        lambda client, demo: (
            _o("wave_plan", demo, wave_id=demo.closed_wave.pk),
            {
                "add": "1",
                "what": "Budget action",
                "owner": "Leaders",
                "due": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
                "status": "planned",
                "scale": "threat",
            },
        ),
        302,
    ),
    "POST wave_plan: save what we heard": Write(
        "leader",
        lambda client, demo: (
            _o("wave_plan", demo, wave_id=demo.closed_wave.pk),
            {"summary": "What the budget heard."},
        ),
        302,
    ),
}


@pytest.mark.parametrize("key", list(WRITES))
def test_changes_stay_within_the_budget_at_any_size(demo, db, key, django_assert_max_num_queries):
    write = WRITES[key]
    client = _client(demo.accounts.get(write.role))
    url, data = write.prepare(client, demo)
    as_json = {"content_type": "application/json"} if write.json else {}
    response = _measure(
        demo,
        key,
        write.role,
        lambda: client.post(url, data, **as_json),
        django_assert_max_num_queries,
    )
    assert response.status_code == write.status, response.content[:1000]


def test_the_list_of_waves_costs_the_same_for_more_waves(demo, db, django_assert_num_queries):
    """Waves are not multiplied in the larger demo; here three more are added."""
    client = _client(demo.accounts["facilitator"])
    url = f"/api/organisations/{demo.org.slug}/waves"
    with django_assert_num_queries(BUDGETS["GET /api/organisations/{slug}/waves"]):
        before = client.get(url).json()
    for n in range(3):
        SurveyWave.objects.create(
            organisation=demo.org,
            title=f"Extra wave {n}",
            instrument_id="echo-culture-v1",
            instrument_version=1,
            instrument_yaml=demo.closed_wave.instrument_yaml,
            opens_on=demo.closed_wave.opens_on,
            closes_on=demo.closed_wave.closes_on,
        )
    with django_assert_num_queries(BUDGETS["GET /api/organisations/{slug}/waves"]):
        after = client.get(url).json()
    assert len(after) == len(before) + 3
    assert {w["id"]: w["responses"] for w in before}.items() <= {
        w["id"]: w["responses"] for w in after
    }.items()
    assert {w["id"]: w["responses"] for w in after} == {
        w.pk: answered_count(w) for w in demo.org.waves.all()
    }


def test_a_case_costs_the_same_with_more_steps_and_messages(demo, db, django_assert_num_queries):
    """The demo's cases have the same steps at both sizes, recorded by nobody (imported);
    here a case gets twenty steps and messages by named guardians and the reporter."""
    client = _client(demo.accounts["guardian"])
    concern = demo.with_file
    url = reverse("concern", kwargs={"slug": demo.org.slug, "reference": concern.reference})
    client.get(url)  # the first reading creates the clock settings
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    steps = ["acknowledged", "investigation_opened", "protective_action", "feedback_given"]
    for n in range(10):
        add_event(
            demo.accounts["guardian"],
            concern,
            type=steps[n % len(steps)],
            date=timezone.localdate(),
            note=f"Step {n}",
        )
        send_message(
            concern, f"Message {n}", from_reporter=n % 2 == 0, author=demo.accounts["guardian"]
        )
    with django_assert_num_queries(len(before)):
        page = client.get(url).content.decode()
    assert page.count("Message ") >= 10


def test_every_budget_belongs_to_a_route():
    assert not set(BUDGETS) - set(ROUTES) - set(WRITES), "budgets for routes that no longer exist"
