"""Forms of the petition pages: registration and one step of the lifecycle."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from .models import Petition
from .workflow import STEPS, allowed_actions


def _units(user):
    return OrgUnit.objects.visible_to(user).filter(
        Q(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])).order_by("region_code")


class PetitionForm(ServiceErrors, Styled, forms.Form):
    unit = forms.ModelChoiceField(label=_("Registered at"), queryset=OrgUnit.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Petition.Channel.choices)
    type = forms.ChoiceField(label=_("Type"), choices=Petition.Type.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Petition.Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    petitioners = forms.CharField(
        label=_("Petitioners"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the name, then the ID number if known (five or more make a 集体访)."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)
        self.fields["unit"].initial = user.org_unit_id

    def clean_petitioners(self) -> list[dict]:
        people = []
        for line in self.cleaned_data["petitioners"].splitlines():
            parts = line.split()
            if parts:
                people.append({"name": parts[0], "id_number": parts[1] if len(parts) > 1 else ""})
        if not people:
            raise forms.ValidationError(_("Name at least one petitioner."))
        return people


class StepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome (for a reply)"), required=False,
                                choices=[("", "—"), *Petition.Outcome.choices])
    satisfaction = forms.ChoiceField(label=_("Satisfaction (for a revisit)"), required=False,
                                     choices=[("", "—"), *Petition.Satisfaction.choices])
    unit = forms.ModelChoiceField(label=_("Responsible unit (for 交办/转办)"), required=False,
                                  queryset=OrgUnit.objects.none())
    days = forms.IntegerField(label=_("Days (for an extension)"), required=False, min_value=1, max_value=30)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, initial={"version": petition.version}, **kwargs)
        self.fields["action"].choices = [(a, STEPS[a].label) for a in allowed_actions(petition.state)]
        self.fields["unit"].queryset = _units(user)

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("outcome", "satisfaction", "unit", "days") if data.get(name)}
