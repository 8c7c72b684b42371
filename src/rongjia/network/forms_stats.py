from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.core.models import Region
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import covers_code, scope_prefix

_TEXT = {"class": "form-control"}


class StandardForm(forms.Form):
    """A new standard; field names are the model's, so the service's errors land on them."""

    jurisdiction_code = forms.RegexField(
        label=_("Jurisdiction (region code)"), regex=r"^\d{2,12}$", max_length=12,
        help_text=_("Your own region code or the code of a region inside it, e.g. a street."),
        error_messages={"invalid": _("Enter a region code of digits only.")},
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric", "autocomplete": "off"}),
    )
    level = forms.TypedChoiceField(label=_("Units of level"), choices=LEVEL_CHOICES, coerce=int,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    min_area_m2 = forms.DecimalField(label=_("Minimum area (m²)"), required=False, min_value=0, max_digits=8,
                                     decimal_places=1, widget=forms.NumberInput(attrs={**_TEXT, "step": "0.1"}))
    min_staff = forms.IntegerField(label=_("Minimum staff"), required=False, min_value=0,
                                   widget=forms.NumberInput(attrs=_TEXT))
    min_full_time_staff = forms.IntegerField(label=_("Minimum full-time staff (专职)"), required=False, min_value=0,
                                             widget=forms.NumberInput(attrs=_TEXT))
    effective_from = forms.DateField(label=_("Effective from"),
                                     widget=forms.DateInput(attrs={**_TEXT, "type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Source"), required=False, max_length=200,
                           help_text=_("The document that sets the standard."), widget=forms.TextInput(attrs=_TEXT))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.region = None
        self.fields["jurisdiction_code"].initial = scope_prefix(user)
        # No unit above the viewer's own level lies inside their jurisdiction; no level is preselected.
        own_level = user.org_unit.level if user.org_unit else 1
        self.fields["level"].choices = [("", _("Choose a level"))] + [
            (level, label) for level, label in LEVEL_CHOICES if level >= own_level]

    def clean_jurisdiction_code(self) -> str:
        """Any code of a region (a 12-digit one, or its prefix) names that region's subtree."""
        code = self.cleaned_data["jurisdiction_code"]
        self.region = Region.objects.filter(code=code.ljust(12, "0")).first()
        if self.region is None or not covers_code(self.user, self.region.code):
            raise forms.ValidationError(_("Choose your own region or a region inside it."))
        return self.region.prefix

    def clean(self):
        data = super().clean()
        if all(data.get(name) is None for name in ("min_area_m2", "min_staff", "min_full_time_staff")):
            raise forms.ValidationError(_("Give a minimum area, a minimum staff count or a minimum of full-time "
                                          "staff."))
        if self.region is not None and data.get("level") is not None and data["level"] < self.region.level:
            self.add_error("level", _("No unit of this level lies inside the jurisdiction."))
        return data
