"""Results, exports, imports, the API and instruments of the culture diagnostic."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from echoorg.accounts.models import ApiToken
from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.diagnostic.models import CustomInstrument, Response, SurveyWave

YAML = shipped_instruments()["echo-culture-v1"].read_text()


def answers(level: int, audience: str = "staff") -> dict[str, int]:
    from echoorg.core.diagnostic.instrument import load_instrument_text

    instrument = load_instrument_text(YAML)
    return {i.id: (6 - level if i.reverse else level) for i in instrument.items_for(audience)}


@pytest.fixture
def closed_wave(org, tree):
    """Recruitment: 8 answers (threat high), Support: 2, Fostering itself: 1, Adults: 6."""
    wave = SurveyWave.objects.create(
        organisation=org,
        title="Closed wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 1, 31),
        status=SurveyWave.CLOSED,
    )
    rows = (
        [(tree["Recruitment"], 4, "A comment from recruitment.")] * 8
        + [(tree["Support"], 2, "")] * 2
        + [(tree["Fostering"], 3, "")]
        + [(tree["Adults"], 2, "")] * 6
    )
    for n, (unit, level, comment) in enumerate(rows):
        Response.objects.create(
            wave=wave,
            unit=unit,
            answers=answers(level),
            demographics={
                "staff_group": "Other" if n % 2 else "Business support and administration"
            },
            comment=comment,
        )
    return wave


def results_url(org, wave, **query):
    url = reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_whole_organisation_is_shown_with_its_profile(login_as, facilitator, org, closed_wave):
    html = login_as(facilitator).get(results_url(org, closed_wave)).content.decode()
    assert "whole organisation" in html and "17 people answered" in html
    assert '<svg class="circles"' in html and "<title" in html


def test_small_units_and_what_would_reveal_them_are_suppressed(
    login_as, facilitator, org, tree, closed_wave
):
    from echoorg.diagnostic.results import wave_results

    results = {r.unit.name: r for r in wave_results(closed_wave)}
    assert not results["Support"].shown  # 2 answers
    # Fostering = 11 answers; minus Recruitment (8, shown) leaves 3 (Support 2 + own 1):
    # showing both would reveal those three, so one of them is withheld.
    assert not (results["Fostering"].shown and results["Recruitment"].shown)
    assert results["Adults"].shown and results["Adults"].means["threat"] == pytest.approx(2.0)
    page = (
        login_as(facilitator)
        .get(results_url(org, closed_wave, unit=tree["Support"].pk))
        .content.decode()
    )
    assert "Too few people answered" in page


def test_comments_need_ten_people_and_come_without_dates(
    login_as, facilitator, org, tree, closed_wave
):
    client = login_as(facilitator)
    page = client.get(results_url(org, closed_wave, unit=tree["Fostering"].pk)).content.decode()
    # The results page counts the comments by theme and links to them (11 people).
    assert "Comments (8)" in page and "A comment from recruitment." not in page
    comments = reverse("wave_comments", kwargs={"slug": org.slug, "wave_id": closed_wave.pk})
    assert f'href="{comments}?unit={tree["Fostering"].pk}&amp;theme=other-comments"' in page
    listed = client.get(comments, {"unit": tree["Fostering"].pk}).content.decode()
    assert listed.count("A comment from recruitment.") == 8
    small = client.get(results_url(org, closed_wave, unit=tree["Recruitment"].pk))
    assert "Comments (" not in small.content.decode()
    refused = client.get(comments, {"unit": tree["Recruitment"].pk}).content.decode()
    assert "A comment from recruitment." not in refused
    assert "Comments are shown only for groups of at least 10 people" in refused


def test_a_background_question_split_hides_small_groups(login_as, facilitator, org, closed_wave):
    page = login_as(facilitator).get(results_url(org, closed_wave, unit=0, cut="staff_group"))
    html = page.content.decode()
    assert "Which best describes your role?" in html
    assert page.status_code == 200


def test_unit_figures_export_as_csv_and_xlsx(login_as, facilitator, org, closed_wave):
    client = login_as(facilitator)
    url = reverse(
        "wave_results_export", kwargs={"slug": org.slug, "wave_id": closed_wave.pk, "fmt": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
    support = next(r for r in rows if r["unit"] == "Support")
    assert support["suppressed"] == "true" and support["threat"] == "" and support["n"] == ""
    book = load_workbook(io.BytesIO(client.get(url.replace(".csv", ".xlsx")).content))
    assert book["Units"]["A1"].value == "unit"
    assert client.get(url.replace(".csv", ".pdf")).status_code == 404


def test_researchers_get_deidentified_rows_ready_for_scoring(
    login_as, make_person, org, tree, closed_wave, tmp_path
):
    import zipfile

    from django.core.management import call_command

    researcher = make_person(org, "researcher")
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": closed_wave.pk})
    bundle = zipfile.ZipFile(io.BytesIO(login_as(researcher).get(url).content))
    assert set(bundle.namelist()) == {"responses.csv", "background.csv", "units.csv", "README.txt"}
    text = bundle.read("responses.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 17 and "comment" not in rows[0]
    # Support (2) and Fostering's own answer are reported under a larger unit, and every
    # unit name written covers at least five responses.
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["unit"]] = counts.get(row["unit"], 0) + 1
    assert "Support" not in counts and min(counts.values()) >= 5
    background = list(csv.DictReader(io.StringIO(bundle.read("background.csv").decode())))
    assert [r["respondent"] for r in background] == [r["respondent"] for r in rows]
    bundle.extractall(tmp_path)
    call_command(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(tmp_path / "responses.csv"),
        "--units",
        str(tmp_path / "units.csv"),
        "--out",
        str(tmp_path / "scored"),
        "--quiet",
    )
    assert (tmp_path / "scored" / "units.csv").exists()


def test_published_figures_keep_the_tree_they_closed_with(org, tree, closed_wave):
    from echoorg.diagnostic.results import wave_results

    closed_wave.freeze_unit_tree()
    closed_wave.save()
    before = {r.unit.name: (r.n, r.shown) for r in wave_results(closed_wave)}
    support = tree["Support"]
    support.parent = tree["Adults"]
    support.name = "Support (moved)"
    support.save()
    from django.core.cache import cache

    cache.clear()
    after = {r.unit.name: (r.n, r.shown) for r in wave_results(closed_wave)}
    assert after == before


def test_leaders_never_get_rows(login_as, make_person, org, closed_wave):
    leader = make_person(org, "leader")
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": closed_wave.pk})
    assert login_as(leader).get(url).status_code == 403


def test_the_reliability_page_lists_every_scale(login_as, facilitator, org, closed_wave):
    url = reverse("wave_psychometrics", kwargs={"slug": org.slug, "wave_id": closed_wave.pk})
    html = login_as(facilitator).get(url).content.decode()
    for name in ("Threat system", "Soothing system", "Coercive-control indicators"):
        assert name in html


def test_trends_draw_one_small_chart_per_scale(login_as, facilitator, org, closed_wave):
    html = login_as(facilitator).get(reverse("trends", kwargs={"slug": org.slug})).content.decode()
    assert html.count('<svg class="small-trend"') == len(closed_wave.instrument.scales)
    assert "Closed wave" in html and "Threat system across waves" in html


# --- imports ------------------------------------------------------------------------------


@pytest.fixture
def open_wave(org):
    """An open wave that collects its answers by import (a links wave takes none)."""
    return SurveyWave.objects.create(
        organisation=org,
        title="Open wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2099, 1, 1),
        status=SurveyWave.OPEN,
        collection=SurveyWave.IMPORT,
    )


def upload(client, org, wave, name: str, data: bytes):
    url = reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_a_good_csv_is_imported(login_as, facilitator, org, tree, open_wave):
    data = b"respondent,unit,thr1,thr2\nA1,Recruitment,4,5\nA2,Support,,2\n"
    response = upload(login_as(facilitator), org, open_wave, "r.csv", data)
    assert response.status_code == 302
    assert Response.objects.filter(wave=open_wave, source="import").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"respondent,unit,nope\nA,Recruitment,1\n", "Row 1: &#x27;nope&#x27; is not an item"),
        (b"respondent,unit,thr1\nA,Recruitment,1\nB,Recruitment,8\n", "Row 3: thr1 is 8"),
        (b"respondent,unit,thr1\nA,Recruitment,1\nA,Recruitment,2\n", "duplicate of row 2"),
        (b"respondent,unit,thr1\nA,Nowhere,1\n", "Row 2: unit &#x27;Nowhere&#x27; is not a unit"),
    ],
)
def test_a_bad_import_names_rows_and_writes_nothing(
    login_as, facilitator, org, tree, open_wave, data, message
):
    response = upload(login_as(facilitator), org, open_wave, "r.csv", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_a_respondent_cannot_be_imported_twice(login_as, facilitator, org, tree, open_wave):
    client = login_as(facilitator)
    upload(client, org, open_wave, "r.csv", b"respondent,unit,thr1\nA,Recruitment,1\n")
    again = upload(client, org, open_wave, "r.csv", b"respondent,unit,thr1\nA,Recruitment,2\n")
    assert "imported into this wave already" in again.content.decode()
    assert Response.objects.count() == 1


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_imported_and_checked(login_as, facilitator, org, tree, open_wave):
    client = login_as(facilitator)
    bad = upload(
        client,
        org,
        open_wave,
        "r.xlsx",
        xlsx([["respondent", "unit", "thr1"], ["A", "Recruitment", 2.5]]),
    )
    assert "Row 2: thr1 is &#x27;2.5&#x27;" in bad.content.decode()
    good = upload(
        client,
        org,
        open_wave,
        "r.xlsx",
        xlsx([["respondent", "unit", "thr1"], ["A", "Recruitment", 3], ["B", "Support", None]]),
    )
    assert good.status_code == 302
    assert Response.objects.count() == 1  # B answered nothing, so there is nothing to keep


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(login_as, facilitator, org, open_wave):
    response = upload(login_as(facilitator), org, open_wave, "r.xlsx", b"PK\x03\x04garbage")
    assert "not an Excel (.xlsx) workbook" in response.content.decode()


# --- API ----------------------------------------------------------------------------------


@pytest.fixture
def bearer(facilitator):
    _, token = ApiToken.issue(facilitator, "survey tool")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_external_tools_submit_responses(client, bearer, org, tree, open_wave):
    url = f"/api/organisations/{org.slug}/waves/{open_wave.pk}/responses"
    body = {
        "responses": [
            {"respondent": "x1", "unit": "Recruitment", "answers": {"thr1": 3}},
            {"respondent": "x2", "unit": "Support", "answers": {"thr1": 9}},
        ]
    }
    refused = client.post(url, body, content_type="application/json", **bearer)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {"row": 2, "message": "thr1 is 9; answers must be whole numbers from 1 to 5."}
    ]
    body["responses"][1]["answers"]["thr1"] = 2
    assert client.post(url, body, content_type="application/json", **bearer).status_code == 201
    assert Response.objects.filter(source="api").count() == 2
    unknown = {"responses": [{"respondent": "x3", "unit": "Support", "answers": {"zz": 1}}]}
    assert client.post(url, unknown, content_type="application/json", **bearer).status_code == 422


def test_the_api_gives_suppressed_results_only_after_closing(
    client, bearer, org, closed_wave, open_wave
):
    waiting = client.get(f"/api/organisations/{org.slug}/waves/{open_wave.pk}/results", **bearer)
    assert waiting.status_code == 409
    results = client.get(
        f"/api/organisations/{org.slug}/waves/{closed_wave.pk}/results", **bearer
    ).json()
    support = next(r for r in results if r["unit"] == "Support")
    assert support["suppressed"] and support["n"] is None
    assert all(v is None for v in support["means"].values())


def test_the_api_describes_instruments(client, bearer, org):
    listed = client.get(f"/api/organisations/{org.slug}/instruments", **bearer).json()
    assert listed[0]["key"] == "echo-culture-v1@1"
    detail = client.get(
        f"/api/organisations/{org.slug}/instruments/echo-culture-v1@1", **bearer
    ).json()
    assert len(detail["items"]) >= 40 and detail["response_max"] == 5


# --- instruments --------------------------------------------------------------------------


def test_a_facilitator_adds_an_instrument_and_a_bad_one_is_named(login_as, facilitator, org):
    client = login_as(facilitator)
    url = reverse("instruments", kwargs={"slug": org.slug})
    good = YAML.replace("id: echo-culture-v1", "id: our-survey", 1)
    assert (
        client.post(url, {"file": SimpleUploadedFile("i.yaml", good.encode())}).status_code == 302
    )
    assert CustomInstrument.objects.get().instrument_id == "our-survey"
    again = client.post(url, {"file": SimpleUploadedFile("i.yaml", good.encode())})
    assert "exists already" in again.content.decode()
    bad = good.replace("scale: threat", "scale: thret", 1).replace("our-survey", "other", 1)
    refused = client.post(url, {"file": SimpleUploadedFile("i.yaml", bad.encode())})
    assert refused.status_code == 400
    assert "scale: &#x27;thret&#x27; is not one of the scales" in refused.content.decode()
    assert CustomInstrument.objects.count() == 1


def test_a_closed_wave_takes_no_imports(login_as, facilitator, org, tree):
    closed_wave = SurveyWave.objects.create(
        organisation=org,
        title="Closed import wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 1, 31),
        status=SurveyWave.CLOSED,
        collection=SurveyWave.IMPORT,
    )
    before = Response.objects.count()
    response = upload(
        login_as(facilitator), org, closed_wave, "r.csv", b"respondent,unit,thr1\nZ,Recruitment,1\n"
    )
    assert response.status_code == 400 and "The wave is closed" in response.content.decode()
    assert Response.objects.count() == before


def test_splits_published_on_every_page_isolate_nobody(org, tree, closed_wave):
    """Every split and total shown anywhere, taken together: no group under k recoverable
    (judged by the exact check, `split_suppression.split_disclosure`, which
    tests/core/test_split_suppression.py holds against an attacker trying every group)."""
    from echoorg.core.diagnostic.cuts import NOT_ANSWERED
    from echoorg.core.diagnostic.split_suppression import split_disclosure
    from echoorg.diagnostic.results import cut_table, load_wave, wave_results

    # Make Fostering's own answer and Support's answers share a background answer.
    for response in Response.objects.filter(
        wave=closed_wave, unit__in=[tree["Support"], tree["Fostering"]]
    ):
        response.demographics = {"staff_group": "Other"}
        response.save()
    results = wave_results(closed_wave)
    table = cut_table(closed_wave, "staff_group", results)
    data = load_wave(closed_wave)
    demographic = next(d for d in data.instrument.demographics if d.id == "staff_group")
    answers = [*demographic.options, NOT_ANSWERED]
    own = [[0] * len(answers) for _ in data.units]
    for unit, given in zip(data.unit_index, data.demographics, strict=True):
        own[int(unit)][answers.index(given.get("staff_group", NOT_ANSWERED))] += 1
    by_pk = {r.unit.pk: r for r in results}
    totals = [by_pk[u.pk].shown for u in data.units]
    shown = [
        [row.n is not None for row in table.get(u.pk, [])] or [False] * len(answers)
        for u in data.units
    ]
    assert any(map(any, shown))
    assert split_disclosure(data.parents, totals, shown, own, closed_wave.min_group) is None


def test_api_rows_count_from_the_first_response(client, bearer, org, tree, open_wave):
    url = f"/api/organisations/{org.slug}/waves/{open_wave.pk}/responses"
    body = {
        "responses": [
            {"respondent": "same", "unit": "Support", "answers": {"thr1": 2}},
            {"respondent": "same", "unit": "Support", "answers": {"thr1": 3}},
        ]
    }
    problems = client.post(url, body, content_type="application/json", **bearer).json()
    assert problems["problems"] == [
        {"row": 2, "message": "respondent 'same' is a duplicate of row 1."}
    ]


def test_the_reliability_page_hides_scales_with_too_few_complete_answers(
    login_as, facilitator, org, closed_wave
):
    url = reverse("wave_psychometrics", kwargs={"slug": org.slug, "wave_id": closed_wave.pk})
    html = login_as(facilitator).get(url).content.decode()
    # Only staff answered this wave, so the leaders' self-rating scale has nobody.
    assert "Too few complete answers to show" in html
