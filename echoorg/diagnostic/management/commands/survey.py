"""`echoorg survey score`: the researcher's scoring run (see echoorg.core.diagnostic.report);
`echoorg survey refigure WAVE...`: compute and store a closed wave's figures again.

The shell's `echoorg survey score` runs echoorg.core.diagnostic.command without Django; this
management command is the same for `call_command` and `django-admin`, and the one that
runs `refigure` (which needs the database).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from echoorg.core.diagnostic.command import CommandFailed, add_score_arguments, score


class Command(BaseCommand):
    help = "Score survey responses: unit figures with suppression, and scale reliability."
    requires_system_checks: list[str] = []  # score reads and writes files only

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_score_arguments(sub.add_parser("score", help="Score a responses CSV into DIR."))
        refigure = sub.add_parser(
            "refigure",
            help="Compute and store the figures of closed waves again (for example a wave "
            "closed before figures were stored at close).",
        )
        refigure.add_argument("waves", nargs="*", type=int, metavar="WAVE", help="wave ids")
        refigure.add_argument(
            "--all",
            action="store_true",
            help="every closed wave without stored figures, or with splits by older rules",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "refigure":
            self.refigure(options["waves"], options["all"])
        else:
            self.score(**options)

    def refigure(self, wave_ids: list[int], every: bool) -> None:
        from django.db.models import Q

        from echoorg.core.diagnostic.cuts import CUTS_VERSION
        from echoorg.diagnostic.models import SurveyWave
        from echoorg.diagnostic.services import store_wave_figures

        if not wave_ids and not every:
            raise CommandError("Name the waves (their ids) or give --all.")
        closed = SurveyWave.objects.filter(status=SurveyWave.CLOSED).select_related("organisation")
        if every:
            outdated = Q(figures__isnull=True) | Q(figures__cuts_version__lt=CUTS_VERSION)
            waves = list(closed.filter(outdated).order_by("pk"))
        else:
            waves = list(closed.filter(pk__in=wave_ids).order_by("pk"))
            missing = sorted(set(wave_ids) - {w.pk for w in waves})
            if missing:
                raise CommandError(
                    "WAVE: no closed wave with id "
                    + ", ".join(str(m) for m in missing)
                    + "; nothing was computed."
                )
        for wave in waves:
            started = time.perf_counter()
            figures = store_wave_figures(None, wave)
            self.stdout.write(
                f"Wave {wave.pk} ({wave.title}): {figures.rows} responses, figures stored "
                f"in {time.perf_counter() - started:.1f} s."
            )
        if not waves:
            self.stdout.write("No closed wave without stored figures of the current rules.")

    def score(
        self,
        *,
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
