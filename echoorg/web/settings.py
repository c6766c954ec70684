"""Django settings for echoorg, configured entirely by environment variables.

See docs/admin-guide.md for every variable. The defaults suit `make run` on a laptop:
SQLite in ./var, the console email backend and in-process background tasks.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from echoorg.web import data_folder

# Importing these settings writes nothing: the data folder and its generated secrets are
# made by `echoorg.web.data_folder.prepare()`, which the `echoorg` command runs first.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_folder.data_dir()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret(variable: str) -> str:
    """A secret from the environment, or from the data folder (a laptop install keeps
    generated ones there so sessions and encrypted data survive restarts)."""
    value = data_folder.secret(variable)
    if not value:
        raise ImproperlyConfigured(data_folder.missing_message(variable))
    return value


DEBUG = _flag("ECHOORG_DEBUG")
SECRET_KEY = _secret("ECHOORG_SECRET_KEY")
# Speak-up data at rest: comma-separated Fernet keys, the first encrypts, all decrypt.
ECHOORG_ENCRYPTION_KEYS = [
    k.strip() for k in _secret("ECHOORG_ENCRYPTION_KEYS").split(",") if k.strip()
]
# Salt for receipt-code hashes; changing it makes existing receipt codes stop working.
ECHOORG_RECEIPT_SECRET = _secret("ECHOORG_RECEIPT_SECRET")
# Audit trail: comma-separated HMAC keys, the first seals new entries, all verify. Keep
# them outside the database (and out of its backups); never remove one that sealed entries.
ECHOORG_AUDIT_KEYS = [k.strip() for k in _secret("ECHOORG_AUDIT_KEYS").split(",") if k.strip()]
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ECHOORG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ECHOORG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "echoorg.web",
    "echoorg.accounts",
    "echoorg.orgs",
    "echoorg.audit",
    "echoorg.diagnostic",
    "echoorg.concerns",
    "echoorg.library",
    "echoorg.analysis",
    "echoorg.development",
    "echoorg.scenarios",
]

MIDDLEWARE = [
    "echoorg.web.request_log.request_log",  # route names, never paths (see that module)
    "django.middleware.security.SecurityMiddleware",
    "echoorg.web.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "echoorg.accounts.middleware.two_factor_gate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "echoorg.web.urls"
WSGI_APPLICATION = "echoorg.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "echoorg.web.context_processors.navigation",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'echoorg.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttle, per address AND client, in the cache only (decision 0007): after
# MAX_FAILURES failures one client waits BACKOFF_SECONDS, doubling with each further
# failure up to LOCKOUT_SECONDS; its failures are forgotten WINDOW_SECONDS after the last.
ECHOORG_LOGIN_MAX_FAILURES = int(os.environ.get("ECHOORG_LOGIN_MAX_FAILURES", "5"))
ECHOORG_LOGIN_BACKOFF_SECONDS = int(os.environ.get("ECHOORG_LOGIN_BACKOFF_SECONDS", "30"))
ECHOORG_LOGIN_WINDOW_SECONDS = int(os.environ.get("ECHOORG_LOGIN_WINDOW_SECONDS", "86400"))
ECHOORG_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("ECHOORG_LOGIN_LOCKOUT_SECONDS", "900"))
# Reverse proxies in front of echoorg whose X-Forwarded-For is trusted (0: none), so the
# login throttle sees each client's address rather than the proxy's.
ECHOORG_TRUSTED_PROXIES = int(os.environ.get("ECHOORG_TRUSTED_PROXIES", "0"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("ECHOORG_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_SECURE = _flag("ECHOORG_SECURE_COOKIES", not DEBUG and _flag("ECHOORG_HTTPS"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _flag("ECHOORG_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Speak-up attachments: size and type limits.
ECHOORG_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ECHOORG_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
# Speak-up protection (docs/admin-guide.md, docs/decisions/0005-speak-up-protection.md).
# Proof of work on the public forms: leading zero bits of SHA-256 (each bit doubles the
# work; 18 is about a second in a laptop browser), one more bit per so many wrong receipt
# codes within the window, up to a ceiling; how long a challenge stays valid.
ECHOORG_POW_BITS = int(os.environ.get("ECHOORG_POW_BITS", "18"))
ECHOORG_POW_MAX_BITS = int(os.environ.get("ECHOORG_POW_MAX_BITS", "22"))
ECHOORG_POW_FAILURES_PER_BIT = int(os.environ.get("ECHOORG_POW_FAILURES_PER_BIT", "20"))
ECHOORG_POW_WINDOW_SECONDS = int(os.environ.get("ECHOORG_POW_WINDOW_SECONDS", "3600"))
ECHOORG_POW_CHALLENGE_SECONDS = int(os.environ.get("ECHOORG_POW_CHALLENGE_SECONDS", str(3 * 3600)))
# Per organisation: concerns accepted per hour from the public form, total bytes of
# stored attachments, and how often guardians are emailed that a limit was reached.
ECHOORG_SPEAKUP_MAX_PER_HOUR = int(os.environ.get("ECHOORG_SPEAKUP_MAX_PER_HOUR", "30"))
ECHOORG_SPEAKUP_STORAGE_BYTES = int(
    os.environ.get("ECHOORG_SPEAKUP_STORAGE_BYTES", str(2 * 1024**3))
)
ECHOORG_SPEAKUP_ALERT_SECONDS = int(os.environ.get("ECHOORG_SPEAKUP_ALERT_SECONDS", "86400"))
# A reporter's follow-up session (after the receipt code) ends after this idle time.
ECHOORG_SPEAKUP_IDLE_SECONDS = int(os.environ.get("ECHOORG_SPEAKUP_IDLE_SECONDS", "900"))
# Argon2id cost of receipt-code hashes (RFC 9106). Fixed: changing it stops every
# existing receipt code from working. Tests lower it to stay fast.
ECHOORG_RECEIPT_ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024}
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

# Django's cache holds the login throttle, speak-up's counters and used challenges (never
# the database).
# Memory of each process by default; several processes or servers should share one,
# e.g. ECHOORG_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache with
# ECHOORG_CACHE_LOCATION=redis://cache.internal:6379 (needs the redis package).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "ECHOORG_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("ECHOORG_CACHE_LOCATION", ""),
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # made by data_folder.prepare(); whitenoise warns without it
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "ECHOORG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("ECHOORG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ECHOORG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ECHOORG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ECHOORG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("ECHOORG_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("ECHOORG_FROM_EMAIL", "echoorg <no-reply@echoorg.invalid>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "ECHOORG_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# No request path reaches the log: survey paths hold link tokens (echoorg.web.request_log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_paths": {"()": "echoorg.web.request_log.PathScrubbingFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub_paths"]},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ECHOORG_LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request: method, route name, status, duration.
        "echoorg.requests": {"level": "INFO"},
        # Django's own handlers (mail_admins with the full request) are replaced by ours.
        "django": {
            "handlers": [],
            "propagate": True,
            "level": os.environ.get("ECHOORG_LOG_LEVEL", "WARNING"),
        },
        "django.request": {"filters": ["scrub_paths"]},
        "django.security.csrf": {"filters": ["scrub_paths"]},
        # The development server's request lines hold paths; echoorg.requests replaces them.
        "django.server": {"handlers": ["null"], "propagate": False},
    },
}

# The address people use to reach echoorg, for links in emails sent outside a request.
ECHOORG_BASE_URL = os.environ.get("ECHOORG_BASE_URL", "http://127.0.0.1:8000")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
