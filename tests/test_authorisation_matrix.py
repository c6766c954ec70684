"""Every URL and API operation, as every role, of the same organisation and of another.

The table below declares who may use each endpoint. A URL or API operation missing from
the table fails `test_every_endpoint_is_in_the_table`, so each new feature extends it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from echoorg.accounts.models import ApiToken
from echoorg.concerns.models import Concern
from echoorg.concerns.services import raise_concern
from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.core.roles import ROLES, allowed
from echoorg.development.models import Reflection
from echoorg.development.services import start_reflection
from echoorg.diagnostic.models import Invitation, ResponseImport, SurveyWave
from echoorg.orgs.models import Membership, Organisation, RoleRequest, Unit
from echoorg.scenarios.demo import DEMO_PATH
from echoorg.scenarios.models import Play, Workshop
from echoorg.scenarios.services import make_choice, start_play
from echoorg.scenarios.workshops import decide, start_workshop
from echoorg.web.api import api

EVERY_ROLE = frozenset(ROLES)
PUBLIC = "public"  # anyone, logged in or not
MEMBERS = EVERY_ROLE  # any member of the organisation
FACILITATORS = frozenset({"facilitator"})
MANAGERS = frozenset({"facilitator", "leader"})
SURVEY_VIEWERS = frozenset({"facilitator", "leader", "researcher", "board"})
LEADERS = frozenset({"leader"})  # publish a wave's results and plan to staff
RESEARCHERS = frozenset({"researcher"})
GUARDIANS = frozenset({"guardian"})
CONCERN_STATS = frozenset({"facilitator", "leader", "guardian", "board"})
RETURNS = frozenset({"guardian", "board"})
NOBODY_ELSE = frozenset()
SCENARIO_PLAYERS = frozenset({"facilitator", "leader", "mentor"})
# The person page: facilitators manage roles; guardians and the board confirm or decline a
# request that someone become a guardian (issue 8, finding 6).
PERSON_PAGE = frozenset({"facilitator", "guardian", "board"})
# The ECHO case analysis (issue 12): leaders write their own; a mentor reads one shared with
# them by name (the matrix's mentor is given such an analysis; without a share, see
# tests/test_case_analysis.py).
ANALYSIS_READERS = frozenset({"leader", "mentor"})
LEADERS = frozenset({"leader"})
# Leader development (issue 12): leaders write reflections, each their own; a mentor reads
# only what a leader shared with them; facilitators see suppressed counts, never a text.
MENTORS = frozenset({"mentor"})
DEVELOPMENT = frozenset({"leader", "mentor"})


@dataclass
class Context:
    org: Organisation
    unit: Unit
    member: Membership
    user: object
    wave: SurveyWave | None = None
    concern: Concern | None = None

    @property
    def slug(self) -> str:
        return self.org.slug


@dataclass(frozen=True)
class Rule:
    method: str
    url: Callable[[Context], str]
    allowed: frozenset[str] | str
    # Whether the endpoint belongs to an organisation (so another organisation's members
    # must be refused) or to the person (account pages, the list of their organisations).
    org_scoped: bool = True
    data: dict | None = None


def _o(name: str, **extra: Callable[[Context], object]) -> Callable[[Context], str]:
    return lambda c: reverse(name, kwargs={"slug": c.slug, **{k: f(c) for k, f in extra.items()}})


def _w(name: str, **extra: Callable[[Context], object]) -> Callable[[Context], str]:
    return _o(name, wave_id=lambda c: c.wave.pk, **extra)


def _invitation_url(c: Context) -> str:
    """The person's own invitation (in their own organisation's wave)."""
    wave = SurveyWave.objects.filter(organisation__memberships__user=c.user).first()
    invitation, _ = Invitation.objects.get_or_create(
        wave=wave, user=c.user, defaults={"token_digest": f"matrix-{c.user.pk}"}
    )
    return reverse("answer_now", kwargs={"invitation_id": invitation.pk})


def _survey_token_url(c: Context) -> str:
    invitation, _ = Invitation.objects.get_or_create(
        wave=c.wave, user=c.member.user, defaults={"unit": c.unit, "token_digest": "x"}
    )
    token = invitation.new_token()
    invitation.save()
    return reverse("survey_start", kwargs={"token": token})


def _import_job(c: Context) -> ResponseImport:
    """A background import of the context's wave."""
    job = ResponseImport.objects.filter(wave=c.wave).first()
    return job or ResponseImport.objects.create(
        organisation=c.org, wave=c.wave, status=ResponseImport.DONE
    )


def _published_wave(c: Context) -> SurveyWave:
    """A closed wave of the context's organisation whose plan is published: the context's
    own wave when it is one (the demo's latest closed wave), else one made here."""
    from echoorg.diagnostic import plans

    if c.wave is not None and plans.published_version(c.wave) is not None:
        return c.wave
    wave = c.org.waves.filter(title="Published wave").first()
    if wave is None:
        wave = SurveyWave.objects.create(
            organisation=c.org,
            title="Published wave",
            instrument_id="echo-culture-v1",
            instrument_version=1,
            instrument_yaml=shipped_instruments()["echo-culture-v1"].read_text(),
            opens_on=dt.date(2025, 1, 6),
            closes_on=dt.date(2025, 1, 31),
            status=SurveyWave.CLOSED,
        )
        plans.add_action(
            None,
            wave,
            what="Matrix action",
            owner="Leaders",
            due=dt.date(2025, 6, 30),
            status="planned",
            scale="",
        )
        plans.publish(None, wave)
    return wave


def _p(name: str, **extra: Callable[[Context], object]) -> Callable[[Context], str]:
    """A URL about the published wave of the context's organisation."""
    return _o(name, wave_id=lambda c: _published_wave(c).pk, **extra)


