"""Forms of the petition pages: registration and one step of the lifecycle."""

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from .legal_aid.models import WEEKDAYS
from .models import Feedback, Lawyer, Petition, PetitionAttachment
from .workflow import MAX_EXTENSION_DAYS, PETITION, REPLY_MAX_CHARS, STEPS


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
    material = forms.FileField(label=_("Letter or material (PDF, JPEG or PNG, optional)"), required=False,
                               help_text=_("More files can be attached on the petition's page."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)
        self.fields["unit"].initial = user.org_unit_id

    def registration(self) -> dict:
        """The service's arguments: the form's fields, the file as a list of materials."""
        data = dict(self.cleaned_data)
        material = data.pop("material", None)
        return {**data, "materials": [material] if material else []}

    def clean_petitioners(self) -> list[dict]:
        people = []
        for line in self.cleaned_data["petitioners"].splitlines():
            parts = line.split()
            if parts:
                people.append({"name": parts[0], "id_number": parts[1] if len(parts) > 1 else ""})
        if not people:
            raise forms.ValidationError(_("Name at least one petitioner."))
        return people


# The fields each step reads, from the step's own declaration; js/step_form.js shows only those of the chosen step.
STEP_FIELDS = PETITION.fields_by_name()


class StepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome (for a reply)"), required=False,
                                choices=[("", "—"), *Petition.Outcome.choices])
    satisfaction = forms.ChoiceField(label=_("Satisfaction (for a revisit)"), required=False,
                                     choices=[("", "—"), *Petition.Satisfaction.choices])
    unit = forms.ModelChoiceField(label=_("Responsible unit (for 交办/转办)"), required=False,
                                  queryset=OrgUnit.objects.none())
    days = forms.IntegerField(label=_("Days (for an extension)"), required=False, min_value=1,
                              max_value=MAX_EXTENSION_DAYS)
    reply_text = forms.CharField(label=_("Written reply (for a reply)"), required=False, max_length=REPLY_MAX_CHARS,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Printed as the 处理意见书 the petitioner receives."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, initial={"version": petition.version}, **kwargs)
        self.fields["action"].choices = [(a, STEPS[a].label) for a in PETITION.allowed(petition.state)]
        self.fields["unit"].queryset = _units(user)
        for name, steps in STEP_FIELDS.items():
            self.fields[name].widget.attrs["data-steps"] = " ".join(steps)

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in STEP_FIELDS if data.get(name)}


class AttachmentForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=PetitionAttachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class LawyerForm(ServiceErrors, Styled, forms.Form):
    station = forms.ModelChoiceField(label=_("Legal aid workstation"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=40)
    firm = forms.CharField(label=_("Law firm"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    specialities = forms.MultipleChoiceField(label=_("Specialities"), required=False,
                                             choices=Petition.Category.choices, widget=forms.CheckboxSelectMultiple)
    duty_days = forms.TypedMultipleChoiceField(label=_("Duty days"), required=False, coerce=int, choices=WEEKDAYS,
                                               widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = _units(user)
        self.fields["station"].initial = user.org_unit_id


class ReferralForm(ServiceErrors, Styled, forms.Form):
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=Lawyer.objects.none())
    question = forms.CharField(label=_("What the lawyer is asked to help with"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lawyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers


class ReferralStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"), choices=[("take_on", _("The lawyer takes it on")),
                                                         ("decline", _("The lawyer declines")),
                                                         ("conclude", _("Record the outcome"))])
    outcome = forms.CharField(label=_("Outcome or reason"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedbackForm(ServiceErrors, Styled, forms.Form):
    station = forms.CharField(
        label=_("Service centre or station"), max_length=60,
        help_text=_("Type the station's name or its 12-digit region code."),
        widget=forms.TextInput(attrs={"list": "station-options", "autocomplete": "off", "inputmode": "search",
                                      "hx-get": reverse_lazy("mailbox:station_options"),
                                      "hx-trigger": "input changed delay:300ms", "hx-target": "#station-options"}))
    topic = forms.ChoiceField(label=_("About"), choices=Feedback.Topic.choices)
    rating = forms.ChoiceField(label=_("Your evaluation"), choices=Feedback.Rating.choices,
                               widget=forms.RadioSelect)
    content = forms.CharField(label=_("Your feedback"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    sender_name = forms.CharField(label=_("Your name (optional)"), max_length=40, required=False)

    def clean_station(self) -> OrgUnit:
        text = self.cleaned_data["station"].strip()
        units = OrgUnit.objects.filter(region__valid_to__isnull=True)
        # A code names the region's own centre or station (the suggestions carry codes); a name must be unique.
        found = (units.filter(region_code=text, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
                 if text.isdigit() else units.filter(name=text))
        matches = list(found[:2])
        if not matches:
            raise forms.ValidationError(_("No station has this name or code; choose one of the suggestions."))
        if len(matches) > 1 and not text.isdigit():
            raise forms.ValidationError(_("Several stations have this name; choose one of the suggestions."))
        return matches[0]


class ReceiptForm(Styled, forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20)


class AnswerForm(ServiceErrors, Styled, forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)
