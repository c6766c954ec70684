"""Overdue alerts: each guardian gets one email listing concerns past a deadline.

The email names references and clocks only, never what a concern says.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from echoorg.common.tasks import send_email
from echoorg.orgs.models import Organisation
from echoorg.orgs.permissions import members_who_may

from .services import overdue


def send_overdue_alerts(
    dry_run: bool = False, write: Callable[[str], None] = lambda _: None
) -> int:
    sent = 0
    for organisation in Organisation.objects.all():
        late = overdue(organisation)
        if not late:
            continue
        guardians = [m.user.email for m in members_who_may(organisation, "concerns.alerted")]
        lines = [
            f"- {r['concern'].reference}: {r['clock']} was due {r['due']:%-d %B %Y}" for r in late
        ]
        link = f"{settings.ECHOORG_BASE_URL.rstrip('/')}/o/{organisation.slug}/concerns/"
        body = (
            f"{len(late)} concern{'s' if len(late) != 1 else ''} at {organisation.name} "
            f"{'are' if len(late) != 1 else 'is'} past a deadline:\n\n"
            + "\n".join(lines)
            + f"\n\nOpen the queue: {link}\n"
        )
        for email in guardians:
            write(f"{organisation.slug}: {email}, {len(late)} overdue")
            if not dry_run:
                send_email.enqueue(
                    f"Speak up: {len(late)} overdue at {organisation.name}", body, [email]
                )
            sent += 1
    return sent
