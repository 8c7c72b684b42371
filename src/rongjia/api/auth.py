"""API authentication: a bearer token (manage.py create_api_token) or the browser session."""

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from rongjia.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user__org_unit")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # Bookkeeping, not a change anyone made: a plain update, deliberately without an audit entry.
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user  # scoping and audit read request.user, as for a page
        return found.user


AUTH = [TokenAuth(), django_auth]