def _plan_action_id(c: Context) -> int:
    return _published_wave(c).action_plan.actions.order_by("pk").first().pk


def _c(name: str, **extra: Callable[[Context], object]) -> Callable[[Context], str]:
    return _o(name, reference=lambda c: c.concern.reference, **extra)


def _own_concern_url(c: Context) -> str:
    """The person's own named concern, raised in their own organisation."""
    home = c.user.memberships.first().organisation
    raised = raise_concern(
        home,
        mode="named",
        category="other",
        at_risk=[],
        risk_of_harm=False,
        text="Matrix",
        reporter=c.user,
        with_receipt=False,
    )
    return reverse("my_concern", kwargs={"slug": home.slug, "reference": raised.concern.reference})


def _matrix_analysis(c: Context):
    """An analysis in the context's organisation: the person's own for a leader, one shared
    with them for a mentor, otherwise a leader's analysis nobody shared."""
    from echoorg.accounts.models import User
    from echoorg.analysis.models import CaseAnalysis
    from echoorg.analysis.services import start

    member = Membership.objects.filter(organisation=c.org, user=c.user).first() if c.user else None
    roles = member.roles if member else []
    mentor = None
    if "leader" in roles:
        author = c.user
    else:
        author, _ = User.objects.get_or_create(
            email=f"matrix-leader@{c.org.slug}.example", defaults={"full_name": "Matrix Leader"}
        )
        Membership.objects.get_or_create(
            user=author, organisation=c.org, defaults={"roles": ["leader"], "name": "Leader"}
        )
        mentor = c.user if "mentor" in roles else None
    found = CaseAnalysis.objects.filter(organisation=c.org, author=author, mentor=mentor).first()
    if found is None:
        found = start(author, c.org, source="own", title="Matrix analysis")
        found.mentor = mentor
        found.save()
    return found


def _a(name: str, **extra: Callable[[Context], object]) -> Callable[[Context], str]:
    return _o(name, analysis_id=lambda c: _matrix_analysis(c).pk, **extra)


def _may(c: Context, action: str) -> bool:
    member = Membership.objects.filter(user=c.user, organisation=c.org).first() if c.user else None
    return member is not None and allowed(member.roles, action)


def _reflection_url(name: str, shared: bool = False) -> Callable[[Context], str]:
    """A reflection of the context's organisation: the person's own when they may write
    one (a leader), else one by the organisation's staff member; for the mentor's pages,
    the staff member's reflection, shared with the person when they are a mentor there."""

    def url(c: Context) -> str:
        author = c.user if not shared and _may(c, "reflection.write") else c.member.user
        found = Reflection.objects.filter(organisation=c.org, author=author).first()
        if found is None:
            found = start_reflection(author, c.org, title="Matrix reflection")
        if shared and _may(c, "reflection.mentor"):
            Reflection.objects.filter(pk=found.pk).update(shared_with=c.user)
        return reverse(name, kwargs={"slug": c.slug, "reflection_id": found.pk})

    return url


def _api_reflection(path: str, shared: bool = False) -> Callable[[Context], str]:
    page = _reflection_url("reflection", shared)
    return lambda c: f"/api/organisations/{c.slug}/{path}/{page(c).rstrip('/').split('/')[-1]}"


def _own_play(c: Context, finished: bool = False) -> Play:
    """The person's own play of a scenario in the context's organisation (made directly,
    whatever their role, so that roles without the right meet a refusal, not an absent
    play); someone else's play when they are not a member there (they must find nothing)."""
    member = c.org.memberships.filter(user=c.user).first() if c.user else None
    member = member or c.member
    play = start_play(None, c.org, member, "neonatal-unit")
    if finished and not play.finished:
        for index in DEMO_PATH:
            make_choice(None, play, play.choices.count() + 1, index)
    return play


def _play_url(name: str, finished: bool = False) -> Callable[[Context], str]:
    return lambda c: reverse(name, kwargs={"slug": c.slug, "play_id": _own_play(c, finished).pk})


def _workshop(c: Context, finished: bool = False) -> Workshop:
    """A workshop of the context's organisation, run by one of its members (finished: the
    room has taken every decision, each the first option)."""
    found = Workshop.objects.filter(
        organisation=c.org, status=Workshop.FINISHED if finished else Workshop.OPEN
    ).first()
    if found is None:
        found = start_workshop(None, c.org, c.member, "acute-ward-targets")
        while finished and not found.finished:
            decide(None, found, found.step, 0)
    return found


def _workshop_url(name: str, finished: bool = False) -> Callable[[Context], str]:
    return lambda c: reverse(
        name, kwargs={"slug": c.slug, "workshop_id": _workshop(c, finished).pk}
    )


def _room_url(name: str) -> Callable[[Context], str]:
    return lambda c: reverse(name, kwargs={"code": _workshop(c).code})


def _token_url(c: Context) -> str:
    token, _ = ApiToken.issue(c.user, "matrix")
    return reverse("token_revoke", kwargs={"token_id": token.pk})


