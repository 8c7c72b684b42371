"""三员分立: the system, security and audit administrators are three separate people."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .permissions import ADMIN_ONLY_CAPABILITIES, ADMIN_ROLES, AUDIT_ADMIN, CAPABILITIES


def check_role_combination(role_codes) -> None:
    """An administrator role is the account's only role: no two of the three, no business role."""
    codes = set(role_codes)
    admin = codes & set(ADMIN_ROLES)
    if len(admin) > 1:
        raise ValidationError(
            _("Separation of duties: one account cannot hold two administrator roles."), code="two_admin_roles"
        )
    if admin and len(codes) > 1:
        raise ValidationError(
            _("Separation of duties: an administrator account cannot hold any other role."),
            code="admin_with_other_roles",
        )


def check_role_capabilities(role_code: str, capabilities) -> None:
    """A role may not take another administrator's capabilities; the auditor only reads."""
    unknown = set(capabilities) - set(CAPABILITIES)
    if unknown:
        raise ValidationError(_("Unknown capability: %(names)s") % {"names": ", ".join(sorted(unknown))})
    for owner, reserved in ADMIN_ONLY_CAPABILITIES.items():
        if owner != role_code and set(capabilities) & reserved:
            raise ValidationError(
                _("Separation of duties: these capabilities belong to another administrator role."),
                code="reserved_capability",
            )
    if role_code == AUDIT_ADMIN and set(capabilities) - ADMIN_ONLY_CAPABILITIES[AUDIT_ADMIN]:
        raise ValidationError(_("The audit administrator can only read and export the audit log."))
