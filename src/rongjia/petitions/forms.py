"""Forms of the petition pages: registration and one step of the lifecycle."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.forms_places import Picked, PickerInput
from rongjia.core.masking import mask_id_number
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import CITY, COUNTY
from rongjia.people.models import Person

from . import services
from .legal_aid.models import WEEKDAYS
from .models import Feedback, Lawyer, Petition, PetitionAttachment, PetitionReply
from .workflow import MAX_EXTENSION_DAYS, PETITION, REPLY_MAX_CHARS, STEPS


def _date_input():
    # ISO values: a date input drops any other format
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(user):
    return OrgUnit.objects.visible_to(user).filter(
        Q(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])).order_by("region_code")


class PersonPicker(forms.Widget):
    """The dossiers chosen so far, each a ticked box (untick to take it off), and a search box whose suggestions
    (hx-get: a small list from people's own search) add one more. No script of its own; fits a 360-px phone."""

    template_name = "petitions/_petitioner_picker.html"
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.people = Person.objects.none()  # the form puts the viewer's dossiers here

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked is a value too: no dossier chosen

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [v for v in (value or []) if str(v).isdigit()]
        context["chosen"] = [on_file(p) for p in self.people.filter(pk__in=ids)] if ids else []
        return context


def on_file(person: Person) -> Person:
    """A suggested or chosen petitioner as the picker shows them: the ID number masked, the place they live."""
    person.masked_id = mask_id_number(person.id_number)
    return person


SAME_FACTS_NO = "no"


class PetitionForm(ServiceErrors, Styled, forms.Form):
    unit = forms.ModelChoiceField(label=pgettext_lazy("petition registering unit", "Registered at"),
                                  queryset=OrgUnit.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Petition.Channel.choices)
    type = forms.ChoiceField(label=_("Type"), choices=Petition.Type.choices)
    category = forms.ChoiceField(label=pgettext_lazy("petition problem category", "Category"),
                                 choices=Petition.Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    people = forms.ModelMultipleChoiceField(
        label=_("Petitioners on file"), queryset=Person.objects.none(), required=False, widget=PersonPicker,
        help_text=_("Find each petitioner's dossier by name, pinyin initials or the full ID number."))
    petitioners = forms.CharField(
        label=_("Petitioners not on file"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for someone with no dossier in your area. One per line: the name, then the ID number "
                    "if known."))
    home_region = forms.ModelChoiceField(
        label=_("County where those not on file live"), queryset=Region.objects.none(), required=False,
        help_text=_("Optional: it tells a 越级走访 (a visit above the county and its city, Art. 18)."))
    headcount = forms.IntegerField(
        label=_("People present (for a visit)"), required=False, min_value=1,
        help_text=_("Everyone who came, the named representatives included (at most 5 of them, Art. 18); five or "
                    "more make a 集体访. Empty: only the named petitioners came."))
    same_facts_as = forms.CharField(label=_("Raised again with the same facts and reasons?"), required=False,
                                    widget=forms.HiddenInput)
    material = forms.FileField(label=_("Letter or material (PDF, JPEG or PNG, optional)"), required=False,
                               help_text=_("More files can be attached on the petition's page."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.rechecked = user, []
        self.fields["unit"].queryset = _units(user)
        self.fields["unit"].initial = user.org_unit_id
        people = Person.objects.visible_to(user)
        self.fields["people"].queryset = people
        self.fields["people"].widget.people = people.select_related("address_region")
        # A home region only matters where a visit can be 越级: at a unit above the city (Art. 18).
        if _units(user).filter(level__lt=CITY).exists():
            self.fields["home_region"].queryset = Region.objects.visible_to(user).current().filter(level=COUNTY)
        else:
            del self.fields["home_region"]

    def clean_petitioners(self) -> list[dict]:
        people = []
        for line in self.cleaned_data["petitioners"].splitlines():
            parts = line.split()
            if parts:
                people.append({"name": parts[0], "id_number": parts[1] if len(parts) > 1 else ""})
        return people

    def clean(self):
        data = super().clean()
        if not data.get("people") and not data.get("petitioners") and "people" not in self.errors:
            self.add_error("people", _("Name at least one petitioner."))
        if self.errors:
            return data
        self._ask_same_facts(data)
        return data

    def _ask_same_facts(self, data) -> None:
        """A petitioner with a 复核-concluded petition in this category: the worker must say whether this repeats
        it with the same facts and reasons (Art. 36: then it is not accepted again) or is a new matter."""
        try:
            self.rechecked = list(services.rechecked_matters(self.user, petitioners=self._all_petitioners(data),
                                                             category=data["category"]))
        except ValidationError:
            return  # the registration itself will say what is wrong with the petitioners
        if not self.rechecked:
            data["same_facts_as"] = ""
            return
        field = self.fields["same_facts_as"]
        field.widget = forms.RadioSelect(attrs={"class": "form-check-input"}, choices=[
            (SAME_FACTS_NO, _("No: a new matter (it is registered and handled)")),
            *[(str(p.pk), _("Yes: the same as %(number)s (it is registered and answered 不予受理)") % {
                "number": services.petition_number(p)}) for p in self.rechecked]])
        if data.get("same_facts_as") not in {value for value, _label in field.widget.choices}:
            self.add_error("same_facts_as", _("Say whether the petitioner raises the same facts and reasons again."))

    def _all_petitioners(self, data) -> list[dict]:
        home = data.get("home_region")
        return [*({"person_id": person.pk} for person in data.get("people") or ()),
                *({**other, "home_region_code": home.code if home else ""} for other in data.get("petitioners") or ())]

    def registration(self) -> dict:
        """The service's arguments: the form's fields, the petitioners as one list, the file as materials."""
        data = dict(self.cleaned_data)
        material, same = data.pop("material", None), data.pop("same_facts_as", "")
        petitioners = self._all_petitioners(data)
        for name in ("people", "home_region"):
            data.pop(name, None)
        return {**data, "petitioners": petitioners, "materials": [material] if material else [],
                "same_facts_as": None if same in ("", SAME_FACTS_NO) else int(same)}


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
    delivery_method = forms.ChoiceField(label=_("Delivered by"), required=False,
                                        choices=[("", "—"), *PetitionReply.Delivery.choices])
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=_date_input(),
                                   help_text=_("The 复查/复核 request window runs from this day."))
    hearing_from = forms.DateField(label=_("Hearing from"), required=False, widget=_date_input())
    hearing_to = forms.DateField(label=_("Hearing to"), required=False, widget=_date_input())
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
    name = forms.CharField(label=pgettext_lazy("person name", "Name"), max_length=40)
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


def _main_unit(code: str) -> OrgUnit | None:
    """The centre or station of a region (a terminal's link and the suggestions name it by its region code)."""
    return OrgUnit.objects.filter(region_code=code, region__valid_to__isnull=True,
                                  kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]).first()


class StationPickField(forms.Field):
    """A centre or station of anywhere, picked by its public name (core's picker: the name stays in the box, the
    region code goes in the hidden input). A box whose text no longer names the picked station is read by the
    text: a 派驻站 shares its region's code, so its own name tells it from the region's station."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PickerInput(source=reverse_lazy("mailbox:station_options")))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Picked) or not value:
            return value
        unit = _main_unit(str(value)) if str(value).isdigit() else None  # a terminal's ?station=<code>
        return Picked(unit.region_code, unit.name) if unit else Picked("", str(value))

    def to_python(self, value) -> OrgUnit | None:
        code, text = value if isinstance(value, Picked) else ("", str(value or "").strip())
        if not code and not text:
            return None
        unit = _main_unit(code) if code else None
        if unit is not None and (not text or text == unit.name):
            return unit
        return self._by_text(text)

    @staticmethod
    def _by_text(text: str) -> OrgUnit:
        # A code names the region's own centre or station; a name must be unique.
        matches = ([unit] if (unit := _main_unit(text)) else []) if text.isdigit() else list(
            OrgUnit.objects.filter(region__valid_to__isnull=True, name=text)[:2])
        if not matches:
            raise forms.ValidationError(_("No station has this name or code; choose one of the suggestions."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several stations have this name; choose one of the suggestions."))
        return matches[0]


class FeedbackForm(ServiceErrors, Styled, forms.Form):
    station = StationPickField(label=_("Service centre or station"),
                               help_text=_("Type part of the station's name and choose it from the suggestions."))
    topic = forms.ChoiceField(label=_("About"), choices=Feedback.Topic.choices)
    rating = forms.ChoiceField(label=_("Your evaluation"), choices=Feedback.Rating.choices,
                               widget=forms.RadioSelect)
    content = forms.CharField(label=_("Your feedback"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    sender_name = forms.CharField(label=_("Your name (optional)"), max_length=40, required=False)


class ReceiptForm(Styled, forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20)


class AnswerForm(ServiceErrors, Styled, forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)
