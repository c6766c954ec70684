"""`echoorg concerns analyse CASES.json [--as-of YYYY-MM-DD]`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from echoorg.concerns.management.commands.concerns import Command
from echoorg.core.concerns.clocks import analyse_cases
from echoorg.core.concerns.simulate import composite_case, simulate_cases

CASES = [
    {
        "id": "C-2",
        "risk_of_harm": True,
        "events": [
            {"type": "received", "date": "2026-04-02"},
            {"type": "acknowledged", "date": "2026-04-03"},
            {"type": "external_referral", "date": "2026-04-08", "to": "police"},
            {"type": "reporter_asked_to_apologise", "date": "2026-05-01"},
        ],
    },
    {"id": 1, "events": [{"type": "received", "date": "2026-01-05"}]},
]
INSTALLED = apps.is_installed("echoorg.concerns")
needs_app = pytest.mark.skipif(not INSTALLED, reason="echoorg.concerns is not installed yet")


def write(tmp_path: Path, content: object, name: str = "cases.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def run(*args: str) -> None:
    Command().run_from_argv(["echoorg", "concerns", *args])


def test_analyse_prints_the_analysis_as_json(tmp_path, capsys):
    path = write(tmp_path, CASES)
    run("analyse", str(path), "--as-of", "2026-04-10")
    out = capsys.readouterr().out
    assert json.loads(out) == analyse_cases(CASES, date(2026, 4, 10))
    assert list(json.loads(out)) == ["C-2", "1"]
    assert json.loads(out)["C-2"] == {
        "days_to_acknowledge": 1,
        "days_to_feedback": None,
        "days_to_protection": 6,
        "breaches": ["protection_late"],
        "defensive_responses": ["reporter_asked_to_apologise"],
    }
    assert out.startswith('{\n  "C-2": {\n    "days_to_acknowledge": 1,')  # indent 2


def test_as_of_changes_which_unmet_clocks_are_breaches(tmp_path, capsys):
    path = write(tmp_path, CASES[1:])
    run("analyse", str(path), "--as-of", "2026-01-12")
    assert json.loads(capsys.readouterr().out)["1"]["breaches"] == []
    run("analyse", str(path), "--as-of", "2026-01-13")
    assert json.loads(capsys.readouterr().out)["1"]["breaches"] == ["acknowledge_late"]


def test_without_as_of_the_analysis_is_as_of_today(tmp_path, capsys):
    today = date.today()
    cases = [composite_case(today), *simulate_cases(["U1", "U2"], ["L1"], 3, today, n=10)]
    run("analyse", str(write(tmp_path, cases)))
    assert json.loads(capsys.readouterr().out) == analyse_cases(cases, today)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, (), "There is no cases file"),
        (
            "{not json",
            (),
            "is not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1, column 2.",
        ),
        ({"id": 1}, (), "The cases must be a list of case objects, not an object."),
        (
            [{"id": "A", "events": [{"type": "received", "date": "2026-02-30"}]}],
            (),
            "Case 1 (id 'A'), event 1: the date '2026-02-30' is not a real date.",
        ),
        (CASES, ("--as-of", "2026-13-01"), "--as-of: the date '2026-13-01' is not a real date."),
        (
            CASES,
            ("--as-of", "yesterday"),
            "--as-of: the date 'yesterday' is not in the form YYYY-MM-DD.",
        ),
    ],
)
def test_bad_input_gives_a_message_on_stderr_and_a_non_zero_exit(
    tmp_path, capsys, content, args, message
):
    path = tmp_path / "cases.json"
    if content is not None:
        write(tmp_path, content)
    with pytest.raises(SystemExit) as caught:
        run("analyse", str(path), *args)
    assert caught.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "CommandError:" in captured.err and message in captured.err


def test_a_file_that_is_not_utf8_is_refused(tmp_path, capsys):
    path = tmp_path / "cases.json"
    path.write_bytes(b"\xff\xfe[]")
    with pytest.raises(SystemExit) as caught:
        run("analyse", str(path))
    assert caught.value.code != 0
    assert "is not UTF-8 text." in capsys.readouterr().err


def test_a_folder_is_not_a_cases_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        run("analyse", str(tmp_path))
    assert caught.value.code != 0
    assert "is a folder, not a cases file" in capsys.readouterr().err


def test_case_data_errors_list_every_problem(tmp_path, capsys):
    bad = [
        {"id": "A", "events": []},
        {"id": "A", "risk_of_harm": "yes", "events": [{"type": "received", "date": "2026-01-05"}]},
    ]
    with pytest.raises(SystemExit):
        run("analyse", str(write(tmp_path, bad)))
    err = capsys.readouterr().err
    assert "nothing was analysed" in err
    assert "Case 1 (id 'A'): has no 'received' event." in err
    assert "Case 2 (id 'A'): the id is the same as case 1's." in err
    assert "Case 2 (id 'A'): risk_of_harm must be true or false" in err


def test_an_action_is_required(capsys):
    with pytest.raises(SystemExit) as caught:
        run()
    assert caught.value.code != 0
    assert "ACTION" in capsys.readouterr().err


@needs_app
def test_call_command_when_the_app_is_installed(tmp_path, capsys):
    call_command("concerns", "analyse", str(write(tmp_path, CASES)), "--as-of", "2026-04-10")
    assert json.loads(capsys.readouterr().out) == analyse_cases(CASES, date(2026, 4, 10))
    with pytest.raises(CommandError, match="There is no cases file"):
        call_command("concerns", "analyse", str(tmp_path / "missing.json"))


@needs_app
def test_the_echoorg_command_line(tmp_path):
    path = write(tmp_path, CASES)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "echoorg.cli",
            "concerns",
            "analyse",
            str(path),
            "--as-of",
            "2026-04-10",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == analyse_cases(CASES, date(2026, 4, 10))
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "echoorg.cli",
            "concerns",
            "analyse",
            str(tmp_path / "missing.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0 and "There is no cases file" in failed.stderr
