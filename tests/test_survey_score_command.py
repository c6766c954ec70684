"""`echoorg survey score`: the researcher's contract, checked against plain Python."""

from __future__ import annotations

import csv
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from echoorg.core.diagnostic.instrument import find_instrument

INSTRUMENT = find_instrument("echo-culture-v1")

pytestmark = pytest.mark.usefixtures("both_routes")
ITEMS = list(INSTRUMENT.item_ids)


def write(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def make_data(folder: Path, seed: int = 1, respondents: int = 400):
    rng = random.Random(seed)
    units = [
        ["unit", "parent"],
        ["Org", ""],
        ["North", "Org"],
        ["South", "Org"],
        ["N1", "North"],
        ["N2", "North"],
        ["S1", "South"],
        ["Tiny", "South"],
    ]
    weights = {"Org": 1, "North": 2, "South": 1, "N1": 10, "N2": 8, "S1": 12, "Tiny": 0.05}
    names = list(weights)
    rows = [["respondent", "unit", *ITEMS]]
    for r in range(respondents):
        unit = rng.choices(names, weights=[weights[n] for n in names])[0]
        answers = ["" if rng.random() < 0.15 else str(rng.randint(1, 5)) for _ in ITEMS]
        rows.append([f"R{r}", unit, *answers])
    rows.append(["T1", "Tiny", *["3"] * len(ITEMS)])
    rows.append(["T2", "Tiny", *["4"] * len(ITEMS)])
    return write(folder / "responses.csv", rows), write(folder / "units.csv", units)


def reference(responses: Path, units: Path):
    """Scores by the contract, written out longhand."""
    with open(units) as handle:
        parent = {r["unit"]: r["parent"] or None for r in csv.DictReader(handle)}
    per_unit: dict[str, list[dict]] = {u: [] for u in parent}
    with open(responses) as handle:
        for row in csv.DictReader(handle):
            scores = {}
            for scale in INSTRUMENT.scales:
                items = INSTRUMENT.items_of(scale.id)
                values = []
                for item in items:
                    if row[item.id]:
                        x = int(row[item.id])
                        values.append(6 - x if item.reverse else x)
                scores[scale.id] = (
                    sum(values) / len(values) if len(values) * 2 >= len(items) else None
                )
            answered = any(row[i] for i in ITEMS)
            node = row["unit"]
            while node is not None:
                per_unit[node].append({"answered": answered, **scores})
                node = parent[node]
    figures = {}
    for unit, people in per_unit.items():
        n = sum(p["answered"] for p in people)
        means = {}
        for scale in INSTRUMENT.scales:
            got = [p[scale.id] for p in people if p[scale.id] is not None]
            means[scale.id] = (sum(got) / len(got), len(got)) if got else (None, 0)
        figures[unit] = (n, means)
    return figures, parent


def run(folder: Path, *extra: str) -> Path:
    out = folder / "out"
    call_command(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(folder / "responses.csv"),
        "--units",
        str(folder / "units.csv"),
        "--out",
        str(out),
        "--quiet",
        *extra,
    )
    return out


def test_it_writes_the_three_files_with_the_contracted_columns(tmp_path):
    make_data(tmp_path)
    out = run(tmp_path)
    with open(out / "units.csv") as handle:
        header = next(csv.reader(handle))
    assert header == ["unit", "n", "suppressed", *[s.id for s in INSTRUMENT.scales]]
    with open(out / "reliability.csv") as handle:
        assert next(csv.reader(handle)) == ["scale", "n_items", "n_complete", "alpha", "omega"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["instrument"] == "echo-culture-v1@1" and summary["min_group"] == 5


def test_its_figures_match_the_contract(tmp_path):
    responses, units = make_data(tmp_path)
    out = run(tmp_path)
    expected, _ = reference(responses, units)
    with open(out / "units.csv") as handle:
        rows = {r["unit"]: r for r in csv.DictReader(handle)}
    assert set(rows) == set(expected)
    for unit, (n, means) in expected.items():
        row = rows[unit]
        assert int(row["n"]) == n
        assert row["suppressed"] == ("true" if n < 5 else row["suppressed"])
        for scale, (mean, count) in means.items():
            if row["suppressed"] == "true":
                assert row[scale] == ""
            elif row[scale]:
                assert count >= 5
                assert float(row[scale]) == pytest.approx(mean, abs=1e-12)


def test_no_parent_is_shown_with_exactly_one_suppressed_child_and_nobody_of_its_own(tmp_path):
    responses, units = make_data(tmp_path)
    out = run(tmp_path)
    _, parent = reference(responses, units)
    with open(out / "units.csv") as handle:
        rows = {r["unit"]: r for r in csv.DictReader(handle)}
    own = {u: 0 for u in parent}
    with open(responses) as handle:
        for r in csv.DictReader(handle):
            own[r["unit"]] += any(r[i] for i in ITEMS)
    assert rows["Tiny"]["suppressed"] == "true"
    for unit in parent:
        children = [c for c, p in parent.items() if p == unit]
        hidden = [c for c in children if rows[c]["suppressed"] == "true"]
        if rows[unit]["suppressed"] == "false" and own[unit] == 0:
            assert len(hidden) != 1, unit


def test_alpha_matches_a_longhand_computation(tmp_path):
    responses, _ = make_data(tmp_path)
    out = run(tmp_path)
    with open(responses) as handle:
        data = list(csv.DictReader(handle))
    with open(out / "reliability.csv") as handle:
        reliability = {r["scale"]: r for r in csv.DictReader(handle)}
    for scale in INSTRUMENT.scales:
        items = INSTRUMENT.items_of(scale.id)
        complete = [
            [(6 - int(r[i.id])) if i.reverse else int(r[i.id]) for i in items]
            for r in data
            if all(r[i.id] for i in items)
        ]
        k = len(items)

        def var(xs):
            m = sum(xs) / len(xs)
            return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

        alpha = (
            k
            / (k - 1)
            * (
                1
                - sum(var([row[j] for row in complete]) for j in range(k))
                / var([sum(row) for row in complete])
            )
        )
        assert int(reliability[scale.id]["n_complete"]) == len(complete)
        assert float(reliability[scale.id]["alpha"]) == pytest.approx(alpha, abs=1e-9)
        assert 0 < float(reliability[scale.id]["omega"]) <= 1 or math.isnan(
            float(reliability[scale.id]["omega"])
        )


def test_without_a_units_file_units_are_flat(tmp_path):
    make_data(tmp_path)
    out = tmp_path / "flat"
    call_command(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(tmp_path / "responses.csv"),
        "--out",
        str(out),
        "--quiet",
    )
    with open(out / "units.csv") as handle:
        rows = {r["unit"]: r for r in csv.DictReader(handle)}
    assert rows["Org"]["n"] != str(sum(int(r["n"]) for r in rows.values()))
    assert set(rows) == {"Org", "North", "South", "N1", "N2", "S1", "Tiny"}


def test_a_larger_minimum_group_suppresses_more(tmp_path):
    make_data(tmp_path)
    five = run(tmp_path)
    with open(five / "units.csv") as handle:
        hidden_at_5 = sum(r["suppressed"] == "true" for r in csv.DictReader(handle))
    forty = tmp_path / "forty"
    call_command(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(tmp_path / "responses.csv"),
        "--units",
        str(tmp_path / "units.csv"),
        "--min-group",
        "40",
        "--out",
        str(forty),
        "--quiet",
    )
    with open(forty / "units.csv") as handle:
        assert sum(r["suppressed"] == "true" for r in csv.DictReader(handle)) > hidden_at_5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["R1", "N1", "7"], "Row 3: thr1 is 7"),
        (["R0", "N1", "3"], "Row 3: respondent 'R0' is a duplicate of row 2"),
        (["R1", "N1", "x"], "Row 3: thr1 is 'x'"),
        (["R1", "", "3"], "Row 3: the unit is empty"),
        (["R1", "N1"], "Row 3: expected 3 columns, found 2"),
    ],
)
def test_a_malformed_file_is_refused_with_its_row_and_nothing_is_written(tmp_path, row, message):
    write(tmp_path / "responses.csv", [["respondent", "unit", "thr1"], ["R0", "N1", "2"], row])
    write(tmp_path / "units.csv", [["unit", "parent"], ["N1", ""]])
    with pytest.raises(CommandError, match=message):
        run(tmp_path)
    assert not (tmp_path / "out").exists()


