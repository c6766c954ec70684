"""Instruments whose item ids are spelt as real survey exports spell them (`A1`, `Q12_3`,
`CML2`): accepted, matched exactly against a responses file's header on both reading
routes (the C accelerator and NumPy/Arrow), with headers that do not match named."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from echoorg.core.diagnostic import fastread
from echoorg.core.diagnostic.instrument import InstrumentError, load_instrument_text
from echoorg.core.diagnostic.responses import (
    ResponseFileError,
    missing_items_note,
    read_responses_csv,
)

# Five traits with five items each, named as the Big Five data shipped with R's psych
# package names its columns (A1..A5, C1..C5, E1..E5, N1..N5, O1..O5). The wording is
# echoorg's own, written for this test.
TRAITS = {
    "A": ("agreeableness", "I notice when a colleague is having a hard day"),
    "C": ("conscientiousness", "I finish the work I said I would do"),
    "E": ("extraversion", "I start conversations with people I do not know"),
    "N": ("neuroticism", "I worry about things that may go wrong"),
    "O": ("openness", "I enjoy ideas that are new to me"),
}
BIG_FIVE_IDS = [f"{letter}{n}" for letter in TRAITS for n in range(1, 6)]


def big_five(extra_items: list[dict] | None = None) -> dict:
    return {
        "id": "big-five-style",
        "version": 1,
        "title": "Five traits, ids as in a survey export",
        "response_scale": {
            "min": 1,
            "max": 6,
            "labels": [
                "Very inaccurate",
                "Moderately inaccurate",
                "Slightly inaccurate",
                "Slightly accurate",
                "Moderately accurate",
                "Very accurate",
            ],
        },
        "scales": [
            {"id": name, "name": name.title(), "description": text, "source": "test"}
            for name, text in TRAITS.values()
        ],
        "items": [
            {
                "id": item,
                "text": f"{TRAITS[item[0]][1]} ({item}).",
                "scale": TRAITS[item[0]][0],
                "reverse": item.endswith("1"),
            }
            for item in BIG_FIVE_IDS
        ]
        + (extra_items or []),
    }


INSTRUMENT = load_instrument_text(yaml.safe_dump(big_five()))


def responses_file(header: list[str], rows: int = 60, seed: int = 3) -> tuple[bytes, list]:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["respondent", "unit", *header])
    expected = []
    for r in range(rows):
        answers = [rng.randint(1, 6) for _ in header]
        expected.append(dict(zip(header, answers, strict=True)))
        writer.writerow([f"P{r}", "Ward 7" if r % 2 else "Ward 9", *answers])
    return out.getvalue().encode(), expected


def test_ids_with_capitals_digits_and_underscores_are_accepted():
    document = big_five(
        [
            {"id": "Q12_3", "text": "A question from a staff survey.", "scale": "openness"},
            {"id": "CML2", "text": "A question from another tool.", "scale": "openness"},
        ]
    )
    for item in document["items"]:
        item.setdefault("reverse", False)
    instrument = load_instrument_text(yaml.safe_dump(document))
    assert instrument.item_ids[:5] == ("A1", "A2", "A3", "A4", "A5")
    assert instrument.item_ids[-2:] == ("Q12_3", "CML2")


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("1A", "items[25].id: '1A' must be letters (either case), digits and underscores"),
        ("A-1", "items[25].id: 'A-1' must be letters (either case)"),
        ("a1", "items[25].id: 'a1' is used by another item, as 'A1' (ids may not differ only"),
        ("Unit", "items[25].id: 'Unit' is reserved for the response file"),
    ],
)
def test_ids_that_cannot_be_matched_safely_are_refused_naming_the_field(bad_id, message):
    document = big_five([{"id": bad_id, "text": "t", "scale": "openness", "reverse": False}])
    with pytest.raises(InstrumentError) as caught:
        load_instrument_text(yaml.safe_dump(document))
    assert str(caught.value).startswith(message)


@pytest.mark.usefixtures("both_routes")
def test_a_file_with_big_five_columns_is_read_exactly_on_both_routes(both_routes, monkeypatch):
    shuffled = BIG_FIVE_IDS[::-1]  # the file's own column order, not the instrument's
    data, expected = responses_file(shuffled)
    taken = []
    real = fastread.read_plain
    monkeypatch.setattr(
        fastread, "read_plain", lambda *a, **k: taken.append(real(*a, **k)) or taken[-1]
    )
    table = read_responses_csv(data, INSTRUMENT, accelerated=True)
    # The accelerated route really read the file in C; the other never reached it.
    assert [t is not None for t in taken] == ([True] if both_routes == "accelerated" else [])
    assert table.missing_items == ()
    for position, row in enumerate(expected):
        got = dict(zip(INSTRUMENT.item_ids, table.answers[position].tolist(), strict=True))
        assert got == {item: float(value) for item, value in row.items()}


@pytest.mark.usefixtures("both_routes")
def test_a_header_in_other_capitals_is_refused_naming_the_id_it_should_be():
    header = [i.lower() if i == "C3" else i for i in BIG_FIVE_IDS]
    data, _ = responses_file(header)
    with pytest.raises(ResponseFileError) as caught:
        read_responses_csv(data, INSTRUMENT, accelerated=True)
    assert str(caught.value) == (
        "Row 1: 'c3' is not an item of big-five-style@1: item ids are matched exactly, "
        "capitals included; the instrument has 'C3'."
    )


@pytest.mark.usefixtures("both_routes")
def test_missing_item_columns_are_named():
    header = [i for i in BIG_FIVE_IDS if i not in ("N4", "O5")]
    data, _ = responses_file(header)
    table = read_responses_csv(data, INSTRUMENT, accelerated=True)
    assert table.missing_items == ("N4", "O5")
    assert missing_items_note(table) == (
        "No column in the file for 2 item(s), counted as unanswered: N4, O5."
    )


def test_a_header_with_no_item_column_says_what_was_expected():
    with pytest.raises(ResponseFileError) as caught:
        read_responses_csv(b"respondent,unit\nP1,Ward 7\n", INSTRUMENT)
    assert "the header has no item column of big-five-style@1" in str(caught.value)
    assert "(A1, A2, A3, A4, A5, …)" in str(caught.value)


@pytest.mark.usefixtures("both_routes")
def test_the_score_command_scores_a_big_five_style_file(tmp_path: Path, capsys):
    (tmp_path / "big-five.yaml").write_text(yaml.safe_dump(big_five()))
    header = [i for i in BIG_FIVE_IDS if i != "E2"]
    data, expected = responses_file(header, rows=40)
    (tmp_path / "responses.csv").write_bytes(data)
    (tmp_path / "units.csv").write_text("unit,parent\nTrust,\nWard 7,Trust\nWard 9,Trust\n")
    call_command(
        "survey",
        "score",
        "--instrument",
        str(tmp_path / "big-five.yaml"),
        "--responses",
        str(tmp_path / "responses.csv"),
        "--units",
        str(tmp_path / "units.csv"),
        "--out",
        str(tmp_path / "out"),
        "--quiet",
    )
    assert "treated as unanswered): E2" in capsys.readouterr().err
    with open(tmp_path / "out" / "units.csv") as handle:
        rows = {row["unit"]: row for row in csv.DictReader(handle)}
    # Openness has no reverse-keyed item but O1; the trust's mean by hand, over everyone.
    by_hand = []
    for row in expected:
        values = [7 - row[i] if i == "O1" else row[i] for i in ("O1", "O2", "O3", "O4", "O5")]
        by_hand.append(sum(values) / 5)
    assert rows["Trust"]["n"] == "40"
    assert float(rows["Trust"]["openness"]) == pytest.approx(sum(by_hand) / 40, abs=1e-3)


@pytest.mark.django_db
def test_an_organisation_imports_a_big_five_file_and_is_told_which_item_had_no_column(
    org, tree, facilitator, login_as
):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone

    from echoorg.diagnostic import services
    from echoorg.diagnostic.models import Response

    services.add_instrument(facilitator, org, yaml.safe_dump(big_five()))
    today = timezone.localdate()
    wave = services.create_wave(
        facilitator,
        org,
        title="Traits",
        instrument_key="big-five-style@1",
        opens_on=today,
        closes_on=today + dt.timedelta(days=5),
        min_group=5,
        collection="import",
    )
    services.open_wave(facilitator, wave, "http://testserver")
    header = [i for i in BIG_FIVE_IDS if i != "N4"]
    data, expected = responses_file(header, rows=12)
    data = data.replace(b"Ward 7", b"Recruitment").replace(b"Ward 9", b"Support")
    url = reverse("wave_import", kwargs={"slug": org.slug, "wave_id": wave.pk})
    page = login_as(facilitator).post(
        url, {"file": SimpleUploadedFile("traits.csv", data)}, follow=True
    )
    assert "Imported 12 responses. No column in the file for 1 item(s), counted as " in (
        page.content.decode()
    )
    assert "unanswered: N4." in page.content.decode()
    stored = sorted((r.answers for r in Response.objects.filter(wave=wave)), key=str)
    assert stored == sorted(expected, key=str)  # keyed by the ids exactly as written


def test_a_workbook_with_big_five_columns_is_matched_exactly():
    from openpyxl import Workbook

    from echoorg.core.diagnostic.responses import read_responses_xlsx

    def workbook(header: list[str]) -> bytes:
        book = Workbook()
        book.active.append(["respondent", "unit", *header])
        book.active.append(["P1", "Ward 7", *range(1, len(header) + 1)])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    header = BIG_FIVE_IDS[:6]  # A1..A5, C1
    table = read_responses_xlsx(workbook(header), INSTRUMENT)
    assert dict(zip(INSTRUMENT.item_ids[:6], table.answers[0][:6].tolist(), strict=True)) == {
        "A1": 1.0,
        "A2": 2.0,
        "A3": 3.0,
        "A4": 4.0,
        "A5": 5.0,
        "C1": 6.0,
    }
    with pytest.raises(ResponseFileError, match="the instrument has 'A2'"):
        read_responses_xlsx(workbook(["A1", "a2"]), INSTRUMENT)
