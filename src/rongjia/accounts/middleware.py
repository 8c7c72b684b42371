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
from django.utils.http import urlencode
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


# What a session whose sign-in is not complete yet (a password or second factor due) may still reach.
SIGN_IN_NAMES = ("accounts:logout", "accounts:login", "accounts:otp_verify", "accounts:otp_setup", "healthz")


class PasswordChangeRequiredMiddleware:
    """Until the password is changed (first sign-in, or older than 90 days) only the
    password-change page, sign-out and static files answer."""

    allowed_names = ("accounts:password_change", *SIGN_IN_NAMES)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and password_change_due(user) and not _allowed(request.path, self.allowed_names):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("You must change your password first.")}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)


SECOND_FACTOR_DONE_KEY = "rongjia_second_factor_not_needed"


class SecondFactorRequiredMiddleware:
    """After the password, an account that needs the second factor (its role requires it, or its
    owner set one up) reaches only the code page, or the set-up page while it has no authenticator.

    Whether it is needed is worked out once per session: a role or device added later applies
    from the next sign-in.

    The password-change page is no exception: with the password alone one could otherwise change
    it, lock the owner out and end their sessions. Only a forced change of an account without an
    authenticator yet (a temporary password at first sign-in) comes before the second factor.
    """

    allowed_names = SIGN_IN_NAMES

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django_otp import user_has_device

        from .two_factor import second_factor_needed

        user = request.user
        if (user.is_authenticated and not user.is_verified() and not request.session.get(SECOND_FACTOR_DONE_KEY)
                and not _allowed(request.path, self.allowed_names) and not _forced_change_first(request)):
            if not second_factor_needed(user):
                request.session[SECOND_FACTOR_DONE_KEY] = True
            elif request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Enter your authenticator code first.")}, status=403)
            else:
                target = "accounts:otp_verify" if user_has_device(user, confirmed=True) else "accounts:otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _forced_change_first(request) -> bool:
    from django_otp import user_has_device

    user = request.user
    return (request.path == reverse("accounts:password_change") and password_change_due(user)
            and not user_has_device(user, confirmed=True))


def _allowed(path: str, names) -> bool:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return path.startswith(static) or path.startswith("/i18n/") or any(path == reverse(name) for name in names)
