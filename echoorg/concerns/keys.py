"""Key rotation: re-encrypt every stored speak-up value (and two-factor secret) with the
newest key."""

from __future__ import annotations

from django.db import transaction

from echoorg.accounts.models import User
from echoorg.audit.log import record
from echoorg.core.crypto import DecryptionError

from .crypto import vault
from .models import Attachment, CaseEvent, Concern, Message

ENCRYPTED = [
    (
        Concern,
        ["text_encrypted", "reporter_name_encrypted", "reporter_contact_encrypted"],
        "concerns",
    ),
    (CaseEvent, ["note_encrypted"], "notes"),
    (Message, ["body_encrypted"], "messages"),
    (Attachment, ["name_encrypted", "data_encrypted"], "attachments"),
    # Two-factor secrets share the vault's keys, so they rotate with them.
    (User, ["totp_secret_encrypted"], "two-factor secrets"),
]


def rotate_all() -> dict[str, int]:
    """Re-encrypt all values; raises ValueError (and changes nothing) when a value cannot
    be decrypted with any configured key."""
    box = vault()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model, fields, label in ENCRYPTED:
            changed = 0
            for obj in model.objects.only("pk", *fields).iterator(chunk_size=500):
                updates = {}
                for name in fields:
                    token = getattr(obj, name)
                    if token:
                        try:
                            updates[name] = box.rotate(bytes(token))
                        except DecryptionError:
                            raise ValueError(
                                f"{model.__name__} {obj.pk}: {name} cannot be "
                                "decrypted with any configured key."
                            ) from None
                if updates:
                    model.objects.filter(pk=obj.pk).update(**updates)
                    changed += len(updates)
            counts[label] = changed
        record("concerns.keys_rotated", object_type="concerns", **counts)
    return counts
