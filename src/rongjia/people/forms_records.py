"""Forms of the parts of a dossier: household members, service history, awards, categories, tags, photo."""

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.masking import mask_id_number, mask_phone

from .models import Award, Category, HouseholdMember, ServiceRecord, Tag

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(ServiceErrors, Styled, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HouseholdForm(RecordForm):
    """The ID number and phone of a member are shown masked; left blank on an edit, they are kept."""

    class Meta:
        model = HouseholdMember
        fields = ["name", "relationship", "id_number", "phone", "note"]
        widgets = {"id_number": forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off"}),
                   "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        for name, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
            value = getattr(self.instance, name, "") if self.instance.pk else ""
            self.initial[name] = ""
            if value:
                self.kept[name] = value
                self.fields[name].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                    "masked": escape(mask(value))}

    def values(self) -> dict:
        data = super().values()
        for name, value in self.kept.items():
            data[name] = data[name] or value
        return data


class ServiceForm(RecordForm):
    class Meta:
        model = ServiceRecord
        fields = ["enlisted_on", "discharged_on", "branch", "unit", "rank", "discharge_mode"]
        widgets = {"enlisted_on": DATE, "discharged_on": DATE}


class AwardForm(RecordForm):
    class Meta:
        model = Award
        fields = ["kind", "title", "awarded_on", "awarded_by"]
        widgets = {"awarded_on": DATE}


RECORD_FORMS = {"household": HouseholdForm, "service": ServiceForm, "award": AwardForm}
RECORD_TITLES = {"household": _("Household member"), "service": _("Service record"), "award": _("Award or merit")}


class CategoryAddForm(ServiceErrors, Styled, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(active=True))
    start_date = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)


class CategoryEndForm(ServiceErrors, Styled, forms.Form):
    end_date = forms.DateField(label=_("Until"), widget=DATE, initial=timezone.localdate)


class TagsForm(ServiceErrors, Styled, forms.Form):
    tags = forms.ModelMultipleChoiceField(label=_("Needs and tags"), required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          queryset=Tag.objects.filter(active=True))


class PhotoForm(ServiceErrors, Styled, forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG)"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png", "capture": "user"}))
