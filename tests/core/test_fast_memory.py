"""The C accelerator never reads outside the bytes it is given (issue 8, finding 11).

Two attacks: the file's bytes end right before an unreadable page (a guard page), so one
byte read past the end kills the process; and a few hundred generated files (plain, cut
at every position near the end, with quotes, without a final newline) run through the very
parsing functions of _fast.c built with AddressSanitizer in a standalone harness.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from echoorg.core.diagnostic import fastread

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "echoorg" / "core" / "diagnostic"
HARNESS = Path(__file__).with_name("fast_harness.c")

# A child process maps two pages, makes the second unreadable and puts the data at the
# very end of the first; then it hands _fast.parse a buffer of exactly those bytes.
GUARD_PAGE_CHILD = textwrap.dedent("""
    import ctypes, mmap, sys
    import numpy as np
    from echoorg.core.diagnostic import _fast

    payload = bytes.fromhex(sys.argv[1])
    page = mmap.PAGESIZE
    area = mmap.mmap(-1, 2 * page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    address = ctypes.addressof(ctypes.c_char.from_buffer(area))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    assert libc.mprotect(address + page, page, 0) == 0  # PROT_NONE
    area[page - len(payload):page] = payload
    data = memoryview(area)[page - len(payload):page]
    n, fields = 4, 2
    codes = np.zeros(fields * n, dtype=np.uint8)
    keys = [np.zeros(2 * n, dtype=t) for t in (np.int64, np.int64, np.uint64)]
    rows, _ = _fast.parse(data, 0, len(data), np.arange(fields, dtype=np.int64), 1, 5,
                          codes, n, 0, n, *keys)
    print(rows)
""")


@pytest.mark.skipif(not fastread.available(), reason="the C accelerator was not built")
@pytest.mark.parametrize(
    ("payload", "rows"),
    [
        (b"r1,", -1),
        (b'r1,"', -1),
        (b"r1,u1,3,4\nr2,", -1),
        (b'r1,u1,3,4\nr2,"', -1),
        (b'"r1",', -1),
        (b"r1,u1,", -1),
        (b"r1,u1,3,", 1),  # a last answer left blank: a plain row
    ],
)
def test_a_file_ending_after_the_respondent_is_read_without_touching_the_next_page(payload, rows):
    child = subprocess.run(
        [sys.executable, "-c", GUARD_PAGE_CHILD, payload.hex()],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert child.returncode == 0, (
        f"the accelerator crashed ({child.returncode}): {child.stderr[-500:]}"
    )
    assert int(child.stdout) == rows  # -1: not plain, handed back to the general reader


def _generated_files(folder: Path) -> list[Path]:
    """A few hundred responses files, plain and twisted, cut near the end."""
    chance = random.Random(8)
    bodies = []
    for number in range(12):
        rows = []
        for r in range(chance.randint(1, 6)):
            respondent = f'"r{r}"' if chance.random() < 0.3 else f"r{r}"
            unit = chance.choice(["u1", '"u 2"', '"', "", '"u""3"', "ü"])
            answers = [
                chance.choice(["1", "5", "", "NA", '"3"', "3.0", "9", "0"]) for _ in range(3)
            ]
            rows.append(",".join([respondent, unit, *answers]))
        ending = chance.choice(["\n", "\r\n"])
        bodies.append(
            "respondent,unit,a,b,c\n" + ending.join(rows) + (ending if number % 2 else "")
        )
    files = []
    for number, body in enumerate(bodies):
        data = body.encode()
        # the whole file, and the file cut at every one of its last 20 positions (which
        # ends it after a comma, inside quotes, after a respondent...), and with a quote
        # added at the end
        variants = [data, data + b'"', data + b","] + [
            data[:cut] for cut in range(max(1, len(data) - 20), len(data))
        ]
        for v, variant in enumerate(variants):
            path = folder / f"f{number}-{v}.csv"
            path.write_bytes(variant)
            files.append(path)
    return files


def test_the_parsing_core_passes_address_sanitizer_on_generated_files(tmp_path):
    compiler = shutil.which("gcc")
    if compiler is None:
        pytest.skip("gcc is missing: the AddressSanitizer fuzz needs it (CI has gcc)")
    program = tmp_path / "fast_harness"
    build = subprocess.run(
        [
            compiler,
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover",
            "-g",
            "-O1",
            "-I",
            str(CORE),
            str(HARNESS),
            "-o",
            str(program),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr
    files = _generated_files(tmp_path)
    assert len(files) >= 250
    run = subprocess.run(
        [str(program), "1", "5", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = [int(line) for line in run.stdout.split()]
    assert len(results) == len(files)
    assert any(r > 0 for r in results) and any(r == -1 for r in results)
