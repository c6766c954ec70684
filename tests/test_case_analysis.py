"""The ECHO case analysis (issue 12): starting one from each kind of case, saving each
step (and refusing bad input with nothing written), resuming, the page and the PDF,
sharing with a mentor, privacy, encryption at rest, the API, and guardians sharing a
concluded concern for learning."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from echoorg.analysis import services
from echoorg.analysis.development import items as development_items
from echoorg.analysis.models import CaseAnalysis
from echoorg.audit.models import AuditEntry
from echoorg.concerns.models import LearningCase
from echoorg.concerns.services import add_event, raise_concern
from echoorg.core.analysis.steps import STEP_KEYS
from echoorg.orgs.models import Membership

SECRET = "Zephyrine-the-ward-sister-7731"


@pytest.fixture
def people(org, other_org, make_person):
    return {
        "leader": make_person(org, "leader"),
        "other_leader": make_person(org, "leader"),
        "facilitator": make_person(org, "facilitator"),
        "mentor": make_person(org, "mentor"),
        "other_mentor": make_person(org, "mentor"),
        "guardian": make_person(org, "guardian"),
        "staff": make_person(org, "staff"),
        "away_leader": make_person(other_org, "leader"),
        "away_mentor": make_person(other_org, "mentor"),
    }


def _url(name: str, org, **kwargs) -> str:
    return reverse(name, kwargs={"slug": org.slug, **kwargs})


def _start_own(client, org, title: str = "A night on the ward") -> CaseAnalysis:
    response = client.post(_url("analyses", org), {"source": "own", "title": title})
    assert response.status_code == 302, response.content[:500]
    return CaseAnalysis.objects.latest("pk")


def _concluded_concern(org, guardian):
    concern = raise_concern(
        org,
        mode="named",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text=f"The concern's own words: {SECRET}",
        received_on=timezone.localdate() - dt.timedelta(days=60),
        with_receipt=False,
    ).concern
    add_event(
        guardian,
        concern,
        type="concluded",
        date=timezone.localdate() - dt.timedelta(days=1),
        detail={"outcome": "substantiated"},
    )
    return concern


# -- starting and writing -----------------------------------------------------------------


def test_an_inquiry_fills_in_the_timeline_and_the_steps_save_and_resume(org, people, login_as):
    client = login_as(people["leader"])
    response = client.post(
        _url("analyses", org), {"source": "inquiry", "inquiry": "countess-of-chester"}
    )
    analysis = CaseAnalysis.objects.get(author=people["leader"])
    assert response["Location"] == _url("analysis_step", org, analysis_id=analysis.pk, step="facts")
    page = client.get(response["Location"]).content.decode()
    assert "Countess of Chester" in page and 'type="date"' in page
    assert 'value="2015-06-01"' in page  # the library's first event, as an ISO date

    step = _url("analysis_step", org, analysis_id=analysis.pk, step="risk")
    saved = client.post(
        step,
        {"most_at_risk": "The babies on the unit.", "paramount": "Their safety.", "go": "next"},
    )
    assert saved["Location"] == _url("analysis_step", org, analysis_id=analysis.pk, step="systems")
    analysis.refresh_from_db()
    assert analysis.steps_saved == ["risk"]
    assert analysis.content["risk"]["most_at_risk"] == "The babies on the unit."
    assert services.resume_step(analysis) == "facts"
    # The list offers to continue where the leader stopped.
    listing = client.get(_url("analyses", org)).content.decode()
    assert _url("analysis_step", org, analysis_id=analysis.pk, step="facts") in listing


def test_each_step_saves_from_its_form(org, people, login_as):
    client = login_as(people["leader"])
    analysis = _start_own(client, org)
    forms = {
        "facts": {
            "summary": "A summary.",
            "event-0-date": "2025-02-03",
            "event-0-precision": "day",
            "event-0-kind": "concern_raised",
            "event-0-description": "A nurse raises a concern.",
            "event-1-date": "",
            "event-1-precision": "day",
            "event-1-kind": "concern_raised",
            "event-1-description": "",
        },
        "risk": {"most_at_risk": "Patients", "paramount": "Safety"},
        "systems": {
            "stage-0-period": "Early",
            "stage-0-starts": "2025-02-03",
            "stage-0-ends": "2025-05-01",
            "stage-0-dominant": "threat",
            "stage-0-reading": "Reputation first.",
            "stage-1-period": "",
            "stage-1-dominant": "unclear",
            "balance": "Threat throughout.",
        },
        "assumptions": {"assumptions": "It could not happen here.", "power": "The board's."},
        "unheard": {"not_heard": "The families.", "missing_voices": "Night staff."},
        "responses": {
            "defensive": ["reporter_asked_to_apologise"],
            "protective": ["external_referral"],
            "defensive_note": "An apology was demanded.",
            "protective_note": "Police called late.",
        },
        "actions": {
            "action-0-action": "Refer within a day.",
            "action-0-owner": "Medical director",
            "action-0-due": "2027-01-15",
            "action-1-action": "",
            "action-1-owner": "",
            "action-1-due": "2027-02-01",  # a pre-filled date alone is a blank row
        },
    }
    for key, data in forms.items():
        url = _url("analysis_step", org, analysis_id=analysis.pk, step=key)
        assert client.post(url, {**data, "go": "stay"}).status_code == 302, key
    analysis.refresh_from_db()
    assert analysis.steps_saved == list(STEP_KEYS)
    content = analysis.content
    assert content["facts"]["events"] == [
        {
            "date": "2025-02-03",
            "precision": "day",
            "kind": "concern_raised",
            "description": "A nurse raises a concern.",
        }
    ]
    assert len(content["systems"]["stages"]) == 1
    assert content["actions"]["actions"] == [
        {"action": "Refer within a day.", "owner": "Medical director", "due": "2027-01-15"}
    ]
    page = client.get(_url("analysis", org, analysis_id=analysis.pk)).content.decode()
    for text in (
        "Reputation first.",
        "Person who raised the concern asked to apologise",
        "2027-01-15",
    ):
        assert text in page
    assert '<svg class="analysis-timeline"' in page and 'id="analysis-event-0"' in page
    # The actions step offers ISO dates to the date inputs.
    form = client.get(_url("analysis_step", org, analysis_id=analysis.pk, step="actions"))
    assert 'value="2027-01-15"' in form.content.decode()


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (
            "facts",
            {"event-0-date": "31/12/2025", "event-0-kind": "harm", "event-0-description": "x"},
            "YYYY-MM-DD",
        ),
        (
            "facts",
            {"event-0-date": "2025-01-01", "event-0-kind": "rumour", "event-0-description": "x"},
            "rumour",
        ),
        ("systems", {"stage-0-period": "A", "stage-0-dominant": "fury"}, "fury"),
        (
            "actions",
            {"action-0-action": "Do", "action-0-owner": "", "action-0-due": "2027-01-01"},
            "owner",
        ),
        ("risk", {"most_at_risk": "x" * 10_001}, "at most 10000"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    org, people, login_as, step, data, message
):
    client = login_as(people["leader"])
    analysis = _start_own(client, org)
    before = (bytes(analysis.content_encrypted), list(analysis.steps_saved))
    response = client.post(_url("analysis_step", org, analysis_id=analysis.pk, step=step), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    analysis.refresh_from_db()
    assert (bytes(analysis.content_encrypted), list(analysis.steps_saved)) == before


@pytest.mark.parametrize(
    "data",
    [
        {"source": "inquiry", "inquiry": "no-such-inquiry"},
        {"source": "own", "title": ""},
        {"source": "shared", "shared_case": "999999"},
        {"source": "gossip"},
    ],
)
def test_a_bad_start_is_refused_and_nothing_is_created(org, people, login_as, data):
    response = login_as(people["leader"]).post(_url("analyses", org), data)
    assert response.status_code == 400
    assert not CaseAnalysis.objects.exists()


def test_an_unknown_step_is_not_found(org, people, login_as):
    client = login_as(people["leader"])
    analysis = _start_own(client, org)
    assert client.get(f"/o/{org.slug}/analyses/{analysis.pk}/steps/gossip/").status_code == 404


# -- privacy ------------------------------------------------------------------------------


def test_others_are_refused_an_analysis_by_url_and_api(org, other_org, people, login_as):
    analysis = _start_own(login_as(people["leader"]), org)
    urls = [
        _url("analysis", org, analysis_id=analysis.pk),
        _url("analysis_pdf", org, analysis_id=analysis.pk),
        _url("analysis_step", org, analysis_id=analysis.pk, step="facts"),
        f"/api/organisations/{org.slug}/analyses/{analysis.pk}",
    ]
    for who in ("other_leader", "facilitator", "mentor", "staff", "guardian", "away_leader"):
        client = login_as(people[who])
        for url in urls:
            assert client.get(url).status_code in (403, 404), (who, url)
        assert client.post(
            f"/api/organisations/{org.slug}/analyses/{analysis.pk}/steps/risk",
            {"most_at_risk": "x"},
            content_type="application/json",
        ).status_code in (403, 404), who
        listed = client.get(f"/api/organisations/{org.slug}/analyses")
        assert listed.status_code in (403, 404) or all(
            a["id"] != analysis.pk for a in listed.json()
        ), who
    # The same organisation's other leader and an unshared mentor: "not found", not "forbidden".
    assert login_as(people["other_leader"]).get(urls[0]).status_code == 404
    assert login_as(people["mentor"]).get(urls[0]).status_code == 404


def test_a_named_mentor_reads_but_cannot_change_and_loses_it_when_unshared(org, people, login_as):
    author = login_as(people["leader"])
    analysis = _start_own(author, org, title="Shared reflections")
    page = _url("analysis", org, analysis_id=analysis.pk)
    assert author.post(page, {"action": "share", "mentor": people["mentor"].pk}).status_code == 302
    analysis.refresh_from_db()
    assert analysis.mentor == people["mentor"]
    mentor = login_as(people["mentor"])
    seen = mentor.get(page)
    assert seen.status_code == 200 and "Shared reflections" in seen.content.decode()
    assert AuditEntry.objects.filter(action="analysis.read_by_mentor").count() == 1
    assert mentor.get(_url("analysis_pdf", org, analysis_id=analysis.pk)).status_code == 200
    api = mentor.get(f"/api/organisations/{org.slug}/analyses/{analysis.pk}")
    assert api.status_code == 200 and api.json()["title"] == "Shared reflections"
    # Reading is all: no step form, no changes, no re-sharing.
    assert (
        mentor.get(_url("analysis_step", org, analysis_id=analysis.pk, step="risk")).status_code
        == 403
    )
    assert mentor.post(page, {"action": "share", "mentor": ""}).status_code == 403
    # Another mentor of the organisation still sees nothing.
    assert login_as(people["other_mentor"]).get(page).status_code == 404
    author.post(page, {"action": "share", "mentor": ""})
    assert mentor.get(page).status_code == 404


def test_a_mentor_who_loses_the_role_loses_the_shared_analysis(org, people, login_as):
    author = login_as(people["leader"])
    analysis = _start_own(author, org)
    author.post(
        _url("analysis", org, analysis_id=analysis.pk),
        {"action": "share", "mentor": people["mentor"].pk},
    )
    membership = Membership.objects.get(user=people["mentor"], organisation=org)
    membership.roles = ["staff", "leader"]
    membership.save()
    client = login_as(people["mentor"])
    assert client.get(_url("analysis", org, analysis_id=analysis.pk)).status_code == 404
    assert client.get(f"/api/organisations/{org.slug}/analyses/{analysis.pk}").status_code == 404


def test_written_markup_is_shown_as_text_on_the_page_and_in_the_picture(org, people, login_as):
    client = login_as(people["leader"])
    analysis = _start_own(client, org, title="<b>Bold</b> title")
    client.post(
        _url("analysis_step", org, analysis_id=analysis.pk, step="facts"),
        {
            "event-0-date": "2025-01-01",
            "event-0-kind": "warning",
            "event-0-description": '<script>alert(1)</script>"><svg onload=alert(2)>',
        },
    )
    page = client.get(_url("analysis", org, analysis_id=analysis.pk)).content.decode()
    assert "<script>alert(1)" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(1)" in page and "&lt;b&gt;Bold" in page


def test_another_organisations_shared_case_cannot_be_used(org, other_org, people, login_as):
    from echoorg.concerns.learning import share_for_learning

    away_guardian = Membership.objects.create(
        user=people["staff"].__class__.objects.create_user("g@away.example", "pw-long-enough-1"),
        organisation=other_org,
        roles=["guardian"],
    ).user
    concern = _concluded_concern(other_org, away_guardian)
    shared = share_for_learning(
        away_guardian, concern, title="Away", summary="Away case", events=[]
    )
    response = login_as(people["leader"]).post(
        f"/api/organisations/{org.slug}/analyses",
        {"source": "shared", "shared_case_id": shared.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not CaseAnalysis.objects.exists()


@pytest.mark.parametrize("who", ["other_leader", "facilitator", "away_mentor", "leader"])
def test_only_the_organisations_mentors_can_be_named(org, people, login_as, who):
    author = login_as(people["leader"])
    analysis = _start_own(author, org)
    response = author.post(
        _url("analysis", org, analysis_id=analysis.pk),
        {"action": "share", "mentor": people[who].pk},
    )
    assert response.status_code == 400
    analysis.refresh_from_db()
    assert analysis.mentor is None


def test_analysis_text_is_encrypted_at_rest(org, people, login_as):
    client = login_as(people["leader"])
    analysis = _start_own(client, org, title=f"Title {SECRET}")
    client.post(
        _url("analysis_step", org, analysis_id=analysis.pk, step="risk"),
        {"most_at_risk": f"Risk {SECRET}", "paramount": "x"},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT title_encrypted, content_encrypted FROM analysis_caseanalysis")
        stored = b"".join(bytes(value) for row in cursor.fetchall() for value in row)
    assert SECRET.encode() not in stored
    analysis.refresh_from_db()
    assert analysis.title == f"Title {SECRET}"
    audit = b"".join(str(e.detail).encode() for e in AuditEntry.objects.all())
    assert SECRET.encode() not in audit


def test_key_rotation_reencrypts_analyses_and_shared_cases(org, people, login_as, settings):
    from django.core.management import call_command

    from echoorg.concerns.learning import share_for_learning
    from echoorg.core.crypto import new_key

    analysis = _start_own(login_as(people["leader"]), org, title=f"Title {SECRET}")
    concern = _concluded_concern(org, people["guardian"])
    shared = share_for_learning(people["guardian"], concern, title="T", summary="S", events=[])
    old = (bytes(analysis.content_encrypted), bytes(shared.summary_encrypted))
    settings.ECHOORG_ENCRYPTION_KEYS = [new_key(), *settings.ECHOORG_ENCRYPTION_KEYS]
    call_command("concerns", "rotate-key")
    settings.ECHOORG_ENCRYPTION_KEYS = settings.ECHOORG_ENCRYPTION_KEYS[:1]  # the new key only
    analysis.refresh_from_db()
    shared.refresh_from_db()
    assert (bytes(analysis.content_encrypted), bytes(shared.summary_encrypted)) != old
    assert analysis.title == f"Title {SECRET}" and shared.summary == "S"


def test_key_rotation_covers_analyses(org, people, login_as):
    from echoorg.common.parts import encrypted_fields

    fields = {e.model: e.fields for e in encrypted_fields()}
    assert fields["analysis.CaseAnalysis"] == ("title_encrypted", "content_encrypted")
    assert set(fields["concerns.LearningCase"]) == {
        "title_encrypted",
        "summary_encrypted",
        "timeline_encrypted",
    }


# -- the PDF --------------------------------------------------------------------------------


def test_the_pdf_holds_the_analysis_and_its_timeline(org, people, login_as):
    client = login_as(people["leader"])
    client.post(_url("analyses", org), {"source": "inquiry", "inquiry": "countess-of-chester"})
    analysis = CaseAnalysis.objects.get(author=people["leader"])
    client.post(
        _url("analysis_step", org, analysis_id=analysis.pk, step="risk"),
        {"most_at_risk": "The babies on the neonatal unit", "paramount": "Calling the police"},
    )
    client.post(
        _url("analysis_step", org, analysis_id=analysis.pk, step="systems"),
        {
            "stage-0-period": "Quarrelsome spring",
            "stage-0-starts": "2015-06-01",
            "stage-0-ends": "2020-06-30",
            "stage-0-dominant": "threat",
        },
    )
    response = client.get(_url("analysis_pdf", org, analysis_id=analysis.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Countess of Chester" in flat
    # The status of the convictions and the inquiry travels with the case, with its source.
    assert "Criminal Cases Review Commission" in flat
    assert "The babies on the neonatal unit" in flat
    assert "Events of the case" in flat  # the table alternative
    # Drawn inside the timeline's SVG only: the stage's band label (the stages table names
    # the system in its own words) and the axis's first year.
    assert "Threat: Quarrelsome spring" in flat
    assert "Threat (red)" in flat
    assert " 2015 " in f" {flat} "
    assert len(reader.pages) >= 2


# -- guardians share a concluded concern for learning ---------------------------------------


def test_a_guardian_shares_a_concluded_concern_and_leaders_see_only_the_summary(
    org, people, login_as
):
    concern = _concluded_concern(org, people["guardian"])
    guardian = login_as(people["guardian"])
    url = _url("concern_learning", org, reference=concern.reference)
    assert (
        "Share this case for learning"
        in guardian.get(_url("concern", org, reference=concern.reference)).content.decode()
    )
    response = guardian.post(
        url,
        {
            "title": "Concerns about a colleague on a ward",
            "summary": "Staff raised concerns; leaders looked inward first.",
            "event-0-date": "2025-01-01",
            "event-0-precision": "month",
            "event-0-kind": "concern_raised",
            "event-0-description": "First concern raised.",
        },
    )
    assert response.status_code == 302
    shared = LearningCase.objects.get(concern=concern)
    assert AuditEntry.objects.filter(action="concern.shared_for_learning").exists()

    leader = login_as(people["leader"])
    listing = leader.get(_url("analyses", org)).content.decode()
    assert "Concerns about a colleague on a ward" in listing
    assert concern.reference not in listing
    started = leader.post(_url("analyses", org), {"source": "shared", "shared_case": shared.pk})
    analysis = CaseAnalysis.objects.get(author=people["leader"])
    facts = leader.get(started["Location"]).content.decode()
    page = leader.get(_url("analysis", org, analysis_id=analysis.pk)).content.decode()
    for shown in (facts, page):
        assert "leaders looked inward first" in shown
        assert SECRET not in shown and concern.reference not in shown
    api = leader.get(f"/api/organisations/{org.slug}/analyses/{analysis.pk}").json()
    assert api["shared_summary"].startswith("Staff raised concerns")
    assert SECRET not in str(api)

    # Withdrawn: gone from the list, from new analyses and from the existing one.
    assert guardian.post(url, {"action": "withdraw"}).status_code == 302
    assert AuditEntry.objects.filter(action="concern.learning_withdrawn").exists()
    assert "Concerns about a colleague" not in leader.get(_url("analyses", org)).content.decode()
    page = leader.get(_url("analysis", org, analysis_id=analysis.pk)).content.decode()
    assert "leaders looked inward first" not in page and "withdrawn" in page
    again = leader.post(_url("analyses", org), {"source": "shared", "shared_case": shared.pk})
    assert again.status_code == 400


def test_an_open_concern_cannot_be_shared(org, people, login_as):
    concern = raise_concern(
        org, mode="anonymous", category="other", at_risk=[], risk_of_harm=False, text="Open"
    ).concern
    guardian = login_as(people["guardian"])
    response = guardian.post(
        _url("concern_learning", org, reference=concern.reference),
        {"title": "T", "summary": "S"},
    )
    assert response.status_code == 400
    assert not LearningCase.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "summary": "S"}, "title"),
        ({"title": "T", "summary": ""}, "anonymised summary"),
        (
            {
                "title": "T",
                "summary": "S",
                "event-0-date": "yesterday",
                "event-0-kind": "harm",
                "event-0-description": "x",
            },
            "YYYY-MM-DD",
        ),
    ],
)
def test_a_bad_summary_is_refused_and_nothing_shared(org, people, login_as, data, message):
    concern = _concluded_concern(org, people["guardian"])
    response = login_as(people["guardian"]).post(
        _url("concern_learning", org, reference=concern.reference), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LearningCase.objects.exists()


def test_only_guardians_share_for_learning(org, people, login_as):
    concern = _concluded_concern(org, people["guardian"])
    url = _url("concern_learning", org, reference=concern.reference)
    for who in ("leader", "facilitator", "mentor", "away_leader"):
        client = login_as(people[who])
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"title": "T", "summary": "S"}).status_code in (403, 404)
    assert not LearningCase.objects.exists()


# -- the API --------------------------------------------------------------------------------


def test_the_api_starts_reads_and_saves_steps(org, people, login_as):
    client = login_as(people["leader"])
    started = client.post(
        f"/api/organisations/{org.slug}/analyses",
        {"source": "inquiry", "inquiry_id": "mid-staffordshire"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["steps"]["facts"]["events"] and body["next_step"] == "facts"
    step_url = f"/api/organisations/{org.slug}/analyses/{body['id']}/steps/actions"
    saved = client.post(
        step_url,
        {"actions": [{"action": "Review", "owner": "Me", "due": "2027-03-01"}]},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["actions"][0]["due"] == "2027-03-01"
    bad = client.post(
        step_url,
        {"actions": [{"action": "Review", "owner": "Me", "due": "March"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "actions[0].due" in bad.json()["detail"]
    assert client.post(step_url, b"{not json", content_type="application/json").status_code == 400
    unknown = f"/api/organisations/{org.slug}/analyses/{body['id']}/steps/gossip"
    assert client.post(unknown, {}, content_type="application/json").status_code == 404
    detail = client.get(f"/api/organisations/{org.slug}/analyses/{body['id']}").json()
    assert detail["steps"]["actions"]["actions"][0]["owner"] == "Me"
    assert detail["steps_saved"] == ["actions"]


# -- the worked example, the demo and the development page ----------------------------------


def test_the_worked_example_is_read_by_leaders_and_mentors_and_changed_by_nobody(
    org, people, login_as
):
    example = services.add_worked_example(org, timezone.localdate())
    url = _url("analysis", org, analysis_id=example.pk)
    for who in ("leader", "mentor"):
        page = login_as(people[who]).get(url)
        assert page.status_code == 200 and "Fictional worked example" in page.content.decode()
    leader = login_as(people["leader"])
    assert (
        leader.get(_url("analysis_step", org, analysis_id=example.pk, step="risk")).status_code
        == 404
    )
    assert leader.post(url, {"action": "complete"}).status_code == 404
    assert login_as(people["facilitator"]).get(url).status_code == 403
    assert login_as(people["away_leader"]).get(url).status_code == 404
    assert services.add_worked_example(org, timezone.localdate()).pk == example.pk


def test_the_development_hook_lists_the_members_own_analyses(org, people, login_as, rf):
    services.add_worked_example(org, timezone.localdate())
    member = Membership.objects.get(user=people["leader"], organisation=org)
    request = rf.get("/")
    request.user = people["leader"]
    waiting = development_items(request, org, member)
    assert [i.status for i in waiting] == ["waiting", "waiting"]
    analysis = _start_own(login_as(people["leader"]), org, title="My own case")
    analysis.mentor = people["mentor"]
    analysis.save()
    (item,) = development_items(request, org, member)
    assert (item.title, item.status, item.kind) == ("My own case", "in progress", "Case analysis")
    mentor_member = Membership.objects.get(user=people["mentor"], organisation=org)
    request.user = people["mentor"]
    shared = [i for i in development_items(request, org, mentor_member) if i.status == "shared"]
    assert [i.title for i in shared] == ["My own case"]
    staff = Membership.objects.get(user=people["staff"], organisation=org)
    request.user = people["staff"]
    assert development_items(request, org, staff) == []


def test_the_demo_has_the_worked_example_and_the_leaders_analysis(demo_data):
    from echoorg.core.demo import DOMAIN, ORG_SLUG

    example = CaseAnalysis.objects.get(organisation__slug=ORG_SLUG, is_example=True)
    assert "fictional" in example.title.lower()
    assert example.content["responses"]["defensive"]
    mine = CaseAnalysis.objects.get(author__email=f"leader@{DOMAIN}", organisation__slug=ORG_SLUG)
    assert mine.steps_saved == ["facts", "risk"] and mine.completed is None
