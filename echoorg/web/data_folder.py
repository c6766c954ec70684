"""The data folder of a local install (ECHOORG_DATA_DIR, default ./var) and the secrets
kept in it.

Settings only read here (`secret`); they never write. `prepare()` creates the folder and
generates each missing secret once: the `echoorg` command runs it before Django starts,
so `make run`, `echoorg demo` and `echoorg serve` work on a fresh checkout. A deployment
that sets every secret in the environment needs no data folder for them.

Imports nothing from Django, so it can run before Django is set up.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from echoorg.core.audit import new_audit_key
from echoorg.core.crypto import new_key as new_encryption_key


@dataclass(frozen=True)
class Secret:
    variable: str  # the environment variable that overrides the file
    filename: str  # its file in the data folder
    make: Callable[[], str]


SECRETS = (
    Secret("ECHOORG_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50)),
    Secret("ECHOORG_ENCRYPTION_KEYS", "encryption_keys", new_encryption_key),
    Secret("ECHOORG_RECEIPT_SECRET", "receipt_secret", lambda: secrets.token_urlsafe(32)),
    Secret("ECHOORG_AUDIT_KEYS", "audit_keys", new_audit_key),
)


def data_dir() -> Path:
    return Path(os.environ.get("ECHOORG_DATA_DIR", Path.cwd() / "var")).resolve()


def secret(variable: str) -> str:
    """A secret from the environment, else from its file in the data folder; "" when
    neither has it (settings then refuse to start: see `missing_message`)."""
    value = os.environ.get(variable)
    if value:
        return value
    path = data_dir() / _by_variable(variable).filename
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return ""


def missing_message(variable: str) -> str:
    return (
        f"{variable} is not set and {data_dir() / _by_variable(variable).filename} "
        "does not exist. Set the variable, or run any `echoorg` command once (for "
        "example `echoorg migrate`), which generates the missing secrets into the "
        "data folder (ECHOORG_DATA_DIR)."
    )


def prepare() -> None:
    """Create the data folder (and its static folder) and generate each secret that is
    neither in the environment nor already in a file; never replaces a file."""
    folder = data_dir()
    (folder / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    for item in SECRETS:
        if os.environ.get(item.variable):
            continue
        path = folder / item.filename
        if path.exists():
            continue
        # Written to a private temporary file (mkstemp makes it 0600), then linked into
        # place only if still absent, so two processes starting together cannot each
        # write a different key, nor read a half-written one.
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{item.filename}.")
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(item.make())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)


def _by_variable(variable: str) -> Secret:
    return next(s for s in SECRETS if s.variable == variable)
