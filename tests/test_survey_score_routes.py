"""`echoorg survey score` writes byte-identical files with and without the C accelerator
(issue 8, finding 12; the promise in docs/researcher-cli.md), and refuses files it cannot
read with a message rather than a traceback (finding 13).

The files are generated: plain ones (the accelerator reads them), and twisted ones that
make every route fall back to its general reader (blank lines, spaces round a unit, an
escaped quote, NA spellings the accelerator does not know), with many units in orders
that differ from the units file and from the alphabet, and answers whose means have long
decimal expansions.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic import fastread
from echoorg.core.diagnostic.instrument import find_instrument

INSTRUMENT = find_instrument("echo-culture-v1")
ITEMS = list(INSTRUMENT.item_ids)
UNIT_NAMES = ["Zeta", "alpha", "Beta", "=Sum", "Ω unit", "m", "K9", "a b"]

needs_native = pytest.mark.skipif(
    not fastread.available(), reason="the C accelerator was not built (no compiler)"
)


def _score(
    folder: Path, responses: bytes, units: str | None, pure: bool, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    """The files one route writes (summary.json without its timings)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "responses.csv").write_bytes(responses)
    args = ["--responses", str(folder / "responses.csv")]
    if units is not None:
        (folder / "units.csv").write_text(units, encoding="utf-8")
        args += ["--units", str(folder / "units.csv")]
    out = folder / ("pure" if pure else "accelerated")
    with monkeypatch.context() as patch:
        if pure:
            patch.setattr(fastread, "native", None)
        call_command(
            "survey",
            "score",
            "--instrument",
            "echo-culture-v1",
            *args,
            "--out",
            str(out),
            "--quiet",
            "--min-group",
            "3",
        )
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("seconds")
    return {
        "units.csv": (out / "units.csv").read_bytes(),
        "reliability.csv": (out / "reliability.csv").read_bytes(),
        "summary": json.dumps(summary, sort_keys=True).encode(),
    }


@st.composite
def scoring_files(draw) -> tuple[bytes, str | None]:
    """A responses file and perhaps a units file naming some of its units."""
    units = draw(st.lists(st.sampled_from(UNIT_NAMES), min_size=1, max_size=6, unique=True))
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=12, unique=True))
    count = draw(st.integers(1, 40))
    twist = draw(
        st.sampled_from(["plain", "plain", "blank line", "spaces", "quote", "N/A", "crlf", "3.0"])
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if twist == "crlf" else "\n")
    writer.writerow(["respondent", "unit", *items])
    for r in range(count):
        unit = draw(st.sampled_from(units))
        answers = [draw(st.sampled_from(["1", "2", "3", "4", "5", "", "3", "4"])) for _ in items]
        writer.writerow([f"R{r}", unit, *answers])
    text = out.getvalue()
    if twist == "blank line":  # the general reader leaves blank lines out
        text = text.replace("\n", "\n\n", 1)
    elif twist == "spaces":  # trimmed by the general reader; the accelerator steps aside
        text = text.replace(f"R0,{units[0]}", f"R0, {units[0]} ", 1) if "," in text else text
    elif twist == "quote":
        text = text.replace("R0,", '"R""0",', 1)
    elif twist == "3.0":  # the accelerator reads it; Arrow's typed pass does not
        text = text.replace(",3", ",3.0")
    elif twist == "N/A":
        text = text.replace(",,", ",N/A,", 1)
    tree = None
    if draw(st.booleans()):
        listed = draw(st.permutations(units))[: draw(st.integers(1, len(units)))]
        rows = ["unit,parent"]
        for position, name in enumerate(listed):
            parent = (
                listed[draw(st.integers(0, position - 1))]
                if position and draw(st.booleans())
                else ""
            )
            rows.append(",".join(_quoted(x) for x in (name, parent)))
        tree = "\n".join(rows) + "\n"
    return text.encode(), tree


def _quoted(name: str) -> str:
    return f'"{name}"' if any(c in name for c in ',"') else name


