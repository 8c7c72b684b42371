"""Holds 三员分立 below the services too: whatever adds roles to an account is checked. And at
sign-in, whether this session will need the second factor is settled once."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from rongjia.core.client import client_address

from .models import Role, User
from .separation import check_role_combination


@receiver(m2m_changed, sender=User.roles.through)
def refuse_forbidden_role_combination(sender, instance, action, pk_set, **kwargs):
    if action != "pre_add" or not isinstance(instance, User):
        return
    added = set(Role.objects.filter(pk__in=pk_set).values_list("code", flat=True))
    current = set(instance.roles.values_list("code", flat=True))
    check_role_combination(current | added)


@receiver(user_logged_in)
def settle_second_factor(sender, request, user, **kwargs):
    """Saves SecondFactorRequiredMiddleware a look at roles and devices on every request."""
    from .middleware import SECOND_FACTOR_DONE_KEY
    from .two_factor import second_factor_needed

    if request is not None and hasattr(request, "session") and not second_factor_needed(user):
        request.session[SECOND_FACTOR_DONE_KEY] = True


@receiver(user_logged_in)
def note_the_browser(sender, request, user, **kwargs):
    """A new browser is noted for the owner; notices left since the last sign-in are shown now."""
    from django.contrib import messages

    from .services import sign_in_recorded

    if request is None or not hasattr(request, "META"):
        return
    for notice in sign_in_recorded(user=user, user_agent=request.META.get("HTTP_USER_AGENT", ""),
                                   ip=client_address(request)):
        messages.warning(request, notice, fail_silently=True)  # force_login (tests, scripts) has no messages