PAGES: dict[str, Rule] = {
    "home": Rule("GET", lambda c: reverse("home"), MEMBERS, org_scoped=False),
    "healthz": Rule("GET", lambda c: reverse("healthz"), PUBLIC, org_scoped=False),
    "login": Rule("GET", lambda c: reverse("login"), PUBLIC, org_scoped=False),
    "login_2fa": Rule("GET", lambda c: reverse("login_2fa"), PUBLIC, org_scoped=False),
    "logout": Rule("POST", lambda c: reverse("logout"), PUBLIC, org_scoped=False),
    "password_reset": Rule("GET", lambda c: reverse("password_reset"), PUBLIC, org_scoped=False),
    "password_reset_done": Rule(
        "GET", lambda c: reverse("password_reset_done"), PUBLIC, org_scoped=False
    ),
    "password_reset_confirm": Rule(
        "GET",
        lambda c: reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x"}),
        PUBLIC,
        org_scoped=False,
    ),
    "password_reset_complete": Rule(
        "GET", lambda c: reverse("password_reset_complete"), PUBLIC, org_scoped=False
    ),
    "account": Rule("GET", lambda c: reverse("account"), MEMBERS, org_scoped=False),
    "two_factor_setup": Rule(
        "GET", lambda c: reverse("two_factor_setup"), MEMBERS, org_scoped=False
    ),
    "two_factor_disable": Rule(
        "POST", lambda c: reverse("two_factor_disable"), MEMBERS, org_scoped=False
    ),
    "recovery_codes": Rule("GET", lambda c: reverse("recovery_codes"), MEMBERS, org_scoped=False),
    "recovery_codes_new": Rule(
        "GET", lambda c: reverse("recovery_codes_new"), MEMBERS, org_scoped=False
    ),
    "token_create": Rule(
        "POST",
        lambda c: reverse("token_create"),
        MEMBERS,
        org_scoped=False,
        data={"name": "matrix"},
    ),
    "token_revoke": Rule("POST", _token_url, MEMBERS, org_scoped=False),
    "organisation_new": Rule(
        "GET", lambda c: reverse("organisation_new"), FACILITATORS, org_scoped=False
    ),
    "switch_organisation": Rule(
        "POST", lambda c: reverse("switch_organisation"), MEMBERS, data={"organisation": "__slug__"}
    ),
    "organisation": Rule("GET", _o("organisation"), MEMBERS),
    "units": Rule("GET", _o("units"), MEMBERS),
    "units_import": Rule("GET", _o("units_import"), MANAGERS),
    "unit": Rule("GET", _o("unit", unit_id=lambda c: c.unit.pk), MEMBERS),
    "people": Rule("GET", _o("people"), MANAGERS),
    "person": Rule("GET", _o("person", member_id=lambda c: c.member.pk), PERSON_PAGE),
    "org_settings": Rule("GET", _o("org_settings"), FACILITATORS),
    "audit": Rule("GET", _o("audit"), FACILITATORS),
    "waves": Rule("GET", _o("waves"), SURVEY_VIEWERS),
    "wave_new": Rule("GET", _o("wave_new"), MANAGERS),
    "trends": Rule("GET", _o("trends"), SURVEY_VIEWERS),
    "conversation_guide": Rule(
        "GET", _o("conversation_guide", guide_id=lambda c: "voice"), SURVEY_VIEWERS
    ),
    "wave": Rule("GET", _w("wave"), SURVEY_VIEWERS),
    "wave_import": Rule("GET", _w("wave_import"), MANAGERS),
    "wave_close": Rule("GET", _w("wave_close"), MANAGERS),
    "wave_links": Rule("GET", _w("wave_links"), MANAGERS),
    "wave_import_job": Rule(
        "GET",
        lambda c: reverse(
            "wave_import_job",
            kwargs={"slug": c.slug, "wave_id": c.wave.pk, "import_id": _import_job(c).pk},
        ),
        MANAGERS,
    ),
    "wave_results": Rule("GET", _w("wave_results"), SURVEY_VIEWERS),
    "wave_results_export": Rule(
        "GET", _w("wave_results_export", fmt=lambda c: "csv"), SURVEY_VIEWERS
    ),
    "wave_rows_export": Rule("GET", _w("wave_rows_export"), RESEARCHERS),
    "wave_psychometrics": Rule("GET", _w("wave_psychometrics"), SURVEY_VIEWERS),
    "wave_comments": Rule("GET", _w("wave_comments"), SURVEY_VIEWERS),
    "instruments": Rule("GET", _o("instruments"), SURVEY_VIEWERS),
    # Action plans (issue 10): read by those who see results, written by facilitators and
    # leaders, published by leaders; what is published is read by every member.
    "wave_plan": Rule("GET", _p("wave_plan"), SURVEY_VIEWERS),
    "wave_plan_action": Rule("GET", _p("wave_plan_action", action_id=_plan_action_id), MANAGERS),
    "wave_plan_publish": Rule("GET", _p("wave_plan_publish"), LEADERS),
    "wave_plan_unpublish": Rule("POST", _p("wave_plan_unpublish"), LEADERS),
    "published_results": Rule("GET", _o("published_results"), MEMBERS),
    "published_result": Rule("GET", _p("published_result"), MEMBERS),
    "instrument": Rule("GET", _o("instrument", key=lambda c: "echo-culture-v1@1"), SURVEY_VIEWERS),
    "my_surveys": Rule("GET", lambda c: reverse("my_surveys"), MEMBERS, org_scoped=False),
    "answer_now": Rule("POST", _invitation_url, MEMBERS, org_scoped=False),
    # Answering needs no account: the single-use link is the key.
    "survey_start": Rule("GET", _survey_token_url, PUBLIC, org_scoped=False),
    "survey_page": Rule("GET", lambda c: _survey_token_url(c) + "1/", PUBLIC, org_scoped=False),
    "survey_thanks": Rule("GET", lambda c: reverse("survey_thanks"), PUBLIC, org_scoped=False),
    # Speaking up needs no account; following up needs the receipt code (a session).
    "speak_up": Rule("GET", _o("speak_up"), PUBLIC, org_scoped=False),
    # The public pages that say how to speak up (decision 0010): open to anyone.
    "speak_up_index": Rule("GET", lambda c: reverse("speak_up_index"), PUBLIC, org_scoped=False),
    "speak_up_ways": Rule("GET", _o("speak_up_ways"), PUBLIC, org_scoped=False),
    # The receipt page after the redirect: anyone reaches it; it shows a receipt only to
    # the browser that sent the concern (tests/test_speak_up_receipt.py).
    "speak_up_received": Rule("GET", _o("speak_up_received"), PUBLIC, org_scoped=False),
    "speak_up_follow_up": Rule("GET", _o("speak_up_follow_up"), PUBLIC, org_scoped=False),
    "speak_up_case": Rule("GET", _o("speak_up_case"), PUBLIC, org_scoped=False),
    "speak_up_attachment": Rule(
        "GET",
        _o("speak_up_attachment", attachment_id=lambda c: c.concern.attachments.first().pk),
        NOBODY_ELSE,
    ),
    "my_concerns": Rule("GET", lambda c: reverse("my_concerns"), MEMBERS, org_scoped=False),
    "my_concern": Rule("GET", _own_concern_url, MEMBERS, org_scoped=False),
    "concerns": Rule("GET", _o("concerns"), GUARDIANS),
    "concern_import": Rule("GET", _o("concern_import"), GUARDIANS),
    "concern_settings": Rule("GET", _o("concern_settings"), GUARDIANS),
    "concern_insights": Rule("GET", _o("concern_insights"), CONCERN_STATS),
    "concern_return": Rule("GET", _o("concern_return"), RETURNS),
    "concern": Rule("GET", _c("concern"), GUARDIANS),
    "concern_guardian": Rule("POST", _c("concern_guardian"), GUARDIANS, data={"guardian": ""}),
    "concern_attachment": Rule(
        "GET",
        _c("concern_attachment", attachment_id=lambda c: c.concern.attachments.first().pk),
        GUARDIANS,
    ),
    # Learning from inquiries: public material, read by every member (issue 11).
    "library": Rule("GET", _o("library"), MEMBERS),
    "library_taxonomy": Rule("GET", _o("library_taxonomy"), MEMBERS),
    "library_compare": Rule("GET", _o("library_compare"), MEMBERS),
    "library_events": Rule("GET", _o("library_events"), MEMBERS),
    "library_codebook_export": Rule(
        "GET", _o("library_codebook_export", fmt=lambda c: "json"), MEMBERS
    ),
    "library_cases_export": Rule("GET", _o("library_cases_export", fmt=lambda c: "csv"), MEMBERS),
    "library_case": Rule("GET", _o("library_case", case_id=lambda c: "mid-staffordshire"), MEMBERS),
    # The ECHO case analysis, and the guardian's sharing of a concluded case (issue 12).
    "concern_learning": Rule("GET", _c("concern_learning"), GUARDIANS),
    "analyses": Rule("GET", _o("analyses"), ANALYSIS_READERS),
    "analysis": Rule("GET", _a("analysis"), ANALYSIS_READERS),
    "analysis_pdf": Rule("GET", _a("analysis_pdf"), ANALYSIS_READERS),
    "analysis_step": Rule("GET", _a("analysis_step", step=lambda c: "facts"), LEADERS),
    # Leader development (issue 12).
    "development": Rule("GET", _o("development"), DEVELOPMENT),
    "reflection_new": Rule("GET", _o("reflection_new"), LEADERS),
    "reflection": Rule("GET", _reflection_url("reflection"), LEADERS),
    "reflection_share": Rule(
        "POST", _reflection_url("reflection_share"), LEADERS, data={"action": "unshare"}
    ),
    "reflection_delete": Rule("GET", _reflection_url("reflection_delete"), LEADERS),
    "reflections_shared": Rule("GET", _o("reflections_shared"), MENTORS),
    "reflection_shared": Rule("GET", _reflection_url("reflection_shared", shared=True), MENTORS),
    "reflection_words": Rule("GET", _o("reflection_words"), FACILITATORS),
    "reflection_uptake": Rule("GET", _o("reflection_uptake"), FACILITATORS),
    "scenarios": Rule("GET", _o("scenarios"), SCENARIO_PLAYERS),
    "scenario_start": Rule(
        "POST", _o("scenario_start", scenario_id=lambda c: "outsourced-placement"), SCENARIO_PLAYERS
    ),
    "scenario_play": Rule("GET", _play_url("scenario_play"), SCENARIO_PLAYERS),
    "scenario_debrief": Rule("GET", _play_url("scenario_debrief", True), SCENARIO_PLAYERS),
    "workshops": Rule("GET", _o("workshops"), FACILITATORS),
    "workshop": Rule("GET", _workshop_url("workshop"), FACILITATORS),
    "workshop_status": Rule("GET", _workshop_url("workshop_status"), FACILITATORS),
    "workshop_debrief": Rule("GET", _workshop_url("workshop_debrief", True), FACILITATORS),
    # Participants join with the code alone, no account (workshop mode).
    "workshop_join": Rule("GET", lambda c: reverse("workshop_join"), PUBLIC, org_scoped=False),
    "workshop_room": Rule("GET", _room_url("workshop_room"), PUBLIC, org_scoped=False),
    "workshop_room_status": Rule(
        "GET", _room_url("workshop_room_status"), PUBLIC, org_scoped=False
    ),
}

