"""Forms of the mediation pages: opening a case, a session, and a step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from ..outreach.forms import DATE, UnitForm
from .models import Mediation
from .workflow import MEDIATION, TEXT_MAX_CHARS


class MediationForm(UnitForm):
    unit = forms.ModelChoiceField(label=_("Mediation committee or room"), queryset=OrgUnit.objects.none())
    parties = forms.CharField(label=_("Parties"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One a line: the name and, if useful, the role (申请人, 被申请人)."))
    mediator = forms.CharField(label=_("Mediator"), max_length=40)
    matter = forms.CharField(label=_("Matter in dispute"), max_length=TEXT_MAX_CHARS,
                             widget=forms.Textarea(attrs={"rows": 3}))
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE, required=False,
                                help_text=_("Left empty, today."))


class SessionForm(ServiceErrors, Styled, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100)
    summary = forms.CharField(label=_("Summary"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))


class MediationStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=TEXT_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 2}))
    agreement = forms.CharField(label=_("Agreement (when reached)"), required=False, max_length=TEXT_MAX_CHARS,
                                widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = forms.DateField(label=_("Agreed on"), required=False, widget=DATE)
    performance = forms.ChoiceField(label=_("Performance (when not fully fulfilled)"), required=False,
                                    choices=[("", "—"), *Mediation.Performance.choices[1:]])
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, MEDIATION.step(a).label) for a in MEDIATION.allowed(mediation.state)]

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("agreement", "agreed_on", "performance") if data.get(name)}
