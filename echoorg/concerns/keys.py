"""Key rotation: re-encrypt every value any app keeps encrypted with the vault's keys
(speak-up text, two-factor secrets, sealed survey answers: each app lists its fields as
`encrypted` on its AppConfig, see echoorg.common.parts) with the newest key."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from echoorg.audit.log import record
from echoorg.common.parts import encrypted_fields
from echoorg.core.crypto import DecryptionError

from .crypto import vault


def rotate_all() -> dict[str, int]:
    """Re-encrypt all values; raises ValueError (and changes nothing) when a value cannot
    be decrypted with any configured key. Returns the number of values re-encrypted per
    label."""
    box = vault()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for entry in encrypted_fields():
            model = apps.get_model(entry.model)
            fields = list(entry.fields)
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
            counts[entry.label] = counts.get(entry.label, 0) + changed
        record("concerns.keys_rotated", object_type="concerns", **counts)
    return counts