# Changes made through pages: the same table, for the POST side of pages that take forms.
PAGE_POSTS: dict[str, Rule] = {
    "units": Rule("POST", _o("units"), MANAGERS, data={"name": ""}),
    "unit": Rule("POST", _o("unit", unit_id=lambda c: c.unit.pk), MANAGERS, data={"name": ""}),
    "units_import": Rule("POST", _o("units_import"), MANAGERS, data={}),
    "people": Rule("POST", _o("people"), FACILITATORS, data={"email": "not-an-email"}),
    "person": Rule(
        "POST",
        _o("person", member_id=lambda c: c.member.pk),
        FACILITATORS,
        data={"roles": ["nonsense"]},
    ),
    "org_settings": Rule(
        "POST", _o("org_settings"), FACILITATORS, data={"require_2fa_roles": ["nonsense"]}
    ),
    "organisation_new": Rule(
        "POST",
        lambda c: reverse("organisation_new"),
        FACILITATORS,
        org_scoped=False,
        data={"name": ""},
    ),
    "wave": Rule("POST", _w("wave"), MANAGERS, data={}),
    "wave_new": Rule("POST", _o("wave_new"), MANAGERS, data={"title": ""}),
    "wave_import": Rule("POST", _w("wave_import"), MANAGERS, data={}),
    "wave_close": Rule("POST", _w("wave_close"), MANAGERS, data={"close": "1"}),
    "wave_links": Rule("POST", _w("wave_links"), MANAGERS, data={"unit": "", "replace": "on"}),
    "wave_rows_export": Rule(
        "POST", _w("wave_rows_export"), RESEARCHERS, data={"agreement_reference": ""}
    ),
    "instruments": Rule("POST", _o("instruments"), FACILITATORS, data={}),
    "wave_plan": Rule("POST", _p("wave_plan"), MANAGERS, data={"add": "1", "what": ""}),
    "wave_plan_action": Rule(
        "POST", _p("wave_plan_action", action_id=_plan_action_id), MANAGERS, data={"what": ""}
    ),
    "wave_plan_publish": Rule("POST", _p("wave_plan_publish"), LEADERS, data={}),
    "speak_up": Rule("POST", _o("speak_up"), PUBLIC, org_scoped=False, data={}),
    "speak_up_follow_up": Rule(
        "POST", _o("speak_up_follow_up"), PUBLIC, org_scoped=False, data={"code": "1"}
    ),
    "concern": Rule("POST", _c("concern"), GUARDIANS, data={"action": "event"}),
    "concern_import": Rule("POST", _o("concern_import"), GUARDIANS, data={}),
    "concern_settings": Rule("POST", _o("concern_settings"), GUARDIANS, data={}),
    "library_taxonomy": Rule("POST", _o("library_taxonomy"), FACILITATORS, data={"id": ""}),
    "concern_learning": Rule("POST", _c("concern_learning"), GUARDIANS, data={"action": "share"}),
    "analyses": Rule("POST", _o("analyses"), LEADERS, data={"source": ""}),
    "analysis": Rule("POST", _a("analysis"), LEADERS, data={"action": "nonsense"}),
    "analysis_step": Rule(
        "POST",
        _a("analysis_step", step=lambda c: "actions"),
        LEADERS,
        data={"action-0-action": "x", "action-0-owner": "", "action-0-due": "2027-01-01"},
    ),
    "reflection_new": Rule("POST", _o("reflection_new"), LEADERS, data={"title": ""}),
    "reflection": Rule("POST", _reflection_url("reflection"), LEADERS, data={"title": ""}),
    "reflection_delete": Rule("POST", _reflection_url("reflection_delete"), LEADERS, data={}),
    "reflection_shared": Rule(
        "POST", _reflection_url("reflection_shared", shared=True), MENTORS, data={"comment": ""}
    ),
    "reflection_words": Rule(
        "POST", _o("reflection_words"), FACILITATORS, data={"at_risk": "bl*ah"}
    ),
    "scenario_play": Rule(
        "POST", _play_url("scenario_play"), SCENARIO_PLAYERS, data={"step": "1", "choice": "0"}
    ),
    "workshops": Rule("POST", _o("workshops"), FACILITATORS, data={"scenario": ""}),
    "workshop": Rule(
        "POST", _workshop_url("workshop"), FACILITATORS, data={"step": "1", "pick": "majority"}
    ),
    "workshop_join": Rule(
        "POST", lambda c: reverse("workshop_join"), PUBLIC, org_scoped=False, data={"code": "x"}
    ),
    "workshop_room": Rule(
        "POST", _room_url("workshop_room"), PUBLIC, org_scoped=False, data={"step": "1"}
    ),
}


