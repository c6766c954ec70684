"""The C accelerator must read every file exactly as the general reader does, or step aside.

Each file is read twice, once with the accelerator and once without it (NumPy and Arrow
only); the two readings must agree in every answer, unit, respondent and row number, or
refuse the file with the same messages.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from echoorg.core.diagnostic import fastread
from echoorg.core.diagnostic.coded import CodedAnswers, coded_unit_totals, complete_moments
from echoorg.core.diagnostic.instrument import find_instrument
from echoorg.core.diagnostic.responses import ResponseFileError, read_responses_csv

INSTRUMENT = find_instrument("echo-culture-v1")
ITEMS = list(INSTRUMENT.item_ids)

needs_native = pytest.mark.skipif(
    not fastread.available(), reason="the C accelerator was not built (no compiler)"
)


def test_the_accelerator_is_built_in_ci():
    if os.environ.get("CI") and not os.environ.get("ECHOORG_PURE_PYTHON"):
        assert fastread.available(), "CI must build echoorg.core.diagnostic._fast"


def test_an_environment_variable_turns_the_accelerator_off():
    check = "from echoorg.core.diagnostic import fastread; print(fastread.available())"
    result = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        env={**os.environ, "ECHOORG_PURE_PYTHON": "1"},
        check=True,
    )
    assert result.stdout.strip() == "False"


def read_both(data: bytes, monkeypatch: pytest.MonkeyPatch):
    """(accelerated, general): each a ResponseTable or the error's text."""
    outcomes = []
    for native in (fastread.native, None):
        monkeypatch.setattr(fastread, "native", native)
        try:
            outcomes.append(read_responses_csv(data, INSTRUMENT, accelerated=True))
        except ResponseFileError as exc:
            outcomes.append(str(exc))
    return outcomes


def assert_same(left, right) -> None:
    if isinstance(left, str) or isinstance(right, str):
        assert left == right
        return
    assert len(left) == len(right)
    for a, b in zip(left.coded.columns, right.coded.columns, strict=True):
        np.testing.assert_array_equal(a, b)
    assert list(left.units) == list(right.units)
    assert list(left.respondents) == list(right.respondents)
    np.testing.assert_array_equal(left.rows, right.rows)
    assert left.missing_items == right.missing_items


def cell(text: str, quote: bool) -> str:
    return f'"{text}"' if quote else text


