import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
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
        """What the account's roles grant where it works: a role's capabilities as the nearest jurisdiction
        at or above the account's unit set them (`LocalCapabilities`), else as the role defines them."""
        if not self.is_active:
            return frozenset()
        if not self.org_unit_id:
            return frozenset(c for role in self.roles.all() for c in role.capabilities)
        roles = self.roles.annotate(local=LocalCapabilities.nearest_to(self.org_unit.region_code))  # one query
        return frozenset(c for role in roles for c in (role.capabilities if role.local is None else role.local))

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.roles.all())


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored, the token is shown once.

    Not a permanent credential: it lives API_TOKEN_DAYS, says what it is for, and its owner or the
    security administrator revokes it (accounts.services_tokens); api.auth refuses it after that.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=200)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("revoked by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired

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


class LocalCapabilities(models.Model):
    """A role's capabilities as one jurisdiction set them (decision 0010): a county's security administrators
    change a role for the county's accounts only; the role's own list stays what every other place uses."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="local_capabilities",
                             verbose_name=_("role"))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12)  # an unpadded code prefix, "32" … "320115"
    capabilities = models.JSONField(_("capabilities"), default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "jurisdiction"], name="one_local_list_per_place")]
        verbose_name = _("role in a jurisdiction")

    def __str__(self):
        return f"{self.role} @ {self.jurisdiction}"

    @classmethod
    def nearest_to(cls, region_code: str) -> models.Subquery:
        """For a query of roles: each role's capabilities from the nearest jurisdiction at or above `region_code`
        that set it, or None."""
        from rongjia.core.scoping import ancestor_prefixes

        rows = cls.objects.filter(role=models.OuterRef("pk"), jurisdiction__in=ancestor_prefixes(region_code))
        return models.Subquery(rows.order_by(Length("jurisdiction").desc()).values("capabilities")[:1],
                               output_field=models.JSONField())

    @classmethod
    def nearest(cls, roles, region_code: str) -> dict[int, list[str]]:
        """{role id: capabilities} from the nearest jurisdiction at or above `region_code` that set each role."""
        from rongjia.core.scoping import ancestor_prefixes

        found = {}
        rows = cls.objects.filter(role__in=roles, jurisdiction__in=ancestor_prefixes(region_code))
        for role_id, _place, capabilities in sorted(rows.values_list("role_id", "jurisdiction", "capabilities"),
                                                    key=lambda row: len(row[1])):
            found[role_id] = capabilities  # a longer (nearer) jurisdiction overwrites a wider one
        return found


class AccountChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Changes inside the administrator's subtree (the security administrators who may decide them,
        the audit administrator who reads them)."""
        from rongjia.core.scoping import admin_subtree_q

        return self.filter(admin_subtree_q(user, "jurisdiction"))


class AccountChange(models.Model):
    """A change of who may do what, proposed by one security administrator and taken by a second
    (the two-person rule, decision 0010): a new account's roles, an account's roles or unit, a role's
    capabilities in a jurisdiction. Its states run on core.workflow (accounts.approvals.ACCOUNT_CHANGE)."""

    class Kind(models.TextChoices):
        NEW_ACCOUNT = "new_account", _("New account")
        ACCOUNT_ROLES = "account_roles", _("Roles or unit of an account")
        ROLE_CAPABILITIES = "role_capabilities", _("Capabilities of a role")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved and in effect")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    # Where the change applies, as a code: the account's unit, or the jurisdiction of a role's list.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, db_index=True)
    account = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("account"))
    role = models.ForeignKey(Role, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("role"))
    # What takes effect on approval: {"roles": [codes], "org_unit": code} or {"capabilities": [names]}
    proposal = models.JSONField(_("proposal"), default=dict)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = AccountChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
