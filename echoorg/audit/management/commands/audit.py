from django.core.management.base import BaseCommand, CommandError

from echoorg.audit.log import verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain and exits non-zero if it is broken."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options) -> None:  # noqa: ANN002, ANN003
        result = verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail BROKEN at entry {result.first_bad_seq}: {result.problem} "
                f"({result.checked} entries before it are intact.)"
            )
        self.stdout.write(f"Audit trail intact: {result.checked} entries verified.")