@needs_native
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=scoring_files())
def test_both_routes_write_byte_identical_files(files, tmp_path_factory, monkeypatch):
    responses, units = files
    folder = tmp_path_factory.mktemp("routes")
    accelerated = _score(folder, responses, units, False, monkeypatch)
    pure = _score(folder, responses, units, True, monkeypatch)
    assert accelerated == pure


@needs_native
def test_units_come_in_one_order_whichever_reader_reads_them(tmp_path, monkeypatch):
    """Units not in the units file come in order of first appearance, in every route: an
    answer written 3.0 is read by the accelerator but sends the pure route to its general
    reader, which once sorted them; a blank line sends both there."""
    body = "respondent,unit,thr1\nA,Zeta,3.0\nB,alpha,4\nC,Beta,5\n"
    for twist in (body, body.replace("\n", "\n\n", 1)):
        files = [
            _score(tmp_path / f"{len(twist)}", twist.encode(), None, pure, monkeypatch)
            for pure in (False, True)
        ]
        assert files[0] == files[1]
        units = [row[0] for row in csv.reader(io.StringIO(files[0]["units.csv"].decode()))]
        assert units[1:] == ["Zeta", "alpha", "Beta"]


@needs_native
def test_means_agree_to_the_last_digit(tmp_path, monkeypatch):
    """Thirds and sevenths summed over a tree: the same digits in both routes."""
    rows = ["respondent,unit,thr1,thr2,thr3,thr4,thr5"]
    answers = ["1,2,,5,4", "3,,,2,2", "5,5,4,,1", "2,3,3,3,", ",,4,4,4", "1,1,2,,"]
    for r in range(210):
        rows.append(f"R{r},{['N1', 'N2', 'S1', 'Org'][r % 4]},{answers[r % len(answers)]}")
    units = "unit,parent\nOrg,\nN2,Org\nN1,Org\nS1,N1\n"
    body = ("\n".join(rows) + "\n").encode()
    for twist in (body, body.replace(b"\n", b"\n\n", 1)):
        files = [
            _score(tmp_path / f"{len(twist)}", twist, units, pure, monkeypatch)
            for pure in (False, True)
        ]
        assert files[0] == files[1]


def _refusal(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "responses.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command(
            "survey",
            "score",
            "--instrument",
            "echo-culture-v1",
            "--responses",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        )
    assert not (tmp_path / "out").exists()
    return str(refused.value)


@pytest.mark.usefixtures("both_routes")
def test_a_file_with_carriage_returns_alone_is_refused_naming_line_endings(tmp_path):
    message = _refusal(tmp_path, b"respondent,unit,thr1\rA,U,1\rB,U,2\r")
    assert "line endings" in message and "carriage return" in message


@pytest.mark.usefixtures("both_routes")
def test_an_overlong_header_cell_is_refused_naming_its_column_and_the_limit(tmp_path):
    message = _refusal(tmp_path, b"respondent,unit," + b"x" * 140_000 + b"\nA,U,1\n")
    assert "Row 1" in message and "column 3" in message and "1,000" in message


@pytest.mark.usefixtures("both_routes")
def test_a_header_row_without_an_end_is_refused(tmp_path):
    message = _refusal(tmp_path, b"respondent,unit," + b"thr1," * 300_000)
    assert "Row 1" in message and "longer than" in message


@needs_native
@pytest.mark.parametrize(
    "body",
    [
        b"respondent,unit,thr1\nA," + b"u" * 300_000 + b",1\nB,v,2\n",
        b'respondent,unit,thr1\nA,U,1\nB,"' + b"v" * 2_000_000 + b'",2\n',
        b"respondent,unit,thr1\nA," + b"u" * 200_000 + b',1\nB,"' + b"v" * 2_000_000 + b'",2\n',
    ],
)
def test_long_rows_have_one_outcome_on_both_routes(tmp_path, monkeypatch, body):
    """Rows of hundreds of kilobytes: the accelerator leaves them to Arrow, which reads
    them or refuses them (a row straddling its 1 MB blocks) the same way on both routes."""
    outcomes = []
    for pure in (False, True):
        try:
            outcomes.append(_score(tmp_path / str(pure), body, None, pure, monkeypatch))
        except CommandError as exc:
            assert "Traceback" not in str(exc)
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