def _api(path: str) -> Callable[[Context], str]:
    return lambda c: (
        "/api"
        + path.format(
            slug=c.slug,
            member_id=c.member.pk,
            wave_id=c.wave.pk if c.wave else 0,
            reference=c.concern.reference if c.concern else "",
        )
    )


API: dict[str, Rule] = {
    "GET /api/organisations": Rule("GET", _api("/organisations"), MEMBERS, org_scoped=False),
    "GET /api/organisations/{slug}": Rule("GET", _api("/organisations/{slug}"), MEMBERS),
    "GET /api/organisations/{slug}/units": Rule(
        "GET", _api("/organisations/{slug}/units"), MEMBERS
    ),
    "POST /api/organisations/{slug}/units": Rule(
        "POST", _api("/organisations/{slug}/units"), MANAGERS, data={"name": "Matrix team"}
    ),
    "POST /api/organisations/{slug}/units/import": Rule(
        "POST", _api("/organisations/{slug}/units/import"), MANAGERS, data={"csv": "nonsense"}
    ),
    "GET /api/organisations/{slug}/memberships": Rule(
        "GET", _api("/organisations/{slug}/memberships"), MANAGERS
    ),
    "POST /api/organisations/{slug}/memberships": Rule(
        "POST",
        _api("/organisations/{slug}/memberships"),
        FACILITATORS,
        data={"email": "bad", "roles": []},
    ),
    "GET /api/organisations/{slug}/memberships/{member_id}": Rule(
        "GET", _api("/organisations/{slug}/memberships/{member_id}"), MANAGERS
    ),
    "GET /api/openapi.json": Rule("GET", lambda c: "/api/openapi.json", PUBLIC, org_scoped=False),
    "GET /api/organisations/{slug}/instruments": Rule(
        "GET", _api("/organisations/{slug}/instruments"), SURVEY_VIEWERS
    ),
    "GET /api/organisations/{slug}/instruments/{key}": Rule(
        "GET", _api("/organisations/{slug}/instruments/echo-culture-v1@1"), SURVEY_VIEWERS
    ),
    "GET /api/organisations/{slug}/waves": Rule(
        "GET", _api("/organisations/{slug}/waves"), SURVEY_VIEWERS
    ),
    "POST /api/organisations/{slug}/waves": Rule(
        "POST",
        _api("/organisations/{slug}/waves"),
        MANAGERS,
        data={
            "title": "Matrix wave",
            "instrument": "echo-culture-v1@1",
            "opens_on": "2027-01-04",
            "closes_on": "2027-01-29",
            "collection": "links",
        },
    ),
    "POST /api/organisations/{slug}/waves/{wave_id}/imports": Rule(
        "POST", _api("/organisations/{slug}/waves/{wave_id}/imports"), MANAGERS, data={}
    ),
    "GET /api/organisations/{slug}/waves/{wave_id}/imports/{import_id}": Rule(
        "GET",
        lambda c: f"/api/organisations/{c.slug}/waves/{c.wave.pk}/imports/{_import_job(c).pk}",
        MANAGERS,
    ),
    "GET /api/organisations/{slug}/waves/{wave_id}": Rule(
        "GET", _api("/organisations/{slug}/waves/{wave_id}"), SURVEY_VIEWERS
    ),
    "POST /api/organisations/{slug}/waves/{wave_id}/responses": Rule(
        "POST",
        _api("/organisations/{slug}/waves/{wave_id}/responses"),
        MANAGERS,
        data={"responses": []},
    ),
    "GET /api/organisations/{slug}/waves/{wave_id}/results": Rule(
        "GET", _api("/organisations/{slug}/waves/{wave_id}/results"), SURVEY_VIEWERS
    ),
    "GET /api/organisations/{slug}/published-results": Rule(
        "GET", _api("/organisations/{slug}/published-results"), MEMBERS
    ),
    "GET /api/organisations/{slug}/waves/{wave_id}/published-results": Rule(
        "GET",
        lambda c: f"/api/organisations/{c.slug}/waves/{_published_wave(c).pk}/published-results",
        MEMBERS,
    ),
    "GET /api/organisations/{slug}/concerns": Rule(
        "GET", _api("/organisations/{slug}/concerns"), GUARDIANS
    ),
    "GET /api/organisations/{slug}/concerns/{reference}": Rule(
        "GET", _api("/organisations/{slug}/concerns/{reference}"), GUARDIANS
    ),
    "POST /api/organisations/{slug}/concerns/{reference}/events": Rule(
        "POST",
        _api("/organisations/{slug}/concerns/{reference}/events"),
        GUARDIANS,
        data={"type": "acknowledged", "date": "2020-01-01"},
    ),
    "POST /api/organisations/{slug}/concerns-import": Rule(
        "POST", _api("/organisations/{slug}/concerns-import"), GUARDIANS, data=[]
    ),
    "GET /api/organisations/{slug}/concerns-statistics": Rule(
        "GET", _api("/organisations/{slug}/concerns-statistics"), CONCERN_STATS
    ),
    "GET /api/organisations/{slug}/analyses": Rule(
        "GET", _api("/organisations/{slug}/analyses"), ANALYSIS_READERS
    ),
    "POST /api/organisations/{slug}/analyses": Rule(
        "POST", _api("/organisations/{slug}/analyses"), LEADERS, data={"source": "nonsense"}
    ),
    "GET /api/organisations/{slug}/analyses/{analysis_id}": Rule(
        "GET",
        lambda c: f"/api/organisations/{c.slug}/analyses/{_matrix_analysis(c).pk}",
        ANALYSIS_READERS,
    ),
    "POST /api/organisations/{slug}/analyses/{analysis_id}/steps/{step}": Rule(
        "POST",
        lambda c: f"/api/organisations/{c.slug}/analyses/{_matrix_analysis(c).pk}/steps/risk",
        LEADERS,
        data={"nonsense": "x"},
    ),
    "GET /api/organisations/{slug}/reflections": Rule(
        "GET", _api("/organisations/{slug}/reflections"), LEADERS
    ),
    "POST /api/organisations/{slug}/reflections": Rule(
        "POST",
        _api("/organisations/{slug}/reflections"),
        LEADERS,
        data={"title": "Matrix", "answers": {}},
    ),
    "GET /api/organisations/{slug}/reflections/{reflection_id}": Rule(
        "GET", _api_reflection("reflections"), LEADERS
    ),
    "PUT /api/organisations/{slug}/reflections/{reflection_id}": Rule(
        "PUT", _api_reflection("reflections"), LEADERS, data={"title": "Matrix", "answers": {}}
    ),
    "GET /api/organisations/{slug}/shared-reflections": Rule(
        "GET", _api("/organisations/{slug}/shared-reflections"), MENTORS
    ),
    "GET /api/organisations/{slug}/shared-reflections/{reflection_id}": Rule(
        "GET", _api_reflection("shared-reflections", shared=True), MENTORS
    ),
    "GET /api/organisations/{slug}/reflection-uptake": Rule(
        "GET", _api("/organisations/{slug}/reflection-uptake"), FACILITATORS
    ),
    "GET /api/organisations/{slug}/scenarios": Rule(
        "GET", _api("/organisations/{slug}/scenarios"), SCENARIO_PLAYERS
    ),
    "GET /api/organisations/{slug}/scenario-plays": Rule(
        "GET", _api("/organisations/{slug}/scenario-plays"), SCENARIO_PLAYERS
    ),
    "POST /api/organisations/{slug}/scenario-plays": Rule(
        "POST",
        _api("/organisations/{slug}/scenario-plays"),
        SCENARIO_PLAYERS,
        data={"scenario": "acute-ward-targets"},
    ),
    "GET /api/organisations/{slug}/scenario-plays/{play_id}": Rule(
        "GET",
        lambda c: f"/api/organisations/{c.slug}/scenario-plays/{_own_play(c).pk}",
        SCENARIO_PLAYERS,
    ),
    "GET /api/organisations/{slug}/workshops": Rule(
        "GET", _api("/organisations/{slug}/workshops"), FACILITATORS
    ),
    "GET /api/organisations/{slug}/workshops/{workshop_id}": Rule(
        "GET",
        lambda c: f"/api/organisations/{c.slug}/workshops/{_workshop(c, True).pk}",
        FACILITATORS,
    ),
    "POST /api/organisations/{slug}/scenario-plays/{play_id}/choices": Rule(
        "POST",
        lambda c: f"/api/organisations/{c.slug}/scenario-plays/{_own_play(c).pk}/choices",
        SCENARIO_PLAYERS,
        data={"step": 1, "index": 0},
    ),
}


