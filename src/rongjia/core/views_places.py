"""The place picker's suggestions: places of the viewer's own subtree by part of their name (core.places)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .decorators import capability_required
from .places import QUERY_MAX, levels_from, place_suggestions


@capability_required("org.view")
def place_suggest(request):
    """GET ?q=<part of a name>&level=street,village: at most 20 options for the picker's listbox.

    Only the viewer's scope is searched, so a place outside it is never suggested; the form refuses it again.
    """
    typed = request.GET.get("q", "")[:QUERY_MAX]
    places = place_suggestions(request.user, typed, levels_from(request.GET.get("level", "")))
    options = [(place.code, place.path) for place in places]
    empty = _("No place in your area has this name.") if typed.strip() else _("Type part of the name.")
    return render(request, "core/_picker_options.html", {"options": options, "empty": empty})
