from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from echoorg.common.crypto import vault


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def for_address(self, email: str, full_name: str = "") -> User:
        """The account with this address, or a new one with no usable password yet (set
        through a link). ValidationError for an address or name that would be refused."""
        address = email.strip().lower()
        user = self.filter(email__iexact=address).first()
        if user is None:
            user = self.model(email=address, full_name=full_name)
            user.full_clean(exclude=["password"])
            user.set_unusable_password()
            user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in. People are identified by email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # Django's flag for the admin site
    date_joined = models.DateTimeField(default=timezone.now)
    # The authenticator (TOTP) secret, encrypted with the speak-up vault's keys
    # (ECHOORG_ENCRYPTION_KEYS); read and write it through `totp_secret`.
    totp_secret_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    totp_enabled = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def totp_secret(self) -> str:
        """The TOTP secret in clear, decrypted on demand; empty when there is none."""
        return vault().decrypt_text(self.totp_secret_encrypted)

    @totp_secret.setter
    def totp_secret(self, secret: str) -> None:
        self.totp_secret_encrypted = vault().encrypt_text(secret) if secret else None


class RecoveryCode(models.Model):
    """A single-use two-factor recovery code. Only a SHA-256 bound to the account is kept
    (see echoorg/core/recovery_codes.py); the code itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}{' (used)' if self.used_at else ''}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "echo_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, digest=hash_token(token), hint=token[:9])
        return obj, token

    @classmethod
    def authenticate(cls, token: str) -> User | None:
        if not token.startswith(cls.PREFIX):
            return None
        found = cls.objects.select_related("user").filter(digest=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        cls.objects.filter(pk=found.pk).update(last_used=timezone.now())
        return found.user
