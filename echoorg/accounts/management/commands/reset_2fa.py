from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from echoorg.accounts import twofactor


class Command(BaseCommand):
    help = (
        "Turn off two-factor authentication for a person who lost their device (and "
        "their recovery codes); they set it up again at their next login when their "
        "role requires it. Their secret and recovery codes are deleted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--reason",
            required=True,
            help="Why, for the audit trail (for example the ticket number).",
        )

    def handle(self, *args, email: str, reason: str, **options) -> None:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        if not user.totp_enabled:
            raise CommandError(f"{user.email} does not use two-factor authentication.")
        twofactor.disable(user, reason=reason)
        self.stdout.write(f"Two-factor authentication is off for {user.email}.")
