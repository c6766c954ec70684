from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from echoorg.accounts.invite import set_password_link
from echoorg.core.text import normalise_name
from echoorg.orgs import services
from echoorg.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Make someone a speak-up guardian (or, with --role board, a board member) of an "
        "organisation directly, typically its first. Only whoever runs the installation "
        "can do this: on the web a guardian or board member must confirm every new one. "
        "The change is written to the audit trail and emailed to the organisation's "
        "guardians and board."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--email", required=True, help="The new guardian's email address.")
        parser.add_argument("--name", default="", help="Their name, if they are new here.")
        parser.add_argument(
            "--role",
            choices=["guardian", "board"],
            default="guardian",
            help="The role to give (guardian unless board is chosen).",
        )
        parser.add_argument("--reason", default="", help="Why, for the audit trail.")
        parser.add_argument(
            "--base-url", default=None, help="Address of this echoorg, for a set-password link."
        )

    def handle(
        self,
        *args,
        organisation: str,
        email: str,
        name: str,
        role: str,
        reason: str,
        base_url: str | None,
        **options,
    ) -> None:
        from django.conf import settings

        org = Organisation.objects.filter(slug=organisation.strip().lower()).first()
        if org is None:
            raise CommandError(f"There is no organisation '{organisation}'.")
        User = get_user_model()
        try:
            with transaction.atomic():
                user = User.objects.for_address(email, normalise_name(name))
                services.grant_role_from_command_line(org, user, role, name=name, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"{user.email} is now a {services.role_label(role)} of {org.name}; "
            "the guardians and board have been emailed."
        )
        if not user.has_usable_password():
            link = set_password_link(user, base_url or settings.ECHOORG_BASE_URL)
            self.stdout.write(
                f"Send them this link to choose a password (works once, "
                f"expires in three days):\n{link}"
            )
