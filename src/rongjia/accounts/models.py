import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rongjia.core.models import OrgUnit
from rongjia.core.scoping import ScopedQuerySet

from .permissions import ADMIN_ROLES


class Role(models.Model):
    """A role and the capabilities it grants, kept as data (see accounts.permissions)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    capabilities = models.JSONField(_("capabilities"), default=list)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        # Names are kept as the English msgid so each viewer reads them in their language.
        return gettext(self.name)

    @property
    def is_admin(self) -> bool:
        return self.code in ADMIN_ROLES


class UserQuerySet(ScopedQuerySet):
    scope_field = "org_unit__region_code"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager (create_user…) with visible_to: colleagues within one's subtree."""


class User(AbstractUser):
    """A staff account: belongs to one organisation unit and holds one or more roles."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff_accounts",
        verbose_name=_("organisation unit"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = ScopedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def capabilities(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(c for role in self.roles.all() for c in role.capabilities)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.roles.all())


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "rj_" + secrets.token_urlsafe(32)


class PasswordHistory(models.Model):
    """The hashes of an account's earlier passwords, so that none of the last few is used again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)  # a hash, exactly as User.password holds it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class SignInDevice(models.Model):
    """A browser an account has signed in from (by its user-agent's hash), to notice a new one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_devices")
    fingerprint = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=200, blank=True)
    first_ip = models.GenericIPAddressField(null=True, blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "fingerprint"], name="one_row_per_device")]

    def __str__(self):
        return f"{self.user_id} {self.user_agent[:40]}"


class SecurityNotice(models.Model):
    """Told to the account's owner at the next sign-in: a sign-in from a browser not seen before."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_notices")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.message