def _page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api":
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                names.add(p.name or f"<unnamed {p.pattern}>")

    walk(get_resolver().url_patterns)
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    }
    return operations | {"GET /api/openapi.json"}


def test_every_endpoint_is_in_the_table():
    missing_pages = _page_names() - set(PAGES)
    missing_api = _api_operations() - set(API)
    assert not missing_pages, f"URLs without a row in the authorisation table: {missing_pages}"
    assert not missing_api, f"API operations without a row in the table: {missing_api}"
    assert not set(PAGES) - _page_names(), "table rows for URLs that no longer exist"
    assert not set(API) - _api_operations(), "table rows for API operations that do not exist"


@pytest.fixture
def world(make_org, make_person):
    """Two organisations, each with a unit and a member, and one person per role in the first."""
    worlds = {}
    yaml_text = shipped_instruments()["echo-culture-v1"].read_text()
    for slug in ("home-org", "away-org"):
        org = make_org(slug, slug.title())
        unit = Unit.objects.create(organisation=org, name="Team A", kind="team")
        someone = make_person(org, "staff", unit=unit)
        wave = SurveyWave.objects.create(
            organisation=org,
            title="Wave",
            instrument_id="echo-culture-v1",
            instrument_version=1,
            instrument_yaml=yaml_text,
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2099, 1, 1),
            status=SurveyWave.OPEN,
        )
        raised = raise_concern(
            org,
            mode="anonymous",
            category="other",
            at_risk=[],
            risk_of_harm=False,
            text="A matrix concern.",
            files=[SimpleUploadedFile("a.txt", b"x", "text/plain")],
        )
        worlds[slug] = (org, unit, someone.memberships.get(), wave, raised.concern)
    people = {role: make_person(worlds["home-org"][0], role) for role in ROLES}
    return worlds, people


