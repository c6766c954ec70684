"""echoorg's settings for the test suite: its own settings, with throwaway secrets from
the environment, so the tests need no data folder and write none.

pytest-django imports this before any conftest.py runs (pyproject.toml names it), which
is why the secrets are set here rather than in tests/conftest.py. Subprocesses the tests
start (`python -m echoorg.cli ...`) inherit them.
"""

import os
import secrets

from echoorg.core.audit import new_audit_key
from echoorg.core.crypto import new_key

os.environ.setdefault("ECHOORG_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ECHOORG_ENCRYPTION_KEYS", new_key())
os.environ.setdefault("ECHOORG_RECEIPT_SECRET", secrets.token_urlsafe(32))
os.environ.setdefault("ECHOORG_AUDIT_KEYS", new_audit_key())

from echoorg.web.settings import *  # noqa: F403
from echoorg.web.settings import PACKAGE_DIR

# Any existing folder: static files come from the apps (WHITENOISE_USE_FINDERS); this only
# keeps whitenoise from warning that the data folder's static folder is missing.
STATIC_ROOT = PACKAGE_DIR / "web" / "static"

# Deliberately slow hashing made cheap, for the whole run (session-wide fixtures and the
# subprocesses the tests start included); tests of the costs themselves override these.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Receipt codes: Argon2id with one pass over 8 KiB instead of three over 64 MiB.
ECHOORG_RECEIPT_ARGON2 = {"time_cost": 1, "memory_cost": 8}
# Speak-up's proof of work: a few bits instead of the production difficulty.
ECHOORG_POW_BITS = 4
ECHOORG_POW_MAX_BITS = 8
