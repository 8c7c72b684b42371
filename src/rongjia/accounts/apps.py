from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rongjia.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401  (三员分立 guard on role assignment)
        from .models import ApiToken, Role, User

        auditlog.register(Role)
        auditlog.register(ApiToken, include_fields=["user", "prefix", "created_at"])  # never the hash
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
