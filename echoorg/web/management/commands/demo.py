import inspect
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from echoorg.common.parts import DemoOutcome, demo_loaders


def _takes_scale(load: Callable[..., DemoOutcome]) -> bool:
    return "scale" in inspect.signature(load).parameters


class Command(BaseCommand):
    help = "Load the fictional demo organisations and their demo logins (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Times the usual size (people, teams, cases), for trying larger data.",
        )

    def handle(self, *args, seed: int, quiet: bool, scale: int, **options) -> None:
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        # Each installed app loads its own demo data (its AppConfig's `demo`), in
        # INSTALLED_APPS order: the organisations first, then the parts that fill them.
        # A loader that takes no `scale` loads its usual data whatever the scale.
        outcomes = [
            load(seed, scale=scale) if _takes_scale(load) else load(seed) for load in demo_loaders()
        ]
        if quiet:
            return
        for line in [line for o in outcomes for line in o.lines]:
            self.stdout.write(line)
        for line in [line for o in outcomes for line in o.footer]:
            self.stdout.write(line)