def _request(client: Client, rule: Rule, url: str, api_call: bool, slug: str):
    if isinstance(rule.data, list):
        return client.post(url, data=rule.data, content_type="application/json")
    data = dict(rule.data or {})
    if data.get("organisation") == "__slug__":
        data["organisation"] = slug
    if rule.method == "GET":
        return client.get(url)
    if rule.method == "PUT":
        return client.put(url, data=data, content_type="application/json")
    if api_call:
        return client.post(url, data=data, content_type="application/json")
    return client.post(url, data=data)


def _outcome(response, logged_in: bool, public: bool) -> str:
    """What the person met: "allowed", "forbidden" (403: a member whose role does not
    allow it), "not found" (404: the organisation or object is not theirs to know of) or
    "login" (not signed in)."""
    if response.status_code == 401:
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "not found"
    if response.status_code == 405:
        return "not allowed method"
    # A public page may send people on (the code step without a pending login goes back
    # to the login page); for everything else, being sent to log in is a refusal.
    if response.status_code == 302 and "/login/" in response["Location"] and not public:
        return "login"
    assert response.status_code < 500, response.content[:500]
    return "allowed"


def _expected(rule: Rule, role: str, signed_in: bool, which: str) -> str:
    """The table's answer: members without the role are forbidden (403), people outside
    the organisation find nothing (404), so an organisation's existence is not revealed."""
    if rule.allowed == PUBLIC:
        return "allowed"
    if rule.allowed == NOBODY_ELSE:
        return "not found"  # reached with a receipt code only, never with a role
    if not signed_in:
        return "login"
    if which == "other" and rule.org_scoped:
        return "not found"
    return "allowed" if role in rule.allowed else "forbidden"


def _cases():
    for table, api_call in ((PAGES, False), (PAGE_POSTS, False), (API, True)):
        for name, rule in table.items():
            yield pytest.param(name, rule, api_call, id=f"{rule.method} {name}")


