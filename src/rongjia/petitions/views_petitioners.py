"""The registration form's petitioner picker: suggestions from the dossiers in the worker's scope (people's own
search, ID numbers masked), and the chosen one's line on the form. HTMX fragments, no script of our own."""

from django.shortcuts import render

from rongjia.core.decorators import capability_required
from rongjia.core.scoping import get_visible_or_404
from rongjia.people.models import Person
from rongjia.people.selectors import person_search

from .forms import on_file

SUGGESTIONS = 8  # a short list that fits a phone's screen above its keyboard


@capability_required("petitions.handle")
def petitioner_options(request):
    """Dossiers matching what was typed: a name, pinyin initials or the full ID number (matched by its index)."""
    q = request.GET.get("q", "").strip()
    people = [on_file(p) for p in person_search(request.user, q=q)[:SUGGESTIONS]] if q else []
    return render(request, "petitions/_petitioner_options.html", {"people": people, "searched": bool(q)})


@capability_required("petitions.handle")
def petitioner_pick(request, pk):
    """One chosen dossier as a ticked line of the form; a dossier outside the scope is 404."""
    person = get_visible_or_404(Person.objects.select_related("address_region"), request.user, pk=pk)
    return render(request, "petitions/_petitioner_chosen.html", {"person": on_file(person), "picked": True})