def test_an_unknown_item_column_is_refused(tmp_path):
    write(tmp_path / "responses.csv", [["respondent", "unit", "nonsense"], ["R0", "N1", "2"]])
    write(tmp_path / "units.csv", [["unit", "parent"], ["N1", ""]])
    with pytest.raises(CommandError, match="'nonsense' is not an item"):
        run(tmp_path)


def test_a_units_file_with_a_cycle_is_refused(tmp_path):
    make_data(tmp_path)
    write(tmp_path / "units.csv", [["unit", "parent"], ["A", "B"], ["B", "A"]])
    with pytest.raises(CommandError, match="Row 2: units.csv: cycle of parents"):
        run(tmp_path)


def test_a_minimum_group_below_three_is_refused(tmp_path):
    make_data(tmp_path)
    with pytest.raises(CommandError, match="at least 3"):
        run(tmp_path, "--min-group", "2")


def test_the_shell_command_exits_non_zero_on_bad_input(tmp_path, both_routes):
    write(tmp_path / "responses.csv", [["respondent", "unit", "thr1"], ["R0", "N1", "9"]])
    pure = {"ECHOORG_PURE_PYTHON": "1"} if both_routes == "numpy" else {}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "echoorg.cli",
            "survey",
            "score",
            "--instrument",
            "echo-culture-v1",
            "--responses",
            str(tmp_path / "responses.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **pure},
    )
    assert result.returncode != 0
    assert "Row 2: thr1 is 9" in result.stderr


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("3.0", "3"),
        ("4.", "4"),
        ("2.000", "2"),
        ('"5"', "5"),
        ("NA", ""),
        ("N/A", ""),
        ("NaN", ""),
        ("nan", ""),
        ("null", ""),
        ("NULL", ""),
    ],
)
def test_other_tools_spellings_of_answers_and_blanks_score_as_meant(tmp_path, written, meant):
    """pandas writes 3.0 in a column with blanks, R writes NA: both mean what they say."""

    def answers(value: str) -> list[str]:
        return [value if i < 3 else str(1 + i % 5) for i in range(len(ITEMS))]

    def score(value: str) -> str:
        lines = ["respondent,unit," + ",".join(ITEMS)]
        lines += [f"R{r},N1," + ",".join(answers(value if r == 0 else "2")) for r in range(6)]
        (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n")
        write(tmp_path / "units.csv", [["unit", "parent"], ["N1", ""]])
        out = run(tmp_path)
        return (out / "units.csv").read_text() + (out / "reliability.csv").read_text()

    assert score(written) == score(meant)


@pytest.mark.parametrize("written", ["3.5", "3,0", "three", "-", ".0", "N A"])
def test_answers_that_are_not_whole_numbers_are_still_refused(tmp_path, written):
    lines = ["respondent,unit,thr1,thr2", f'R0,N1,2,"{written}"', "R1,N1,2,3"]
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n")
    write(tmp_path / "units.csv", [["unit", "parent"], ["N1", ""]])
    with pytest.raises(CommandError, match=r"Row 2: thr2 is '.+'; answers must be whole"):
        run(tmp_path)
    assert not (tmp_path / "out").exists()


def test_the_shell_command_starts_without_django_or_arrow(tmp_path):
    """The researcher's command is pure core: no Django set up, no system checks, and no
    Arrow on the accelerated route (issue 9); SciPy loads only for omega."""
    make_data(tmp_path)
    probe = (
        "import sys\n"
        "from echoorg.cli import main\n"
        "try:\n"
        f"    main(['survey', 'score', '--instrument', 'echo-culture-v1', '--responses',"
        f" {str(tmp_path / 'responses.csv')!r}, '--out', {str(tmp_path / 'o')!r},"
        " '--quiet'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "from echoorg.core.diagnostic import fastread\n"
        "print(fastread.available(),"
        " sorted(m for m in ('django', 'pyarrow', 'rich') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "ECHOORG_PURE_PYTHON")
        },
    )
    assert result.returncode == 0, result.stderr
    accelerated, loaded = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert loaded == ("[]" if accelerated == "True" else "['pyarrow']")
    assert (tmp_path / "o" / "summary.json").exists()