@pytest.mark.parametrize(("name", "rule", "api_call"), list(_cases()))
def test_each_role_gets_what_the_table_declares(world, name, rule, api_call):
    worlds, people = world
    org, unit, member, wave, concern = worlds["home-org"]
    other_org, other_unit, other_member, other_wave, other_concern = worlds["away-org"]
    mismatches = []
    for role, user in [("anonymous", None), *people.items()]:
        for which, ctx in (
            ("own", Context(org, unit, member, user, wave, concern)),
            (
                "other",
                Context(other_org, other_unit, other_member, user, other_wave, other_concern),
            ),
        ):
            client = Client(enforce_csrf_checks=False)
            if user is not None:
                client.force_login(user)
            if rule.url in (_token_url, _invitation_url, _own_concern_url) and user is None:
                ctx = Context(org, unit, member, people["staff"], wave, concern)
            response = _request(client, rule, rule.url(ctx), api_call, ctx.slug)
            got = _outcome(response, user is not None, rule.allowed == PUBLIC)
            expected = _expected(rule, role, user is not None, which)
            if got != expected:
                mismatches.append(
                    f"{role} ({which} organisation): expected {expected}, "
                    f"got {got} ({response.status_code})"
                )
    assert not mismatches, f"{rule.method} {name}:\n" + "\n".join(mismatches)


def test_another_organisations_units_stay_hidden_from_a_facilitator(world, make_person):
    worlds, people = world
    other_org = worlds["away-org"][0]
    client = Client()
    client.force_login(people["facilitator"])
    page = client.get(reverse("units", kwargs={"slug": other_org.slug}))
    assert page.status_code == 404
    assert b"Team A" not in page.content
    listing = client.get(f"/api/organisations/{other_org.slug}/units")
    assert listing.status_code == 404
    everything = client.get("/api/organisations").json()
    assert [o["slug"] for o in everything] == ["home-org"]


# -- the guardian role: never granted alone, never to oneself (issue 8, finding 6) --------


def _try_to_make_guardian(
    client: Client, org: Organisation, member: Membership, role: str = "guardian"
) -> None:
    """Every way a signed-in person could try to give `member` the guardian role (or the
    board role, whose holders confirm guardians)."""
    url = reverse("person", kwargs={"slug": org.slug, "member_id": member.pk})
    client.post(url, {"roles": [*member.roles, role]})
    for pending in RoleRequest.objects.filter(member=member, status="pending"):
        client.post(url, {"decision": "confirm", "request": pending.pk})
    client.post(
        f"/api/organisations/{org.slug}/memberships",
        {"email": member.user.email, "roles": [*member.roles, role]},
        content_type="application/json",
    )
    client.post(
        reverse("people", kwargs={"slug": org.slug}),
        {"email": f"new-{member.pk}@example.org", "roles": [role]},
    )


@pytest.mark.parametrize("role", ["facilitator", "leader", "admin"])
def test_no_one_makes_anyone_guardian_alone(world, make_person, role):
    worlds, people = world
    org, _, target, _, _ = worlds["home-org"]
    actor = people["facilitator" if role == "admin" else role]
    if role == "admin":  # Django's superuser flag opens no door of its own
        actor.is_staff = actor.is_superuser = True
        actor.save()
    client = Client()
    client.force_login(actor)
    _try_to_make_guardian(client, org, target)
    target.refresh_from_db()
    assert "guardian" not in target.roles
    guardians = {
        m.user_id for m in Membership.objects.filter(organisation=org) if "guardian" in m.roles
    }
    assert guardians == {people["guardian"].pk}


@pytest.mark.parametrize("role", ["facilitator", "leader", "admin"])
def test_no_one_makes_anyone_a_board_member_alone(world, role):
    worlds, people = world
    org, _, target, _, _ = worlds["home-org"]
    actor = people["facilitator" if role == "admin" else role]
    if role == "admin":
        actor.is_staff = actor.is_superuser = True
        actor.save()
    client = Client()
    client.force_login(actor)
    _try_to_make_guardian(client, org, target, role="board")
    target.refresh_from_db()
    assert "board" not in target.roles
    board = {m.user_id for m in Membership.objects.filter(organisation=org) if "board" in m.roles}
    assert board == {people["board"].pk}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_one_makes_themselves_guardian(world, role):
    worlds, people = world
    org = worlds["home-org"][0]
    user = people[role]
    own = Membership.objects.get(user=user, organisation=org)
    client = Client()
    client.force_login(user)
    _try_to_make_guardian(client, org, own)
    own.refresh_from_db()
    if role == "guardian":
        assert own.roles == ["guardian"]
    else:
        assert "guardian" not in own.roles
    assert not RoleRequest.objects.filter(member=own).exists()


@pytest.mark.parametrize("confirmer", ["guardian", "board"])
def test_a_facilitators_request_is_granted_when_a_guardian_or_board_member_confirms(
    world, confirmer
):
    worlds, people = world
    org, _, target, _, _ = worlds["home-org"]
    asker = Client()
    asker.force_login(people["facilitator"])
    url = reverse("person", kwargs={"slug": org.slug, "member_id": target.pk})
    asker.post(url, {"roles": [*target.roles, "guardian"]})
    target.refresh_from_db()
    assert "guardian" not in target.roles
    confirm = {"decision": "confirm", "request": RoleRequest.objects.get(member=target).pk}
    assert asker.post(url, confirm).status_code == 403
    deciding = Client()
    deciding.force_login(people[confirmer])
    assert deciding.post(url, confirm).status_code == 302
    target.refresh_from_db()
    assert "guardian" in target.roles
    # Someone of another organisation's guardians could not have done it.
    other_org, _, other_target, _, _ = worlds["away-org"]
    other_url = reverse("person", kwargs={"slug": other_org.slug, "member_id": other_target.pk})
    assert deciding.post(other_url, confirm).status_code == 404
