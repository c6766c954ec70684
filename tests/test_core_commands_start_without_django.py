"""The pure core's commands start as `python -m echoorg ...` without importing Django, and
import the heavy modules only when they are used (issue 9): asking for help imports no
NumPy, SciPy, Arrow or rich; refusing an option before reading anything imports no SciPy;
scoring a file imports SciPy (for omega) but still no Django.

Each run is a fresh process under `-X importtime`, which names every module the process
imported, so the check covers the whole start-up rather than one function's imports."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from pathlib import Path

from echoorg.core.diagnostic.instrument import find_instrument

ITEMS = list(find_instrument("echo-culture-v1").item_ids)


def _imported(*args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `python -X importtime -m echoorg ARGS`; its result and the top-level packages
    of every module it imported."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "ECHOORG_PURE_PYTHON")
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "echoorg", *args],
        capture_output=True,
        text=True,
        env=environment,
    )
    packages = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    packages.discard("package")  # the header line: "import time: self [us] | ... | package"
    return result, packages


def _responses(folder: Path) -> Path:
    rng = random.Random(3)
    path = folder / "responses.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent", "unit", *ITEMS])
        for r in range(60):
            answers = ["" if rng.random() < 0.1 else str(rng.randint(1, 5)) for _ in ITEMS]
            writer.writerow([f"R{r}", ["North", "South"][r % 2], *answers])
    return path


def test_help_imports_neither_django_nor_the_numerical_modules():
    result, packages = _imported("survey", "score", "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--responses" in result.stdout
    assert "echoorg" in packages
    assert not packages & {"django", "numpy", "scipy", "pyarrow", "rich"}


def test_a_refused_option_imports_no_django_and_no_scipy(tmp_path):
    result, packages = _imported(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(_responses(tmp_path)),
        "--out",
        str(tmp_path / "out"),
        "--min-group",
        "2",
    )
    assert result.returncode == 1
    assert "CommandError: --min-group must be at least 3, not 2." in result.stderr
    assert not (tmp_path / "out").exists()
    assert not packages & {"django", "scipy"}


def test_scoring_a_file_imports_scipy_for_omega_but_not_django(tmp_path):
    result, packages = _imported(
        "survey",
        "score",
        "--instrument",
        "echo-culture-v1",
        "--responses",
        str(_responses(tmp_path)),
        "--out",
        str(tmp_path / "out"),
        "--min-group",
        "3",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("Scored 60 respondents in 2 units (0 suppressed)")
    header = (tmp_path / "out" / "reliability.csv").read_text().splitlines()[0]
    assert header.endswith(",omega")
    assert {"numpy", "scipy"} <= packages
    assert "django" not in packages
