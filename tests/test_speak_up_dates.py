"""Issue 8, findings 7 and 13 (speak up): odd dates, ids and JSON through every door.

The attacks: a concern dated 9999 written straight into the database (as the old import
allowed) must not break the queue, a case page, the statistics, the quarterly return
(page and CSV), the API or the overdue alerts; every door that takes dates (the import
page, the import API, the guardian's step form and its API, `echoorg concerns analyse`)
refuses dates after today and impossible orders with the row and field named, and
nothing is written; wrong types, over-long or unsafe ids, lone surrogates and deeply
nested JSON give messages, never a 500 or a traceback.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from echoorg.accounts.models import ApiToken
from echoorg.concerns import services
from echoorg.concerns.models import CaseEvent, Concern

HEADER = "case,type,date,risk_of_harm,category,mode,unit,leader,to,outcome,note\n"
FAR = dt.date(9999, 12, 31)


@pytest.fixture
def guardian(org, make_person):
    return make_person(org, "guardian")


@pytest.fixture
def api(guardian):
    _, token = ApiToken.issue(guardian, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def raise_one(org, days_ago: int = 10, **extra) -> Concern:
    return services.raise_concern(
        org,
        mode="anonymous",
        category="patient_safety",
        at_risk=["patients"],
        risk_of_harm=True,
        text="A concern",
        with_receipt=False,
        received_on=timezone.localdate() - dt.timedelta(days=days_ago),
        **extra,
    ).concern


@pytest.fixture
def broken(org, tree):
    """As an insider with the database (or the import before this fix) could leave them:
    a case received on 31 December 9999, one concluded then, one acknowledged before it
    was received, one from the year 1, beside an ordinary case."""
    cache.clear()  # the guardian's navigation caches the overdue count
    ordinary = raise_one(org, unit=tree["Recruitment"])
    far = raise_one(org, unit=tree["Recruitment"])
    Concern.objects.filter(pk=far.pk).update(received_on=FAR)
    CaseEvent.objects.filter(concern=far).update(date=FAR)
    concluded_far = raise_one(org, unit=tree["Support"])
    CaseEvent.objects.create(
        concern=concluded_far, type="concluded", date=FAR, detail={"outcome": "substantiated"}
    )
    CaseEvent.objects.create(concern=concluded_far, type="protective_action", date=FAR)
    inverted = raise_one(org)
    CaseEvent.objects.create(
        concern=inverted, type="acknowledged", date=inverted.received_on - dt.timedelta(days=400)
    )
    ancient = raise_one(org)
    Concern.objects.filter(pk=ancient.pk).update(received_on=dt.date.min)
    CaseEvent.objects.filter(concern=ancient).update(date=dt.date.min)
    CaseEvent.objects.create(
        concern=ancient, type="feedback_given", detail=[1, 2], date=dt.date.min
    )
    # Written straight into the database, past the services: the stored clock figures
    # are computed again as `echoorg concerns refresh --all` does.
    services.refresh(everything=True)
    return {
        "ordinary": ordinary,
        "far": far,
        "concluded_far": concluded_far,
        "inverted": inverted,
        "ancient": ancient,
    }


# --- what is already stored: every page, endpoint and command answers -------------------


def test_the_queue_and_every_case_page_answer_with_dates_out_of_range(
    login_as, guardian, org, broken
):
    client = login_as(guardian)
    queue = client.get(reverse("concerns", kwargs={"slug": org.slug}))
    assert queue.status_code == 200
    html = queue.content.decode()
    assert html.count("Date out of range: check the case") == 4
    # Triage (core.concerns.figures): a case not yet acknowledged comes first, then the
    # marked cases, so that they are corrected, before any case in hand.
    assert html.index(broken["ordinary"].reference) < html.index(broken["far"].reference)
    for step in ("acknowledged", "protective_action"):  # it has a risk of harm
        services.add_event(guardian, broken["ordinary"], type=step, date=services.today_for(org))
    html = client.get(reverse("concerns", kwargs={"slug": org.slug})).content.decode()
    assert html.index(broken["far"].reference) < html.index(broken["ordinary"].reference)
    for name, concern in broken.items():
        page = client.get(
            reverse("concern", kwargs={"slug": org.slug, "reference": concern.reference})
        )
        assert page.status_code == 200, name
        text = page.content.decode()
        if name == "ordinary":
            assert '<svg class="timeline"' in text and "Date out of range" not in text
        else:
            assert "Date out of range." in text and '<svg class="timeline"' not in text
    far = client.get(
        reverse("concern", kwargs={"slug": org.slug, "reference": broken["far"].reference})
    )
    assert "is after today" in far.content.decode()


def test_statistics_and_the_return_answer_with_dates_out_of_range(
    login_as, guardian, org, broken, make_person
):
    leader = login_as(make_person(org, "leader"))
    for by in ("unit", "leader"):
        stats = leader.get(reverse("concern_insights", kwargs={"slug": org.slug}), {"by": by})
        assert stats.status_code == 200
        assert "their dates are out of range" in stats.content.decode()
    url = reverse("concern_return", kwargs={"slug": org.slug})
    board = login_as(make_person(org, "board"))
    for client in (login_as(guardian), board):
        for query in (
            {},
            {"year": "9999", "quarter": "4"},
            {"year": "9" * 5000},
            {"year": "0", "quarter": "9"},
            {"year": "-1"},
            {"year": "٢٠٢٦"},
        ):
            page = client.get(url, query)
            assert page.status_code == 200, query
            csv_file = client.get(url, {**query, "format": "csv"})
            assert csv_file.status_code == 200 and csv_file["Content-Type"] == "text/csv"
    asked = board.get(url, {"year": "9999", "quarter": "4"}).content.decode()
    assert "There is no return for the year or quarter asked for" in asked


def test_the_api_answers_with_dates_out_of_range(client, org, broken, api, make_person):
    listed = client.get(f"/api/organisations/{org.slug}/concerns", **api)
    assert listed.status_code == 200
    marks = {c["reference"]: c["analysis"]["date_out_of_range"] for c in listed.json()["items"]}
    assert marks[broken["far"].reference] and not marks[broken["ordinary"].reference]
    one = client.get(f"/api/organisations/{org.slug}/concerns/{broken['far'].reference}", **api)
    assert one.status_code == 200
    assert any("after today" in p for p in one.json()["analysis"]["date_problems"])
    board = make_person(org, "board")
    _, token = ApiToken.issue(board, "b")
    for by in ("unit", "leader"):
        stats = client.get(
            f"/api/organisations/{org.slug}/concerns-statistics",
            {"by": by},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert stats.status_code == 200


def test_the_overdue_alerts_run_with_dates_out_of_range(org, broken, guardian, capsys):
    call_command("concerns", "alerts", "--dry-run")
    assert "Would send 1 alert email." in capsys.readouterr().out


# --- the doors refuse dates after today and impossible orders, naming row and field -----


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "A1,received,2025-01-02,false,fraud,named,,,,,\nA1,acknowledged,9999-12-31,,,,,,,,\n",
            "Row 3: the date 9999-12-31 is after today",
        ),
        (
            "A1,received,9998-01-02,false,fraud,named,,,,,\n",
            "Row 2: the date 9998-01-02 is after today",
        ),
        (
            "A1,received,2025-01-02,false,fraud,named,,,,,\nA1,acknowledged,2024-12-31,,,,,,,,\n",
            "Row 3: dated 2024-12-31, before the concern was received (2025-01-02).",
        ),
        (
            "A1,received,2025-01-02,false,fraud,named,,,,,\nA1,feedback_given,2025-01-01,,,,,,,,\n",
            "Row 3: dated 2025-01-01, before the concern was received (2025-01-02).",
        ),
        (
            "A1,received,2025-01-02,false,fraud,named,,,,,\n"
            "A1,concluded,2024-06-01,,,,,,,substantiated,\n",
            "Row 3: dated 2024-06-01, before the concern was received (2025-01-02).",
        ),
        (
            "A1,received,2025-01-02,false,fraud,named,,,,,\nA1,reopened,2025-02-01,,,,,,,,\n",
            "Row 3: reopened on 2025-02-01, but not concluded on or before that date.",
        ),
    ],
)
def test_the_import_page_refuses_future_dates_and_impossible_orders(
    login_as, guardian, org, rows, message
):
    response = login_as(guardian).post(
        reverse("concern_import", kwargs={"slug": org.slug}),
        {"file": SimpleUploadedFile("h.csv", (HEADER + rows).encode())},
    )
    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Concern.objects.exists() and not CaseEvent.objects.exists()


def test_the_import_page_refuses_a_json_file_with_9999(login_as, guardian, org):
    data = [
        {
            "id": "J1",
            "events": [
                {"type": "received", "date": "2025-01-02"},
                {"type": "concluded", "date": "9999-12-31", "outcome": "substantiated"},
            ],
        }
    ]
    response = login_as(guardian).post(
        reverse("concern_import", kwargs={"slug": org.slug}),
        {"file": SimpleUploadedFile("h.json", json.dumps(data).encode())},
    )
    assert response.status_code == 400
    assert (
        "Case 1 (id &#x27;J1&#x27;), event 2: the date 9999-12-31 is after today"
        in response.content.decode()
    )
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [{"type": "received", "date": "9999-12-31"}],
            "Case 1 (id 'A'), event 1: the date 9999-12-31 is after today",
        ),
        (
            [
                {"type": "received", "date": "2025-01-02"},
                {"type": "acknowledged", "date": "2025-01-01"},
            ],
            "Case 1 (id 'A'), event 2: dated 2025-01-01, before the concern was received",
        ),
    ],
)
def test_the_import_api_refuses_future_dates_and_impossible_orders(
    client, org, api, events, message
):
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [{"id": "A", "events": events}],
        content_type="application/json",
        **api,
    )
    assert response.status_code == 422
    assert any(p.startswith(message) for p in response.json()["problems"])
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"type": "acknowledged", "date": "9999-12-31"}, "date", "cannot be dated in the future"),
        ({"type": "acknowledged", "date": "2001-01-01"}, "date", "cannot come before"),
        ({"type": "reopened"}, "type", "can only be reopened on or after"),
    ],
)
def test_the_step_form_and_its_api_refuse_future_dates_and_impossible_orders(
    login_as, guardian, org, api, client, data, field, message
):
    concern = raise_one(org)
    post = {"action": "event", "date": timezone.localdate(), **data}
    page = login_as(guardian).post(
        reverse("concern", kwargs={"slug": org.slug, "reference": concern.reference}), post
    )
    assert page.status_code == 400 and message in page.content.decode()
    assert (
        f'id="id_{field}_error"' in page.content.decode() or f"id_{field}" in page.content.decode()
    )
    api_post = client.post(
        f"/api/organisations/{org.slug}/concerns/{concern.reference}/events",
        {"type": data["type"], "date": str(post["date"])},
        content_type="application/json",
        **api,
    )
    assert api_post.status_code == 422 and message in api_post.json()["detail"]
    assert concern.events.count() == 1


def test_a_reopening_after_a_conclusion_is_recorded(org, guardian):
    concern = raise_one(org)
    today = timezone.localdate()
    services.add_event(
        guardian, concern, type="concluded", date=today, detail={"outcome": "substantiated"}
    )
    services.add_event(guardian, concern, type="reopened", date=today)
    assert concern.events.filter(type="reopened").exists()


# --- finding 13: wrong types, ids, text and nesting -------------------------------------


def good(**extra) -> dict:
    return {"id": "A1", "events": [{"type": "received", "date": "2025-01-02"}], **extra}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (good(category=["x"]), "Case 1 (id 'A1'): category must be one of"),
        (good(at_risk=5), "Case 1 (id 'A1'): at_risk must be a list of values among"),
        (good(at_risk=[["staff"]]), "Case 1 (id 'A1'): at_risk must be a list of values among"),
        (
            good(leader={}),
            "Case 1 (id 'A1'): leader must be the name of a leader (text), not an object.",
        ),
        (good(leader={"a": 1}), "Case 1 (id 'A1'): leader must be the name of a leader"),
        (good(unit=[]), "Case 1 (id 'A1'): unit must be the name of a unit (text), not a list."),
        (
            good(mode=3),
            "Case 1 (id 'A1'): mode must be one of named, confidential, anonymous, not a number.",
        ),
        (good(title=["t"]), "Case 1 (id 'A1'): title must be text, not a list."),
        (good(title="t" * 201), "Case 1 (id 'A1'): title is longer than 200 characters."),
        (good(summary={"x": 1}), "Case 1 (id 'A1'): summary must be text, not an object."),
        (
            good(would_speak_up_again=[1]),
            "Case 1 (id 'A1'): would_speak_up_again must be yes, unsure or no, not a list.",
        ),
        (good(risk_of_harm="yes"), "Case 1 (id 'A1'): risk_of_harm must be true or false"),
        (
            {"id": "A1", "events": [{"type": "received", "date": "2025-01-02", "note": {}}]},
            "Case 1 (id 'A1'), event 1: 'note' must be text, not an object.",
        ),
        (
            {"id": "A1", "events": [{"type": ["received"], "date": "2025-01-02"}]},
            "Case 1 (id 'A1'), event 1: a list is not an event type.",
        ),
        (
            {"id": "A1", "events": [{"type": "received", "date": ["2025-01-02"]}]},
            "Case 1 (id 'A1'), event 1: the date a list is not YYYY-MM-DD.",
        ),
        (
            {"id": "A1", "events": [{"type": "external_referral", "date": "2025-01-02", "to": []}]},
            "Case 1 (id 'A1'), event 1: 'to' must be one of",
        ),
        ({"id": "A1", "events": "none"}, "Case 1 (id 'A1'): events must be a list, not a string."),
        ({"id": {"x": 1}, "events": []}, "Case 1: the id must be a string or a whole number"),
    ],
)
def test_the_import_api_names_the_field_of_a_wrong_type(client, org, api, case, message):
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [case],
        content_type="application/json",
        **api,
    )
    assert response.status_code == 422, response.content
    assert any(p.startswith(message) for p in response.json()["problems"]), response.json()[
        "problems"
    ]
    assert not Concern.objects.exists()


def test_ids_the_same_after_truncation_are_refused_before_truncation(
    client, org, api, login_as, guardian
):
    long_a, long_b = "R" * 18 + "-one", "R" * 18 + "-two"
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [good(id=long_a), good(id=long_b)],
        content_type="application/json",
        **api,
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "Case 1: the id is longer than 18 characters (22).",
        "Case 2: the id is longer than 18 characters (22).",
    ]
    page = login_as(guardian).post(
        reverse("concern_import", kwargs={"slug": org.slug}),
        {
            "file": SimpleUploadedFile(
                "h.csv",
                (
                    HEADER + f"{long_a},received,2025-01-02,,,,,,,,\n"
                    f"{long_b},received,2025-01-02,,,,,,,,\n"
                ).encode(),
            )
        },
    )
    assert page.status_code == 400
    assert "Row 2: the id is longer than 18 characters (22)." in page.content.decode()
    assert "Row 3: the id is longer than 18 characters (22)." in page.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize("bad_id", ["A/1", "A?1", "A#1", "../x", "A 1", "%2F"])
def test_ids_that_would_break_the_case_address_are_refused(client, org, api, bad_id):
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [good(id=bad_id)],
        content_type="application/json",
        **api,
    )
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith(
        "Case 1: the id must be made of letters A-Z, digits, '.', '_' and '-' only"
    )
    assert not Concern.objects.exists()


def test_an_imported_case_opens_at_its_address(client, org, api, login_as, guardian):
    longest = "Z9._-" + "x" * 13
    response = client.post(
        f"/api/organisations/{org.slug}/concerns-import",
        [good(id=longest)],
        content_type="application/json",
        **api,
    )
    assert response.status_code == 201
    concern = Concern.objects.get()
    assert concern.reference == f"H-{longest}" and len(concern.reference) == 20
    page = login_as(guardian).get(
        reverse("concern", kwargs={"slug": org.slug, "reference": concern.reference})
    )
    assert page.status_code == 200
    assert (
        client.get(f"/api/organisations/{org.slug}/concerns/{concern.reference}", **api).status_code
        == 200
    )


def test_a_lone_surrogate_or_nul_is_refused_by_the_import_api(client, org, api):
    url = f"/api/organisations/{org.slug}/concerns-import"
    for body in (
        '[{"id": "A1", "title": "\\ud800", "events": []}]',
        '[{"id": "A1", "events": [{"type": "received", "date": "2025-01-02", '
        '"note": "x\\udfff"}]}]',
        '[{"id": "A1", "unit": "a\\u0000b", "events": []}]',
    ):
        response = client.post(url, body, content_type="application/json", **api)
        assert response.status_code == 422, body
        assert response.json()["problems"][0].startswith("Case 1: holds ")
    assert not Concern.objects.exists()


def test_deep_nesting_and_huge_numbers_are_refused_by_the_import_api_and_page(
    client, org, api, login_as, guardian
):
    url = f"/api/organisations/{org.slug}/concerns-import"
    nested = "[" * 100_000 + "]" * 100_000
    huge = '[{"id": ' + "9" * 5000 + ', "events": []}]'
    for body in (nested, huge):
        assert client.post(url, body, content_type="application/json", **api).status_code == 400
    middling = '[{"id": "A1", "events": [], "x": ' + "[" * 500 + "]" * 500 + "}]"
    response = client.post(url, middling, content_type="application/json", **api)
    assert response.status_code in (400, 422)
    page_url = reverse("concern_import", kwargs={"slug": org.slug})
    guardian_client = login_as(guardian)
    for body, message in (
        (nested, "nested too deeply"),
        (huge, "a number too long"),
        (middling, "nested more than 16 levels deep"),
    ):
        page = guardian_client.post(page_url, {"file": SimpleUploadedFile("h.json", body.encode())})
        assert page.status_code == 400 and message in page.content.decode()
    assert not Concern.objects.exists()


def test_a_csv_field_over_the_csv_limit_is_refused_with_its_row(login_as, guardian, org):
    rows = HEADER + "A1,received,2025-01-02,,,,,,,," + "x" * 200_000 + "\n"
    page = login_as(guardian).post(
        reverse("concern_import", kwargs={"slug": org.slug}),
        {"file": SimpleUploadedFile("h.csv", rows.encode())},
    )
    assert (
        page.status_code == 400 and "Row 2: field larger than field limit" in page.content.decode()
    )


# --- `echoorg concerns analyse` ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            json.dumps(
                [
                    {
                        "id": "A",
                        "events": [
                            {"type": "received", "date": "9998-06-01"},
                            {"type": "acknowledged", "date": "9999-12-31"},
                        ],
                    }
                ]
            ),
            "Case 1 (id 'A'), event 1: the date 9998-06-01 is after today",
        ),
        (
            json.dumps(
                [
                    {
                        "id": "A",
                        "events": [
                            {"type": "received", "date": "2026-01-05"},
                            {"type": "feedback_given", "date": "2025-12-01"},
                        ],
                    }
                ]
            ),
            "Case 1 (id 'A'), event 2: dated 2025-12-01, before the concern was received",
        ),
        ('[{"id": ' + "7" * 5000 + ', "events": []}]', "holds a number too long to read"),
        (
            json.dumps([{"id": "7" * 5000, "events": []}]),
            "Case 1: the id is longer than 18 characters (5000).",
        ),
        (
            '[{"id": "\\ud800", "events": [{"type": "received", "date": "2026-01-05"}]}]',
            "Case 1: holds text that is not valid Unicode",
        ),
        ("[" * 100_000 + "]" * 100_000, "is nested too deeply to be a file of cases"),
    ],
)
def test_analyse_gives_a_message_not_a_traceback(tmp_path, content, message):
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("concerns", "analyse", str(path), "--as-of", "2026-06-01")
    assert message in str(caught.value)
