"""API tokens (DESIGN.md rule 2): issued, listed and revoked here, by the page and the command alike.

A token is a credential that outlives the session that made it, so for an account that needs a
second factor it is issued only with a fresh authenticator code (等保 8.1.4.1 b), it expires, and its
owner or the security administrator who manages the account can revoke it at any time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor

from . import two_factor
from .models import ApiToken, User
from .services import managed_users

NAME_MAX, PURPOSE_MAX = ApiToken._meta.get_field("name").max_length, ApiToken._meta.get_field("purpose").max_length


def api_token_create(*, actor, user: User, name: str, purpose: str, otp: str = "") -> str:
    """Issue a token for `user`; returns it (only its hash is kept, so it is shown this once).

    `actor` is the owner (the page, or the command with --otp), the security administrator managing
    the account (the command with --by: no code, audited as them), or None (the command, for an
    account that needs no second factor).
    """
    name, purpose = (name or "").strip(), (purpose or "").strip()
    errors = {}
    if not name or len(name) > NAME_MAX:
        errors["name"] = _("Give the token a name you will recognise it by (at most %(n)d characters).") % {
            "n": NAME_MAX}
    if not purpose or len(purpose) > PURPOSE_MAX:
        errors["purpose"] = _("Say what the token is for: the script or system that will use it (at most %(n)d "
                              "characters).") % {"n": PURPOSE_MAX}
    if actor is not None and actor.pk != user.pk:
        _require_manager(actor, user)
    elif two_factor.second_factor_needed(user) and not two_factor.step_up(user, otp):
        errors["otp"] = _("Enter the 6-digit code your authenticator app shows now: your account needs the "
                          "second factor to get an API token.")
    if errors:
        raise ValidationError(errors)
    key = ApiToken.generate()
    with transaction.atomic(), audit_actor(actor):
        ApiToken.objects.create(user=user, name=name, purpose=purpose, key_hash=ApiToken.hash(key),
                                prefix=key[:8], expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS))
    return key


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """The owner, or the security administrator managing the owner's account (404 for anyone else)."""
    if token.user_id != actor.pk:
        _require_manager(actor, token.user)
    if token.revoked_at is not None:
        return  # revoked already: nothing changes, nothing to record
    with transaction.atomic(), audit_actor(actor):
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])


def tokens_of(user: User):
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


def tokens_managed_by(actor: User):
    """The tokens of the accounts the security administrator manages (none for anyone else)."""
    return ApiToken.objects.filter(user__in=managed_users(actor)).select_related("user", "revoked_by")


def tokens_revocable_by(actor: User):
    return ApiToken.objects.filter(Q(user=actor) | Q(user__in=managed_users(actor)))


def _require_manager(actor: User, user: User) -> None:
    # An account outside the administrator's reach is answered as missing, like any record out of scope.
    if not managed_users(actor).filter(pk=user.pk).exists():
        raise Http404
