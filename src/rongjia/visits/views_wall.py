"""The honour wall (荣誉墙) of the viewer's own station: who is on it, adding and taking off, the photos."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rongjia.core.decorators import capability_required
from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.scoping import get_visible_or_404

from . import wall
from .forms import person_choices
from .models import HonourEntry
from .views import jpeg_response


class HonourForm(ServiceErrors, Styled, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the model veteran"), max_length=40)
    title = forms.CharField(label=gettext_lazy("Honour (一等功臣, 最美退役军人…)"), max_length=80)
    story = forms.CharField(label=gettext_lazy("Story"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    person = forms.TypedChoiceField(label=gettext_lazy("Dossier, if on file"), required=False, coerce=int,
                                    empty_value=None)
    photo = forms.FileField(label=gettext_lazy("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(user, None)


@capability_required("visits.view")
def honour_wall(request):
    unit = request.user.org_unit
    form = HonourForm(request.POST or None, request.FILES or None, user=request.user) \
        if request.user.can("visits.record") else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            data = form.cleaned_data
            wall.honour_add(actor=request.user, unit=unit, name=data["name"], title=data["title"], story=data["story"],
                            person_id=data["person"], photo=data["photo"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("On the honour wall: it shows on the station's page."))
            return redirect("visits:honour_wall")
    return render(request, "visits/honour_wall.html", {"entries": wall.wall_of(request.user, unit), "form": form,
                                                       "unit": unit})


@require_POST
@capability_required("visits.record")
def honour_remove(request, pk):
    wall.honour_remove(actor=request.user, entry_id=pk)
    messages.success(request, _("Taken off the honour wall."))
    return redirect("visits:honour_wall")


@capability_required("visits.view")
def honour_photo(request, pk):
    return jpeg_response(get_visible_or_404(HonourEntry.objects.all(), request.user, pk=pk).photo)
