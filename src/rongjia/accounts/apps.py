from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rongjia.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401  (三员分立 guard on role assignment)
        from .models import AccountChange, ApiToken, LocalCapabilities, Role, User

        auditlog.register(Role)
        auditlog.register(LocalCapabilities)
        auditlog.register(AccountChange)  # the proposal under its proposer, the decision under the second
        auditlog.register(ApiToken, include_fields=["user", "name", "purpose", "prefix", "created_at", "expires_at",
                                                    "revoked_at", "revoked_by"])  # never the hash; use is not a change
        auditlog.register(  # never the password hash; reverse relations are not fields of the account
            User,
            include_fields=["username", "full_name", "email", "org_unit", "is_active", "must_change_password",
                            "password_changed_at"],
            m2m_fields={"roles"},
        )

        from rongjia.core import contributions

        from . import workbench

        for contribution in workbench.CONTRIBUTIONS:
            contributions.register_workbench(contribution)
