from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from echoorg.audit.log import current_head, seal, verify
from echoorg.core.audit import ChainHead, Verification


def _broken(result: Verification) -> CommandError:
    return CommandError(
        f"Audit trail BROKEN at entry {result.first_bad_seq}: {result.problem} "
        f"({result.checked} entries before it are intact.)"
    )


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' checks the keyed hash chain (and, with --against FILE, "
        "that it still reaches a head saved earlier) and exits non-zero if it is broken; "
        "'head' verifies, then prints the chain head as JSON to keep outside the database; "
        "'seal' appends an entry under the newest audit key (after an upgrade or rotation)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["verify", "head", "seal"])
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="verify only: a head printed earlier by 'echoorg audit head' ('-' reads "
            "standard input); fails if the trail was rewritten up to it or shortened.",
        )
        parser.add_argument(
            "--accept-unkeyed",
            action="store_true",
            help="seal only: also seal entries that have no audit key. The upgrade seals a "
            "trail written by older versions by itself; a trail that is unkeyed later "
            "may have been rewritten, so compare it with a saved head or backup first.",
        )

    def handle(
        self,
        *args,
        action: str,
        against: str | None = None,
        accept_unkeyed: bool = False,
        **options,
    ) -> None:
        if against is not None and action != "verify":
            raise CommandError("--against goes with 'verify' only.")
        if accept_unkeyed and action != "seal":
            raise CommandError("--accept-unkeyed goes with 'seal' only.")
        if action == "head":
            self._head()
        elif action == "seal":
            self._seal(accept_unkeyed)
        else:
            self._verify(against)

    def _verify(self, against: str | None) -> None:
        saved = self._read_head(against) if against is not None else None
        result = verify(saved)
        if not result.ok:
            raise _broken(result)
        if saved is not None:
            self.stdout.write(
                f"Audit trail intact: {result.checked} entries verified; it matches the saved "
                f"head at entry {saved.seq} and has {result.checked - saved.seq} entries after it."
            )
        elif result.checked == 0:
            self.stdout.write(
                "Audit trail intact: 0 entries. An empty trail cannot show whether entries "
                "were deleted: check it against a saved head with --against FILE."
            )
        else:
            self.stdout.write(f"Audit trail intact: {result.checked} entries verified.")

    def _read_head(self, name: str) -> ChainHead:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the saved head {name}: {error}") from None
        try:
            return ChainHead.from_json(text)
        except ValueError as error:
            raise CommandError(f"The saved head {name} cannot be used: {error}.") from None

    def _head(self) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(f"{_broken(result)} Not printing a head for a broken trail.")
        self.stdout.write(current_head().to_json(), ending="")

    def _seal(self, accept_unkeyed: bool) -> None:
        # Sealing a broken trail would not hide the break (every entry is still checked),
        # but an administrator should look at it first.
        result = verify(require_sealed=False)
        if not result.ok:
            raise _broken(result)
        if result.unsealed and not accept_unkeyed:
            raise CommandError(
                f"The last {result.unsealed} entries have no audit key. Sealing them would "
                "vouch for them although anyone who can write to the database could have "
                "rewritten them. Compare the trail with a saved head or a backup, then run "
                "`echoorg audit seal --accept-unkeyed`."
            )
        entry = seal()
        sealed = (
            f"; it seals {result.unsealed} entries written without a key" if result.unsealed else ""
        )
        self.stdout.write(
            f"Audit trail sealed with key {entry.key_id} at entry {entry.seq}{sealed}."
        )
