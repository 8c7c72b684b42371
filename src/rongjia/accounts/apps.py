from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rongjia.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401  (三员分立 guard on role assignment)
        from .models import Role, User

        auditlog.register(Role)
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"roles"},
        )
