"""`echoorg inquiries ...`: the case library on the command line.

    echoorg inquiries list [--json]
        one line (or JSON object) per case: id, title, sector, first_warning,
        decisive_action, years_warning_to_action.
    echoorg inquiries timeline CASE_ID [--json]
        the case's events in date order; with --json a list of
        {date, precision, kind, actor, description, sources}.
    echoorg inquiries validate [PATH ...]
        check the shipped case files (or the files given) against the schema: every event
        sourced, every code in the codebook, every date parsed. One line per problem,
        naming file, case and field; exit status 1 if there is any.

Reads files only; no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from echoorg.core.library.cases import LibraryError, validate_files
from echoorg.core.library.codebook import load_codebook
from echoorg.core.library.export import case_summary, event_object
from echoorg.core.library.shipped import CODEBOOK_PATH, case_paths, library


class Command(BaseCommand):
    help = "The inquiry case library: `list`, `timeline CASE_ID`, `validate [PATH ...]`."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser("list", help="One line per case.")
        listing.add_argument("--json", action="store_true", help="Print a JSON list.")
        timeline = sub.add_parser("timeline", help="A case's events in date order.")
        timeline.add_argument("case_id", metavar="CASE_ID")
        timeline.add_argument("--json", action="store_true", help="Print a JSON list.")
        validate = sub.add_parser("validate", help="Check case files against the schema.")
        validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")

    def handle(self, *args, **options) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_list(self, options) -> None:
        rows = [case_summary(c) for c in library().cases]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for r in rows:
            years = "-" if r["years_warning_to_action"] is None else r["years_warning_to_action"]
            self.stdout.write(
                f"{r['id']}\t{r['title']}\t{r['sector']}\t{r['first_warning'] or '-'}\t"
                f"{r['decisive_action'] or '-'}\t{years}"
            )

    def handle_timeline(self, options) -> None:
        case = library().case(options["case_id"])
        if case is None:
            known = ", ".join(c.id for c in library().cases)
            raise CommandError(f"No case '{options['case_id']}'; the library has: {known}.")
        events = [event_object(e) for e in case.events]
        if options["json"]:
            self.stdout.write(json.dumps(events, indent=2, ensure_ascii=False))
            return
        for e in events:
            first = e["sources"][0]
            self.stdout.write(
                f"{e['date']}\t{e['kind']}\t{e['actor']}\t{e['description']}\t"
                f"[{first['title']}, {first['publisher']}]"
            )

    def handle_validate(self, options) -> None:
        try:
            codebook = load_codebook(CODEBOOK_PATH)
        except LibraryError as exc:
            self.stderr.write(f"{CODEBOOK_PATH.name}: {exc}")
            sys.exit(1)
        paths = options["paths"] or case_paths()
        problems = validate_files(list(paths), codebook.code_ids)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            sys.exit(1)
        self.stdout.write(f"{len(paths)} case file(s) valid against {codebook.key}.")
