"""`echoorg survey score`, the researcher's command, without Django.

The command reads files and writes files; it needs no database, no settings and no
system checks, so `echoorg.cli` runs it from here without setting Django up (the
`survey` management command wraps the same functions, for `call_command`). Heavy modules
are imported when used: NumPy with the scoring, SciPy (for omega) in the background
while the file is read, and rich only when a progress bar is shown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

MIN_GROUP_FLOOR = 3


class CommandFailed(Exception):
    """Bad input or a refused file: the message for the person running the command."""


def add_score_arguments(score: argparse.ArgumentParser) -> None:
    """The options of `survey score`, on a parser or a sub-parser."""
    score.add_argument(
        "--instrument",
        required=True,
        help="A shipped instrument id (echo-culture-v1) or a YAML file.",
    )
    score.add_argument(
        "--responses", required=True, type=Path, help="CSV: respondent,unit,<item ids>."
    )
    score.add_argument(
        "--units",
        type=Path,
        default=None,
        help="CSV: unit,parent (parent empty for a root). Without it, units are flat.",
    )
    score.add_argument(
        "--min-group",
        type=int,
        default=5,
        dest="min_group",
        help="Smallest group whose figures are shown (k, at least 3).",
    )
    score.add_argument("--out", required=True, type=Path, help="Output folder.")
    score.add_argument("--quiet", action="store_true", help="No progress bar.")


def score(
    *,
    instrument: str,
    responses: Path,
    units: Path | None,
    min_group: int,
    out: Path,
    quiet: bool,
    stdout: TextIO,
    stderr: TextIO,
) -> None:
    """Run `survey score` (echoorg.core.diagnostic.report.score_files): write the three
    files into `out`, warnings to `stderr` and the one-line summary to `stdout`. Raises
    CommandFailed, having written nothing, for bad options or a refused file."""
    from .instrument import InstrumentError, find_instrument

    if min_group < MIN_GROUP_FLOOR:
        raise CommandFailed(f"--min-group must be at least {MIN_GROUP_FLOOR}, not {min_group}.")
    try:
        loaded = find_instrument(instrument)
    except InstrumentError as exc:
        raise CommandFailed(str(exc)) from None
    if not responses.is_file():
        raise CommandFailed(f"There is no responses file {responses}.")
    if units is not None and not units.is_file():
        raise CommandFailed(f"There is no units file {units}.")
    from .psychometrics import import_optimiser_in_background
    from .report import score_files
    from .responses import ResponseFileError

    import_optimiser_in_background()
    try:
        if quiet:
            summary = score_files(loaded, responses, units, min_group, out)
        else:
            summary = _score_with_progress(loaded, responses, units, min_group, out)
    except ResponseFileError as exc:
        raise CommandFailed(f"The input was refused; nothing was written.\n{exc}") from None
    for warning in summary.warnings:
        stderr.write(f"Warning: {warning}\n")
    stdout.write(
        f"Scored {summary.respondents:,} respondent{'s' if summary.respondents != 1 else ''}"
        f" in {summary.units:,} unit{'s' if summary.units != 1 else ''} "
        f"({summary.units_suppressed:,} suppressed) in {summary.seconds['total']:.1f} s. "
        f"Wrote {out / 'units.csv'}, {out / 'reliability.csv'} and {out / 'summary.json'}.\n"
    )


def _score_with_progress(loaded, responses: Path, units: Path | None, min_group: int, out: Path):
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from .report import score_files

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=None,
    )
    with progress:
        task = progress.add_task("Reading responses", total=responses.stat().st_size)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return score_files(loaded, responses, units, min_group, out, report)


def main(argv: list[str]) -> int:
    """`echoorg survey ...` from the shell: 0 on success; 1 with the message on stderr
    (as Django's commands print it) when the input is refused; 2 for bad options."""
    parser = argparse.ArgumentParser(
        prog="echoorg survey",
        description="Score survey responses: unit figures with suppression, and scale reliability.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    add_score_arguments(sub.add_parser("score", help="Score a responses CSV into DIR."))
    options = vars(parser.parse_args(argv))
    options.pop("action")
    try:
        score(**options, stdout=sys.stdout, stderr=sys.stderr)
    except CommandFailed as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    return 0
