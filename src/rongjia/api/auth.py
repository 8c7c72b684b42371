"""API authentication: a bearer token (made on the "API tokens" page or by manage.py create_api_token)
or the browser session.

A token skips the pages' session rules (second factor, forced password change, idle sign-out), so
it carries its own: it was issued after the second factor, it expires and can be revoked, and it
stops while its owner must change the password, as a session would be held at the password page.
"""

import ipaddress

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from rongjia.accounts.middleware import password_change_due
from rongjia.accounts.models import ApiToken
from rongjia.core.client import client_address


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user__org_unit")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # The holder has the token, so saying why it no longer works tells them nothing new.
        if found.revoked_at is not None:
            raise HttpError(401, _("This API token has been revoked. Sign in and make a new one."))
        if found.expired:
            raise HttpError(401, _("This API token has expired. Sign in and make a new one."))
        if password_change_due(found.user):
            raise HttpError(403, _("You must change your password first."))
        # Bookkeeping, not a change anyone made: a plain update, deliberately without an audit entry.
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now(),
                                                   last_used_ip=_used_from(request))
        request.user = found.user  # scoping and audit read request.user, as for a page
        return found.user


def _used_from(request) -> str | None:
    """The client's address (behind our own proxies, the one they saw), or None if it is not an address."""
    try:
        return str(ipaddress.ip_address(client_address(request) or ""))
    except ValueError:
        return None


AUTH = [TokenAuth(), django_auth]
