"""The forms of the network's training: a course, a 随岗锻炼. Shape only; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled

from . import training


class CourseForm(ServiceErrors, Styled, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DayInput())
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=DayInput())
    hours = forms.DecimalField(label=gettext_lazy("Hours"), min_value=0.5, max_digits=5, decimal_places=1)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False)


class PlacementForm(ServiceErrors, Styled, forms.Form):
    staff = forms.TypedChoiceField(label=gettext_lazy("Staff member"), coerce=int)
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DayInput())
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=DayInput())
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "—")] + [
            (member.pk, f"{member.name}（{member.unit.name}）") for member in training.placement_gaps(viewer)[:500]]
