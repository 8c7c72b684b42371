from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES, SLUG_BY_LEVEL


class StationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Level"), required=False,
        choices=[("", _("All levels"))] + [(SLUG_BY_LEVEL[number], label) for number, label in LEVEL_CHOICES],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrgUnit.Kind.choices])
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,12}$")
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """The cleaned filters; an invalid value is dropped rather than shown as an error."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "level", "kind", "region", "sort")}


class OrgUnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OrgUnit
        fields = ["name", "address", "phone", "opening_hours"]
        widgets = {
            "opening_hours": forms.TextInput(attrs={"placeholder": _("e.g. Mon–Fri 8:30–17:00")}),
        }
