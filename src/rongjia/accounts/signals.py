"""Holds 三员分立 below the services too: whatever adds roles to an account is checked."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import Role, User
from .separation import check_role_combination


@receiver(m2m_changed, sender=User.roles.through)
def refuse_forbidden_role_combination(sender, instance, action, pk_set, **kwargs):
    if action != "pre_add" or not isinstance(instance, User):
        return
    added = set(Role.objects.filter(pk__in=pk_set).values_list("code", flat=True))
    current = set(instance.roles.values_list("code", flat=True))
    check_role_combination(current | added)
