from django.core.management.base import BaseCommand

from echoorg.concerns.demo import load_demo_concerns
from echoorg.diagnostic.demo import load_demo_waves
from echoorg.orgs.demo import DEMO_PASSWORD, load_demo
from echoorg.orgs.models import Organisation


class Command(BaseCommand):
    help = "Load the fictional demo organisations and their demo logins (safe to run again)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, seed: int, quiet: bool, **options) -> None:  # noqa: ANN002, ANN003
        summary = load_demo(seed=seed)
        council = Organisation.objects.get(slug="northmoor")
        waves = load_demo_waves(council, seed=seed)
        concerns = load_demo_concerns(council, seed=seed)
        if quiet:
            return
        state = "Loaded" if summary.created else "Already loaded"
        self.stdout.write(f"{state}: {', '.join(summary.organisations)} "
                          f"({summary.units} units, {summary.people} people).")
        if waves:
            self.stdout.write(f"Added {waves} culture-survey waves; the latest is open.")
        if concerns:
            self.stdout.write(f"Added {concerns} speak-up cases, one a fictional composite.")
        self.stdout.write("")
        self.stdout.write("Demo logins (all fictional; password for each: "
                          f"{DEMO_PASSWORD}):")
        width = max(len(e) for e, _ in summary.accounts)
        for email, roles in summary.accounts:
            self.stdout.write(f"  {email.ljust(width)}  {roles}")