@st.composite
def responses_files(draw, odd: bool):
    """A responses CSV as bytes: plain ones, and with `odd`, ones with a twist in them."""
    columns = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=8, unique=True))
    units = draw(
        st.lists(
            st.sampled_from(["N1", "South team", "Équipe B", "A,B", "NA", "7", "x"]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    n = draw(st.integers(1, 30))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    quote_all = draw(st.booleans())
    lines = [",".join(["respondent", "unit", *columns])]
    for r in range(n):
        unit = draw(st.sampled_from(units))
        values = [
            draw(st.sampled_from(["", "1", "2", "3", "4", "5", "NA", "4.0", "2."])) for _ in columns
        ]
        quote = quote_all or draw(st.booleans())
        row = [
            cell(f"R{r}", quote),
            cell(unit, quote or "," in unit),
            *[cell(v, quote_all) for v in values],
        ]
        lines.append(",".join(row))
    if odd:
        twist = draw(
            st.sampled_from(
                [
                    " R0",
                    "R0 ",
                    '"R""0"',
                    "",
                    "ÅR",
                    "03",
                    "+3",
                    "9",
                    "0",
                    "3.5",
                    "3.00",
                    " 3",
                    "N/A",
                    "null",
                    "NaN",
                    "-",
                    ".0",
                    "NAB",
                    "blank line",
                    "extra column",
                    "short row",
                    "duplicate",
                    "quoted newline",
                ]
            )
        )
        target = draw(st.integers(1, n))
        parts = lines[target].split(",")
        if twist == "blank line":
            lines.insert(target, "")
        elif twist == "extra column":
            lines[target] += ",3"
        elif twist == "short row":
            lines[target] = ",".join(parts[:-1]) if len(parts) > 3 else parts[0] + "," + parts[1]
        elif twist == "duplicate":
            lines.append(lines[target])
        elif twist == "quoted newline":
            lines[target] = '"R' + newline + 'X"' + lines[target][lines[target].index(",") :]
        elif twist in (" R0", "R0 ", '"R""0"', "", "ÅR"):
            lines[target] = ",".join([twist, *parts[1:]])
        else:
            lines[target] = ",".join([*parts[:2], twist, *parts[3:]])
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text.encode("utf-8")


@needs_native
@settings(max_examples=350, deadline=None)
@given(data=st.one_of(responses_files(odd=False), responses_files(odd=True)))
def test_files_read_or_are_refused_the_same_both_ways(data):
    with pytest.MonkeyPatch.context() as monkeypatch:
        accelerated, general = read_both(data, monkeypatch)
    assert_same(accelerated, general)


def plain_text(n: int, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    lines = ["respondent,unit," + ",".join(ITEMS)]
    for r in range(n):
        values = ["" if rng.random() < 0.1 else str(rng.integers(1, 6)) for _ in ITEMS]
        lines.append(f"P{r},U{rng.integers(0, 7)}," + ",".join(values))
    return ("\n".join(lines) + "\n").encode()


@needs_native
@pytest.mark.parametrize(
    ("twist", "row"),
    [
        (lambda line: line.replace(",", ", ", 1), 2),
        (lambda line: line + ",", 40),
        (lambda line: line.replace("U", '"U', 1), 300),
        (lambda line: "", 77),
        (lambda line: line.split(",", 1)[0] + ",U1,6" + line[line.index(",", 6) :], 5),
    ],
)
def test_anything_outside_the_plain_form_makes_it_step_aside(twist, row):
    lines = plain_text(400).decode().split("\n")
    lines[row] = twist(lines[row])
    data = "\n".join(lines).encode()
    slots = list(range(len(ITEMS)))
    start = data.index(b"\n") + 1
    assert fastread.read_plain(data, start, slots, len(ITEMS), 1, 5) is None
    assert fastread.read_plain(plain_text(400), start, slots, len(ITEMS), 1, 5) is not None


@needs_native
@pytest.mark.parametrize("piece", [64, 1000, 1 << 20])
def test_pieces_on_threads_give_the_same_rows(monkeypatch, piece):
    data = plain_text(2_000)
    start = data.index(b"\n") + 1
    slots = list(range(len(ITEMS)))
    whole = fastread.read_plain(data, start, slots, len(ITEMS), 1, 5, workers=1)
    monkeypatch.setattr(fastread, "PIECE_BYTES", piece)
    seen = []
    split = fastread.read_plain(
        data, start, slots, len(ITEMS), 1, 5, progress=seen.append, workers=3
    )
    np.testing.assert_array_equal(whole.codes, split.codes)
    assert [whole.unit_names[c] for c in whole.unit_codes] == [
        split.unit_names[c] for c in split.unit_codes
    ]
    assert list(split.respondents()) == [f"P{r}" for r in range(2_000)]
    assert seen == sorted(seen) and seen[-1] == len(data)


@needs_native
def test_a_file_is_read_from_disk_through_a_memory_map(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(plain_text(300))
    seen = []
    table = read_responses_csv(path, INSTRUMENT, progress=seen.append, accelerated=True)
    assert len(table) == 300 and seen[-1] == path.stat().st_size
    assert callable(table.respondent_column)  # decoded only when asked for
    assert table.respondents[299] == "P299"


@needs_native
def test_cells_that_share_a_hash_are_told_apart_or_handed_back():
    data = b"abcabd"
    start = np.array([0, 3], dtype=np.int64)
    length = np.array([3, 3], dtype=np.int64)
    same_hash = np.array([7, 7], dtype=np.uint64)
    codes, first = np.empty(2, dtype=np.int64), np.empty(2, dtype=np.int64)
    assert fastread.native.encode(data, start, length, same_hash, codes, first) == -1
    assert (
        fastread.native.encode(data, start, length, np.array([7, 8], dtype=np.uint64), codes, first)
        == 2
    )
    equal = b"abcabc"
    assert fastread.native.encode(equal, start, length, same_hash, codes, first) == 1
    assert codes.tolist() == [0, 0]


@needs_native
def test_the_c_functions_refuse_inconsistent_buffers():
    native = fastread.native
    column = np.ones(10, dtype=np.uint8)
    with pytest.raises(ValueError, match="inconsistent"):
        native.unit_histogram(
            [column],
            b"\x00",
            5,
            np.zeros(10, dtype=np.int64),
            np.zeros(5, dtype=np.int64),
            np.zeros(10, dtype=np.uint8),
        )
    with pytest.raises(ValueError, match="out of range"):
        native.unit_histogram(
            [column],
            b"\x00",
            5,
            np.full(10, 3, dtype=np.int64),
            np.zeros((2, 12), dtype=np.int64),
            np.zeros(10, dtype=np.uint8),
        )
    with pytest.raises(ValueError, match="above the scale"):
        native.unit_histogram(
            [np.full(10, 9, dtype=np.uint8)],
            b"\x00",
            5,
            np.zeros(10, dtype=np.int64),
            np.zeros((1, 12), dtype=np.int64),
            np.zeros(10, dtype=np.uint8),
        )
    with pytest.raises(ValueError, match="differ in length"):
        native.pattern_histogram(
            [column, column[:5]], b"\x00\x00", 5, 10, np.zeros(25, dtype=np.int64)
        )
    with pytest.raises(ValueError, match="above the scale"):
        native.pattern_histogram(
            [np.full(10, 6, dtype=np.uint8)], b"\x00", 5, 10, np.zeros(5, dtype=np.int64)
        )
    with pytest.raises(ValueError, match="outside the data"):
        native.count_lines(b"abc", 2, 9)
    with pytest.raises(ValueError, match="inconsistent"):
        native.parse(
            b"a,b,1\n",
            0,
            6,
            np.array([3], dtype=np.int64),
            1,
            5,
            np.zeros(2, dtype=np.uint8),
            1,
            0,
            1,
            np.zeros(2, dtype=np.int64),
            np.zeros(2, dtype=np.int64),
            np.zeros(2, dtype=np.uint64),
        )


@needs_native
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 3_000),
    units=st.integers(1, 40),
    missing=st.sampled_from([0.0, 0.1, 0.6]),
    low=st.sampled_from([0, 1]),
)
def test_the_counting_is_the_same_in_c_and_numpy(seed, n, units, missing, low):
    rng = np.random.default_rng(seed)
    answers = rng.integers(low, low + 5, size=(n, len(ITEMS))).astype(float)
    answers[rng.random(answers.shape) < missing] = np.nan
    unit_of = rng.integers(0, units, size=n)
    results = []
    native = fastread.native
    with pytest.MonkeyPatch.context() as monkeypatch:
        for route in (native, None):
            monkeypatch.setattr(fastread, "native", route)
            coded = CodedAnswers.from_float(answers, low, low + 4)
            totals = coded_unit_totals(INSTRUMENT, coded, unit_of, units)
            moments = [complete_moments(INSTRUMENT, coded, s.id) for s in INSTRUMENT.scales]
            results.append((totals, moments))
    (totals_c, moments_c), (totals_np, moments_np) = results
    for a, b in zip(totals_c, totals_np, strict=True):
        np.testing.assert_array_equal(a, b)  # the same counts, so the same floats
    for (n_c, means_c, cov_c), (n_np, means_np, cov_np) in zip(moments_c, moments_np, strict=True):
        assert n_c == n_np
        np.testing.assert_array_equal(means_c, means_np)
        np.testing.assert_array_equal(cov_c, cov_np)


@needs_native
@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(
        st.sampled_from(
            [
                b"R1",
                b"U",
                b",",
                b'"',
                b"\n",
                b"\r",
                b"3",
                b"0",
                b"7",
                b".",
                b"NA",
                b" ",
                b"\xc3\xa9",
                b"",
                b"12",
                b"-",
            ]
        ),
        max_size=80,
    ).map(b"".join),
    columns=st.integers(1, 4),
    workers=st.integers(1, 3),
)
def test_any_bytes_at_all_give_rows_or_none(body, columns, workers):
    """The C reader's bounds hold for arbitrary input, split into many small pieces; what
    it accepts, the general reader reads the same way."""
    header = b"respondent,unit," + ",".join(ITEMS[:columns]).encode()
    data = header + b"\n" + body
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(fastread, "PIECE_BYTES", 7)
        plain = fastread.read_plain(
            data, len(header) + 1, list(range(columns)), len(ITEMS), 1, 5, workers=workers
        )
        if plain is not None:
            assert plain.codes.shape == (len(ITEMS), len(plain))
            assert int(plain.codes.max(initial=0)) <= 5
            accelerated, general = read_both(data, monkeypatch)
            assert_same(accelerated, general)
