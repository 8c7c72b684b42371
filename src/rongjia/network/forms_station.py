"""Forms of a station's own pages: profile, checklist rows, staff, training, grids.

The model forms here only validate (field types, ranges, the model's validators); they are
never saved. The views hand `cleaned_data` to network.services, which writes and audits.
So each form is built without the stored record as its instance: validating must not
change an object the service will later save.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import Styled
from rongjia.core.masking import mask_phone

from . import services
from .models import Grid, StaffMember, StationProfile, TrainingRecord


class ProfileForm(Styled, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = StationProfile
        fields = list(services.PROFILE_FIELDS)
        widgets = {"honours": forms.Textarea(attrs={"rows": 2})}

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.PROFILE_FIELDS}


class ChecklistEntryForm(Styled, forms.Form):
    """One row of the 五有 list or the display checklist: met, a note, new evidence."""

    met = forms.BooleanField(label=_("Met"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    evidence = forms.FileField(
        label=_("Photo or PDF"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, item, entry=None, **kwargs):
        initial = {"met": entry.met, "note": entry.note} if entry else {}
        # One form per item on the page: the prefix keeps the ids (and labels) apart.
        super().__init__(*args, prefix=f"item{item.pk}", initial=initial, **kwargs)
        self.item = item

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            services.evidence_check(upload)  # by content and size; a ValidationError lands on this field
        return upload


class StaffForm(Styled, forms.ModelForm):
    """Add or change a staff member. The stored phone is never put back into the page:
    editing shows it masked, and a blank phone keeps it."""

    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)

    class Meta:
        model = StaffMember
        fields = ["name", "post", "employment", "is_veteran", "phone", "active"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, staff: StaffMember | None = None, **kwargs):
        if staff is not None:
            kwargs["initial"] = {name: getattr(staff, name) for name in self._meta.fields if name != "phone"}
        super().__init__(*args, **kwargs)
        self.editing = staff is not None and bool(staff.phone)
        if self.editing:
            self.fields["phone"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                "masked": escape(mask_phone(staff.phone))}  # _form.html marks help text safe
        else:
            del self.fields["clear_phone"]

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.editing and not data["phone"]:
            if self.cleaned_data.get("clear_phone"):
                data["phone"] = ""
            else:
                del data["phone"]
        return data


class TrainingForm(Styled, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["date", "course", "hours"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class GridForm(Styled, forms.ModelForm):
    """A grid of a village station; its worker is one of that station's own accounts."""

    class Meta:
        model = Grid
        fields = ["name", "worker", "description"]

    def __init__(self, *args, unit, grid: Grid | None = None, **kwargs):
        if grid is not None:
            kwargs["initial"] = {"name": grid.name, "worker": grid.worker_id, "description": grid.description}
        super().__init__(*args, **kwargs)
        accounts = get_user_model().objects.filter(org_unit=unit, is_active=True).order_by("full_name", "username")
        self.fields["worker"].queryset = accounts

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
