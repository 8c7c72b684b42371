"""Every write to accounts and roles (DESIGN.md rule 2). Only the security administrator
manages accounts; everyone changes their own password."""

import hashlib

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.scoping import admin_prefix, admin_subtree_q, code_in_subtree

from . import approvals
from .models import PasswordHistory, Role, SecurityNotice, SignInDevice, User
from .separation import check_role_combination


def _require_security_admin(actor, account: User | None = None, *, new_unit=None):
    """The security administrator, acting on an account of a unit inside the own subtree (404 outside,
    as for any record out of scope) and placing accounts only there (a field error)."""
    if actor is None:
        return
    if not actor.can("accounts.manage"):
        raise PermissionDenied
    prefix = admin_prefix(actor) or "-"
    if account is not None and not (account.org_unit and code_in_subtree(account.org_unit.region_code, prefix)):
        raise Http404
    if new_unit is not None and not code_in_subtree(new_unit.region_code, prefix):
        raise ValidationError({"org_unit": _("Choose a unit inside the area you administer.")})


def managed_users(actor):
    """The accounts the security administrator manages: those of units in the own subtree."""
    prefix = admin_prefix(actor)
    if prefix is None or not actor.can("accounts.manage"):
        return User.objects.none()
    return User.objects.filter(admin_subtree_q(actor, "org_unit__region_code"))


def user_create(*, actor, username, password, org_unit, roles, full_name="", must_change_password=True) -> User:
    """A new account. Given roles by an administrator, it waits inactive for a second one to approve them
    (accounts.approvals); `actor` None means a set-up command (seed_demo), which needs no approval."""
    _require_security_admin(actor, new_unit=org_unit)
    check_role_combination(role.code for role in roles)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(username=username, full_name=full_name, org_unit=org_unit, must_change_password=must_change_password)
    validate_password(password, user)
    with transaction.atomic(), audit_actor(actor):
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.full_clean(exclude=["password"])
        if actor is None or not roles:
            user.save()
            user.roles.set(roles)
        else:  # the two-person rule: inactive and without roles until a second administrator approves
            user.is_active = False
            user.save()
            approvals.propose_account_roles(actor=actor, account=user, roles=roles, org_unit=org_unit, new=True)
    return user


def user_update(*, actor, user: User, full_name: str, org_unit, roles, is_active: bool):
    """The name and whether the account is active change now; its roles and unit (what it may see and
    do) only when a second administrator approves. Returns that proposal, if there is one."""
    _require_security_admin(actor, user, new_unit=org_unit)
    check_role_combination(role.code for role in roles)
    if user == actor and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    access_changes = set(roles) != set(user.roles.all()) or org_unit != user.org_unit
    with transaction.atomic(), audit_actor(actor):
        user.full_name, user.is_active = full_name, is_active
        user.save(update_fields=["full_name", "is_active"])
        if access_changes:
            return approvals.propose_account_roles(actor=actor, account=user, roles=roles, org_unit=org_unit)
    return None


def user_reset_password(*, actor, user: User, password: str) -> None:
    """The security administrator sets a temporary password; the user must change it at sign-in."""
    _require_security_admin(actor, user)
    _set_password(actor=actor, user=user, password=password, temporary=True)


def user_unlock(*, actor, user: User) -> int:
    """Lift a lockout after too many failed sign-ins; returns how many lock records were cleared."""
    _require_security_admin(actor, user)
    return axes_reset(username=user.username)


def password_change(*, user: User, old_password: str, new_password: str, request=None) -> None:
    """`request`, from the page: the current password is then checked like a sign-in, so that wrong
    ones count towards the lockout (django-axes) and a locked account cannot go on guessing here."""
    if not _current_password_right(user, old_password, request):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    _set_password(actor=user, user=user, password=new_password, temporary=False)


def _current_password_right(user: User, password: str, request) -> bool:
    if request is None:  # a script or test: no client to count against
        return user.check_password(password)
    # authenticate() asks django-axes first (refused while locked, which its middleware then shows as
    # the lockout page) and sends user_login_failed on a wrong password, which axes counts.
    return authenticate(request, username=user.get_username(), password=password) == user


def _set_password(*, actor, user: User, password: str, temporary: bool) -> None:
    """A temporary password (set by the security administrator) must be changed at sign-in.

    None of the last PASSWORD_HISTORY passwords (the current one included) may come back.
    """
    validate_password(password, user)
    earlier = [user.password, *user.password_history.values_list("password", flat=True)[
        :settings.PASSWORD_HISTORY - 1]]
    if any(encoded and check_password(password, encoded) for encoded in earlier):
        raise ValidationError({"new_password1": _("This password was used recently: choose one not among your "
                                                  "last %(n)d.") % {"n": settings.PASSWORD_HISTORY}})
    with transaction.atomic(), audit_actor(actor):
        if user.password:
            PasswordHistory.objects.create(user=user, password=user.password)
            stale = user.password_history.values_list("pk", flat=True)[settings.PASSWORD_HISTORY:]
            PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        user.set_password(password)
        user.must_change_password = temporary
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])


def role_set_capabilities(*, actor, role: Role, capabilities: list[str]):
    """Proposes the role's capabilities for the administrator's own jurisdiction; they apply there when a
    second administrator approves (accounts.approvals)."""
    _require_security_admin(actor)
    if admin_prefix(actor) is None:
        raise PermissionDenied
    return approvals.propose_role_capabilities(actor=actor, role=role, capabilities=capabilities)


# API tokens: accounts.services_tokens


def sign_in_recorded(*, user: User, user_agent: str, ip: str | None) -> list[str]:
    """Note the browser of this sign-in; a browser not seen before leaves a notice for the owner.

    Returns the notices left since the previous sign-in (not this one's own), to show now: if this
    sign-in was someone else's, the owner reads about it the next time they sign in.
    """
    user_agent = (user_agent or "")[:200]
    fingerprint = hashlib.sha256(user_agent.encode()).hexdigest()
    with transaction.atomic():
        earlier = list(SecurityNotice.objects.filter(user=user, shown_at__isnull=True))
        seen_before = user.sign_in_devices.exists()
        device, created = SignInDevice.objects.get_or_create(
            user=user, fingerprint=fingerprint, defaults={"user_agent": user_agent, "first_ip": ip})
        if not created:
            device.save(update_fields=["last_seen"])
        elif seen_before:
            when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            SecurityNotice.objects.create(user=user, message=_(
                "%(when)s: a sign-in from a browser not used before (%(agent)s, IP %(ip)s). If it was not you, "
                "change your password now and tell the security administrator.") % {
                "when": when, "agent": user_agent[:60] or "?", "ip": ip or "?"})
        SecurityNotice.objects.filter(pk__in=[notice.pk for notice in earlier]).update(shown_at=timezone.now())
    return [notice.message for notice in earlier]
