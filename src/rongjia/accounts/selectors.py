from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts django-axes is holding locked out right now."""
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
        ).values_list("username", flat=True)
    )


def _locked_now():
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=cutoff).values("username")


def accounts_in_state(users, state: str):
    """The account list's `state=` filter, also what the security administrator's workbench counts.

    Narrow managed accounts: "locked" (held by django-axes now) or "password_due" (active accounts that
    must change their password at the next sign-in: never set, reset, or older than the maximum age)."""
    if state == "locked":
        return users.filter(username__in=_locked_now())
    if state == "password_due":
        oldest = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
        return users.filter(Q(must_change_password=True) | Q(password_changed_at__isnull=True)
                            | Q(password_changed_at__lt=oldest), is_active=True)
    return users
