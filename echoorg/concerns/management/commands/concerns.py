"""`echoorg concerns ...`: command-line tools for concern data.

    echoorg concerns analyse CASES.json [--as-of YYYY-MM-DD]
        print, as JSON, each case's clocks, breaches and defensive responses
        (echoorg.core.concerns.clocks.analyse_cases), keyed by case id.
    echoorg concerns refresh [--all]
        compute again the stored clock figures that depend on the day (run daily, before
        `alerts`); with --all, every case's figures (after data was changed past echoorg).

Each action is a sub-command (argparse sub-parser, `dest="action"`) handled by the method
`handle_<action>`; add an action by adding a sub-parser and its method.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from echoorg.core.concerns.clocks import CaseDataError, analyse_cases, parse_date


class Command(BaseCommand):
    help = (
        "Tools for speak-up concern data: `analyse CASES.json [--as-of YYYY-MM-DD]`, "
        "`new-key`, `rotate-key`, `refresh [--all]`, `alerts`."
    )
    requires_system_checks: list[str] = []  # reads files only; no database

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        analyse = sub.add_parser(
            "analyse",
            help="Analyse a JSON file of cases against the clocks.",
            description="Print each case's days to acknowledge, feedback and protection, its "
            "breaches and its defensive responses, as JSON keyed by case id.",
        )
        analyse.add_argument(
            "cases",
            type=Path,
            metavar="CASES.json",
            help='A JSON list of cases: [{"id", "risk_of_harm", "events": '
            '[{"type", "date": "YYYY-MM-DD", ...}]}].',
        )
        analyse.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            metavar="YYYY-MM-DD",
            help="The date of the analysis (default: today). A clock "
            "still unmet is a breach once its deadline is before it.",
        )

        sub.add_parser(
            "new-key",
            help="Print a new encryption key (put it first in "
            "ECHOORG_ENCRYPTION_KEYS, then run rotate-key).",
        )
        sub.add_parser(
            "rotate-key",
            help="Re-encrypt all speak-up data with the first key of ECHOORG_ENCRYPTION_KEYS.",
        )
        refresh = sub.add_parser(
            "refresh",
            help="Compute again the stored clock figures that depend on the day (run daily).",
            description="The queue, the statistics and the quarterly return read each case's "
            "stored clock figures. Those of a case whose dates are out of range depend on the "
            "day; this computes them again (and any that are missing).",
        )
        refresh.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Compute every case's figures again, not only those that depend on the day.",
        )
        alerts = sub.add_parser(
            "alerts", help="Email each guardian the concerns past a deadline (run daily)."
        )
        alerts.add_argument(
            "--dry-run",
            action="store_true",
            dest="dry_run",
            help="Print what would be sent; send nothing.",
        )

    def handle(self, *args, action: str, **options) -> None:
        handler = getattr(self, f"handle_{action.replace('-', '_')}", None)
        if handler is None:
            raise CommandError(f"Unknown action {action!r}.")
        handler(**options)

    def handle_analyse(self, *, cases: Path | str, as_of: str | None = None, **options) -> None:
        """`analyse`: read CASES.json, print `analyse_cases` as JSON (indent 2).

        Bad input (a missing or unreadable file, text that is not JSON, JSON nested too
        deeply or with a number too long to read, case data refused by `parse_cases`
        (including a step after today, an over-long or badly formed id, text that is not
        Unicode), a bad --as-of) raises CommandError: a message on stderr and a non-zero
        exit status.
        """
        path = Path(cases)
        when = self._as_of(as_of)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"There is no cases file {path}.")
        except IsADirectoryError:
            raise CommandError(f"{path} is a folder, not a cases file.")
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            )
        except RecursionError:
            raise CommandError(f"{path} is nested too deeply to be a file of cases.")
        except ValueError:  # Python refuses to read a whole number of over 4,300 digits
            raise CommandError(f"{path} holds a number too long to read.")
        try:
            # Steps are things that happened: none may be dated after today (rule 1 of
            # echoorg.core.concerns.clocks), whatever --as-of says.
            result = analyse_cases(data, when, today=timezone.localdate())
        except CaseDataError as exc:
            raise CommandError(f"The cases in {path} were refused; nothing was analysed.\n{exc}")
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))

    def handle_new_key(self, **options) -> None:
        from echoorg.core.crypto import new_key

        self.stdout.write(new_key())

    def handle_rotate_key(self, **options) -> None:
        """Re-encrypt every encrypted value with the newest key, in one transaction."""
        from echoorg.concerns.keys import rotate_all

        try:
            counts = rotate_all()
        except ValueError as exc:
            raise CommandError(f"Rotation stopped; nothing was changed. {exc}")
        total = sum(counts.values())
        self.stdout.write(
            f"Re-encrypted {total} values with the first key "
            f"({', '.join(f'{n} {what}' for what, n in counts.items())}). "
            "Older keys can now be removed from ECHOORG_ENCRYPTION_KEYS."
        )

    def handle_refresh(self, *, everything: bool = False, **options) -> None:
        """`refresh`: services.refresh for every organisation."""
        from echoorg.concerns.services import refresh

        done = refresh(everything=everything)
        self.stdout.write(f"Computed the clock figures of {done} case{'s' if done != 1 else ''}.")

    def handle_alerts(self, *, dry_run: bool = False, **options) -> None:
        from echoorg.concerns.alerts import send_overdue_alerts

        sent = send_overdue_alerts(dry_run=dry_run, write=self.stdout.write)
        self.stdout.write(
            f"{'Would send' if dry_run else 'Sent'} {sent} alert email{'s' if sent != 1 else ''}."
        )

    @staticmethod
    def _as_of(value: str | None) -> dt.date:
        if value is None:
            return timezone.localdate()
        try:
            return parse_date(value)
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}.")
