from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from rongjia.core import measures

register = template.Library()


@register.simple_tag
def stars(count):
    """Filled and empty stars with their number for screen readers; a dash when there are none."""
    if not count:
        return format_html('<span class="text-secondary">{}</span>', "—")
    label = ngettext("%(n)d star", "%(n)d stars", count) % {"n": count}
    return format_html('<span class="stars" role="img" aria-label="{}">{}<span class="text-secondary">{}</span></span>',
                       label, "★" * count, "☆" * (5 - count))


@register.filter
def measure_label(key: str) -> str:
    measure = measures.get(key)
    return str(measure.label) if measure else key
