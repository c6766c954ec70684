"""No export can carry a live spreadsheet formula (issue 8, finding 8).

A leader or facilitator names units (or an organisation) like formulas; whoever opens an
export in a spreadsheet must see text, not run it. Each export is fetched through its own
door: the results download (CSV and XLSX), the researchers' responses.zip, the
`echoorg survey score` command and the quarterly speak-up return.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from echoorg.core.diagnostic.instrument import shipped_instruments
from echoorg.core.spreadsheet import csv_cell, csv_row, is_formula_like
from echoorg.diagnostic.models import Response, SurveyWave
from echoorg.orgs.models import Unit

YAML = shipped_instruments()["echo-culture-v1"].read_text()
# Tab and carriage return lead two different names: the unit name key (which ignores
# control characters) keeps names unique within an organisation.
ATTACKS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@functools.cache
def _answers(level: int) -> dict[str, int]:
    from echoorg.core.diagnostic.instrument import load_instrument_text

    instrument = load_instrument_text(YAML)
    return {i.id: level for i in instrument.items_for("staff")}


@pytest.fixture
def attack_wave(org):
    """A closed wave over units named like formulas, each with six answers."""
    wave = SurveyWave.objects.create(
        organisation=org,
        title="=1+1",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml=YAML,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 1, 31),
        status=SurveyWave.CLOSED,
    )
    top = Unit.objects.create(organisation=org, name="-Top", kind="directorate")
    for name in ATTACKS:
        unit = Unit.objects.create(organisation=org, name=name, parent=top, kind="team")
        # Saving strips control characters from names; a row written before that rule (or
        # by someone with the database) may still start with a tab or carriage return.
        Unit.objects.filter(pk=unit.pk).update(name=name)
        for level in (1, 2, 3, 4, 5, 3):
            Response.objects.create(
                wave=wave,
                unit=unit,
                answers=_answers(level),
                demographics={"staff_group": "=cmd|' /C calc'!A0"},
            )
    return wave


def _assert_neutral(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or not is_formula_like(cell), row


def test_the_helper_quotes_formula_text_and_leaves_numbers_alone():
    assert csv_row(ATTACKS) == ["'" + a for a in ATTACKS]
    assert csv_row([-2, -0.5, 3, None, "-2", "+0.5", "plain", "a=b"]) == [
        -2,
        -0.5,
        3,
        None,
        "-2",
        "+0.5",
        "plain",
        "a=b",
    ]
    assert csv_cell("-1e3+A1") == "'-1e3+A1" and csv_cell("'=x") == "'=x"


def test_results_csv_shows_formula_like_unit_names_as_text(login_as, facilitator, org, attack_wave):
    url = reverse(
        "wave_results_export", kwargs={"slug": org.slug, "wave_id": attack_wave.pk, "fmt": "csv"}
    )
    rows = list(csv.reader(io.StringIO(login_as(facilitator).get(url).content.decode())))
    names = [row[0] for row in rows[1:]]
    for attack in ATTACKS:
        assert "'" + attack in names
    assert "'-Top" in [row[1] for row in rows[1:]]  # the parent column too
    _assert_neutral(rows)
    shown = next(row for row in rows[1:] if row[0] == "'" + ATTACKS[0])
    assert float(shown[5]) > 0  # figures stay numbers


def test_results_xlsx_writes_formula_like_unit_names_as_string_cells(
    login_as, facilitator, org, attack_wave
):
    url = reverse(
        "wave_results_export", kwargs={"slug": org.slug, "wave_id": attack_wave.pk, "fmt": "xlsx"}
    )
    content = login_as(facilitator).get(url).content
    book = load_workbook(io.BytesIO(content))
    cells = {c.value: c for c in book["Units"]["A"][1:]}
    for attack in ATTACKS[:5]:
        assert cells[attack].data_type == "s", attack
    # XML turns a lone carriage return into a newline when read back; still text
    cr = next(c for value, c in cells.items() if value.endswith("Return") and value[0] in "\r\n")
    assert cr.data_type == "s"
    numbers = [c for c in book["Units"][2] if isinstance(c.value, (int, float))]
    assert numbers and all(c.data_type == "n" for c in numbers)
    assert book["About"]["A1"].data_type == "s"  # "Wave: =1+1"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)  # not one formula in the workbook


def test_the_researchers_zip_quotes_formula_like_text(login_as, make_person, org, attack_wave):
    researcher = make_person(org, "researcher")
    url = reverse("wave_rows_export", kwargs={"slug": org.slug, "wave_id": attack_wave.pk})
    bundle = zipfile.ZipFile(io.BytesIO(login_as(researcher).get(url).content))
    for name in ("responses.csv", "background.csv", "units.csv"):
        rows = list(csv.reader(io.StringIO(bundle.read(name).decode())))
        _assert_neutral(rows)
    units = list(csv.reader(io.StringIO(bundle.read("units.csv").decode())))
    assert ["'+1+1", "'-Top"] in units
    background = bundle.read("background.csv").decode()
    assert "=cmd" not in background.replace("'=cmd", "")


def test_the_scoring_command_writes_unit_names_as_text(tmp_path):
    items = ["thr1", "thr2", "thr3", "thr4", "thr5"]
    lines = ["respondent,unit," + ",".join(items)]
    for number in range(30):
        name = ATTACKS[number % 4]  # the first four survive the readers' trimming
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"R{number},{quoted},{','.join(str(1 + number % 5) for _ in items)}")
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n")
    call_command(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(tmp_path / "responses.csv"),
        "--out",
        str(tmp_path / "out"),
        "--quiet",
    )
    rows = list(csv.reader(open(tmp_path / "out" / "units.csv", encoding="utf-8")))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + a for a in ATTACKS[:4])
    _assert_neutral(rows)


def test_the_quarterly_return_csv_passes_every_label_through_the_helper(
    login_as, make_person, org, monkeypatch
):
    from echoorg.core.concerns import metrics

    # No label there is typed by a user today; if one ever is, it is still neutralised.
    monkeypatch.setitem(metrics.CATEGORY_LABELS, "fraud", '=HYPERLINK("http://x","y")')
    guardian = make_person(org, "guardian")
    url = reverse("concern_return", kwargs={"slug": org.slug}) + "?format=csv"
    response = login_as(guardian).get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(row[2] == '\'=HYPERLINK("http://x","y")' for row in rows)
    _assert_neutral(rows)
