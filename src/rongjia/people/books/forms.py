"""Forms of the books: status changes, transfers, reveals, the as-of day, merges, full exports."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from ..models import StatusChange
from .services import REVEALABLE, allowed_changes


class StatusChangeForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Change"))
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, initial={"day": timezone.localdate(), "version": person.version}, **kwargs)
        labels = dict(StatusChange.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in allowed_changes(person)]


class TransferForm(ServiceErrors, Styled, forms.Form):
    """The receiving unit is found by name or region code among all centres and stations."""

    to_station = forms.CharField(label=_("Receiving centre or station"), max_length=60, widget=forms.TextInput(
        attrs={"list": "station-options", "autocomplete": "off", "placeholder": _("name or 12-digit region code")}))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_to_station(self):
        text = self.cleaned_data["to_station"].strip()
        code = text.rsplit(" ", 1)[-1]  # a suggestion reads "name code"
        units = OrgUnit.objects.filter(kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION))
        found = list(units.filter(region_code=code)[:2]) if code.isdigit() else list(units.filter(name=text)[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("Choose one centre or station from the suggestions."))
        return found[0]


class TransferRequestForm(ServiceErrors, Styled, forms.Form):
    """转入申请: the number refused at registration, the station asking, and why."""

    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18, widget=forms.HiddenInput)
    station = forms.ModelChoiceField(label=_("Station"), queryset=OrgUnit.objects.none(), widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why the person should be on this station's books"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = OrgUnit.objects.visible_to(user).filter(
            kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION))


class DecisionForm(Styled, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RevealForm(Styled, forms.Form):
    field = forms.ChoiceField(choices=[(name, name) for name in REVEALABLE], widget=forms.HiddenInput)
    member_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # a household member's
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=100)


class AsOfForm(Styled, forms.Form):
    day = forms.DateField(label=_("On the books at the end of"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose a day that has passed."))
        return day


class MergeForm(ServiceErrors, Styled, forms.Form):
    survivor = forms.TypedChoiceField(label=_("Keep this record"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(p.pk, f"{p.name} · {p.station.name}") for p in group]


class FullExportForm(ServiceErrors, Styled, forms.Form):
    reason = forms.CharField(label=_("Purpose of the export"), max_length=100)
    confirm = forms.BooleanField(label=_("Export full ID numbers and phones (the export is recorded)"))
