"""Template filters for history: people by their real names, stamps in the local time zone."""

from datetime import time

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, format_html

from rongjia.core.history import actor_name

register = template.Library()


@register.filter
def real_name(person):
    """A user (or a name from history.actor_name) as the real name, with the account name on hover."""
    if not person:
        return ""
    name = person if isinstance(person, str) else actor_name(person)
    account = getattr(name, "account", "")
    if account and account != name:
        return format_html('<span title="{}">{}</span>', account, name)
    return conditional_escape(name)


@register.filter
def stamp(value):
    """An aware time as the local date and time; a day-only stamp (local midnight, timeline.start_of) as the
    date alone, without an invented 00:00."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return date_format(local, "Y-m-d" if local.time() == time.min else "Y-m-d H:i")
