"""Session rules of 等保2.0: idle sign-out and forced password changes."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "rongjia_last_activity"


class IdleTimeoutMiddleware:
    """Signs out a session that has been idle longer than RONGJIA_IDLE_TIMEOUT_MINUTES.

    The session cookie's own expiry slides too (SESSION_SAVE_EVERY_REQUEST), but it is kept
    by the browser; this check is kept by the server and holds whatever the client sends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            if now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            else:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def password_change_due(user) -> bool:
    if user.must_change_password or user.password_changed_at is None:
        return True
    return timezone.now() - user.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class PasswordChangeRequiredMiddleware:
    """Until the password is changed (first sign-in, or older than 90 days) only the
    password-change page, sign-out and static files answer."""

    allowed_names = ("accounts:password_change", "accounts:logout", "accounts:login", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and password_change_due(user) and not self._allowed(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("You must change your password first.")}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL):
            return True
        return any(path == reverse(name) for name in self.allowed_names) or path.startswith("/i18n/")
