"""`echoorg survey score`: the researcher's scoring run (see echoorg.core.diagnostic.report).

The shell's `echoorg survey ...` runs echoorg.core.diagnostic.command without Django; this
management command is the same for `call_command` and `django-admin`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from echoorg.core.diagnostic.command import CommandFailed, add_score_arguments, score


class Command(BaseCommand):
    help = "Score survey responses: unit figures with suppression, and scale reliability."
    requires_system_checks: list[str] = []  # reads and writes files only; no database

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_score_arguments(sub.add_parser("score", help="Score a responses CSV into DIR."))

    def handle(
        self,
        *args,
        action: str,
        instrument: str,
        responses: Path,
        units: Path | None,
        min_group: int,
        out: Path,
        quiet: bool,
        **options,
    ) -> None:
        try:
            score(
                instrument=instrument,
                responses=responses,
                units=units,
                min_group=min_group,
                out=out,
                quiet=quiet,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        except CommandFailed as exc:
            raise CommandError(str(exc)) from None
