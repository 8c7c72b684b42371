"""The 积案 of a petition as the viewer may read it (the petition page's link to it): the case belongs to the
centre that owns it, so a viewer below that centre reads the petition without it."""

from django import template

from ..backlog.models import BacklogCase

register = template.Library()


@register.simple_tag(takes_context=True)
def backlog_case_seen(context, petition):
    request = context.get("request")
    if request is None:
        return None
    return BacklogCase.objects.visible_to(request.user).filter(petition=petition).first()
