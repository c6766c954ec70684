from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from echoorg.accounts.invite import set_password_link
from echoorg.core.text import normalise_name
from echoorg.orgs import services


class Command(BaseCommand):
    help = (
        "Set up an organisation and its first facilitator, and print a link for the "
        "facilitator to choose a password (for a new installation)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="The organisation's name.")
        parser.add_argument("--slug", required=True, help="Short name for web addresses.")
        parser.add_argument("--facilitator", required=True, help="The facilitator's email.")
        parser.add_argument("--facilitator-name", default="", help="The facilitator's name.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="Address of this echoorg, for the link (ECHOORG_BASE_URL).",
        )

    def handle(
        self,
        *args,
        name: str,
        slug: str,
        facilitator: str,
        facilitator_name: str,
        base_url: str | None,
        **options,
    ) -> None:
        from django.conf import settings

        User = get_user_model()
        try:
            with transaction.atomic():
                user = User.objects.for_address(facilitator, normalise_name(facilitator_name))
                organisation = services.create_organisation(user, name, slug)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Set up {organisation.name} (/o/{organisation.slug}/) with "
            f"{user.email} as its facilitator."
        )
        if not user.has_usable_password():
            link = set_password_link(user, base_url or settings.ECHOORG_BASE_URL)
            self.stdout.write(
                f"Send them this link to choose a password (works once, "
                f"expires in three days):\n{link}"
            )
