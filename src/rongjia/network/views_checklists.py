"""The 五有 list and the display checklist of one's jurisdiction (data, SPEC C1)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rongjia.core.decorators import capability_required
from rongjia.core.regions import PREFIX_LENGTH

from . import services
from .facts import ChecklistBook
from .models import ChecklistItem


class ChecklistForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("checklist", "List"), choices=ChecklistItem.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    names = forms.CharField(label=gettext_lazy("Items, one per line"),
                            widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}))


@capability_required("network.standards")
def checklists(request):
    """Show the lists in force for the viewer's jurisdiction; save its own wording."""
    unit = request.user.org_unit
    if unit is None:
        raise PermissionDenied  # a jurisdiction is the subtree of one's unit
    jurisdiction = unit.region_code[: PREFIX_LENGTH[unit.level]]
    form = ChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_items_set(actor=request.user, kind=form.cleaned_data["kind"],
                                         jurisdiction_code=jurisdiction,
                                         names=form.cleaned_data["names"].splitlines())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:checklists")
    lists = [(kind, label, ChecklistBook(kind).items_for(unit.region_code))
             for kind, label in ChecklistItem.Kind.choices]
    context = {"form": form, "lists": lists, "jurisdiction": jurisdiction}
    return render(request, "network/checklists.html", context)
