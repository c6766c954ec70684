"""`echoorg survey score`: the researcher's scoring run (see echoorg.core.diagnostic.report)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from echoorg.core.diagnostic.instrument import InstrumentError, find_instrument
from echoorg.core.diagnostic.report import score_files
from echoorg.core.diagnostic.responses import ResponseFileError


class Command(BaseCommand):
    help = "Score survey responses: unit figures with suppression, and scale reliability."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="Score a responses CSV into DIR.")
        score.add_argument("--instrument", required=True,
                           help="A shipped instrument id (echo-culture-v1) or a YAML file.")
        score.add_argument("--responses", required=True, type=Path,
                           help="CSV: respondent,unit,<item ids>.")
        score.add_argument("--units", type=Path, default=None,
                           help="CSV: unit,parent (parent empty for a root). Without it, "
                                "units are flat.")
        score.add_argument("--min-group", type=int, default=5, dest="min_group",
                           help="Smallest group whose figures are shown (k, at least 3).")
        score.add_argument("--out", required=True, type=Path, help="Output folder.")
        score.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, action: str, instrument: str, responses: Path, units: Path | None,  # noqa: ANN002, ANN003
               min_group: int, out: Path, quiet: bool, **options) -> None:
        if min_group < 3:
            raise CommandError(f"--min-group must be at least 3, not {min_group}.")
        try:
            loaded = find_instrument(instrument)
        except InstrumentError as exc:
            raise CommandError(str(exc)) from None
        if not responses.is_file():
            raise CommandError(f"There is no responses file {responses}.")
        if units is not None and not units.is_file():
            raise CommandError(f"There is no units file {units}.")
        progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                            TimeElapsedColumn(), disable=quiet, transient=True,
                            console=None)
        try:
            with progress:
                task = progress.add_task("Reading responses", total=responses.stat().st_size)

                def report(stage: str, done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                summary = score_files(loaded, responses, units, min_group, out, report)
        except ResponseFileError as exc:
            raise CommandError(f"The input was refused; nothing was written.\n{exc}") from None
        for warning in summary.warnings:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(
            f"Scored {summary.respondents:,} respondent{'s' if summary.respondents != 1 else ''}"
            f" in {summary.units:,} unit{'s' if summary.units != 1 else ''} "
            f"({summary.units_suppressed:,} suppressed) in {summary.seconds['total']:.1f} s. "
            f"Wrote {out / 'units.csv'}, {out / 'reliability.csv'} and {out / 'summary.json'}.")
