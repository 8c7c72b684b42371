"""The filter of the changes on the books that a dashboard flow opens: every value validated, a bad one shown as
the field's error and left out (never a 500); a region outside the viewer's area is 404 in the selector."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import Styled
from rongjia.core.forms_places import RegionCodeField
from rongjia.people.models import StatusChange

FILTERS = ("region", "kind", "since", "until")


class ChangeFilterForm(Styled, forms.Form):
    region = RegionCodeField(label=_("Region code"), required=False,
                              error_messages={"invalid": _("Enter a region code of digits only.")},
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    kind = forms.ChoiceField(label=_("Kind of change"), required=False,
                             choices=[("", _("All changes")), *StatusChange.Kind.choices])
    since = forms.DateField(label=_("Since"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = forms.DateField(label=_("Up to and including"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The last day comes before the first."))
        return data

    def filters(self) -> dict:
        """The valid filters as `selectors.status_changes` takes them; an invalid one is left out."""
        self.is_valid()
        return {name: self.cleaned_data[name] for name in FILTERS if self.cleaned_data.get(name) not in ("", None)}
