"""Forms of the employers', postings' and referrals' pages: list filters (the page and its export read the same rows
through them) and the forms whose input goes to the services as it is; the services decide what is allowed and their
refusals come back on the field they name."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.core.masking import mask_phone
from rongjia.core.models import Region
from rongjia.core.validators import validate_phone
from rongjia.people.reference import EDUCATION_CHOICES

from .models import DrivingLicence, Employer, Posting, Referral, Sector, Skill
from .selectors_postings import EMPLOYER_SORTS, POSTING_SORTS, REFERRAL_SORTS, editable_employers
from .workflow import REFERRAL

ALL = pgettext_lazy("filter", "All")
ONLY = [("", ALL), ("1", _("Only these"))]
_DIGITS = re.compile(r"\d{6,}")


def audit_filters(form: forms.Form) -> str:
    """The filters as the audit log keeps them: a long number typed into a search box never goes into the log."""
    data = form.data.copy()
    if "q" in data:
        data["q"] = _DIGITS.sub("***", data["q"])
    data.pop("page", None)
    data.pop("export", None)
    return data.urlencode()


class ListFilter(Styled, forms.Form):
    """A list filter: every value validated, an unknown one ignored (shown as the field's error), never a 500."""

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


def _sectors():
    return forms.ModelChoiceField(label=_("Sector"), required=False, queryset=Sector.objects.filter(active=True),
                                  empty_label=_("All sectors"))


class EmployerFilterForm(ListFilter):
    q = forms.CharField(label=_("Employer or credit code"), required=False, max_length=40)
    sector = _sectors()
    active = forms.ChoiceField(label=_("Active"), required=False, choices=[
        ("", ALL), ("1", _("Employers in partnership")), ("0", _("No longer in partnership"))])
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(zip(EMPLOYER_SORTS, (
        pgettext_lazy("employer", "Name"), _("Newest first")), strict=True)))


POSTING_STATUS = [("open", _("Open now")), ("upcoming", _("Not open yet")), ("closed", _("Closed or withdrawn")),
                  ("all", pgettext_lazy("postings", "All"))]


class PostingFilterForm(ListFilter):
    status = forms.ChoiceField(label=_("Posting status"), required=False, choices=POSTING_STATUS)
    q = forms.CharField(label=_("Job or employer"), required=False, max_length=40)
    sector = _sectors()
    place = forms.RegexField(label=_("Place of work (region code)"), required=False, regex=r"^\d{2,12}$",
                             max_length=12, error_messages={"invalid": _("Enter the first digits of a region code.")},
                             widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(zip(POSTING_SORTS, (
        _("Closing soonest first"), _("Closing latest first"), _("Newest first"), _("Best paid first")),
        strict=True)))


class ReferralFilterForm(ListFilter):
    q = forms.CharField(label=pgettext_lazy("person name", "Name"), required=False, max_length=40)
    state = forms.ChoiceField(label=pgettext_lazy("referral", "State"), required=False,
                              choices=[("", pgettext_lazy("referral state", "All states")), *Referral.State.choices])
    overdue = forms.ChoiceField(label=_("Outcome overdue (over 14 days)"), required=False, choices=ONLY)
    follow_up = forms.ChoiceField(label=_("Follow-up visit due"), required=False, choices=ONLY)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(zip(REFERRAL_SORTS, (
        _("Newest first"), _("Oldest first"), _("Follow-up due soonest")), strict=True)))


# --- a place -----------------------------------------------------------------------------------------------------

class PlaceField(forms.RegexField):
    """A region by its 12-digit code, with suggestions from the viewer's area as the worker types a name or code
    (`employment:place_options`); the service refuses one outside the area."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Type a name or code and choose: a village, a street or the district."))
        super().__init__(
            regex=r"^\d{12}$", error_messages={"invalid": _("Enter a 12-digit region code.")},
            widget=forms.TextInput(attrs={"inputmode": "search", "maxlength": 12, "list": "place-options",
                                          "autocomplete": "off", "hx-get": reverse_lazy("employment:place_options"),
                                          "hx-trigger": "focus once, input changed delay:300ms",
                                          "hx-target": "#place-options"}), **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.current().filter(code=code).first()
        if region is None:
            raise ValidationError(_("No current region has this code."), code="region_unknown")
        return region


# --- employers ---------------------------------------------------------------------------------------------------

class EmployerForm(ServiceErrors, Styled, forms.Form):
    name = forms.CharField(label=pgettext_lazy("employer", "Name"), max_length=100)
    credit_code = forms.CharField(label=_("Unified social credit code (统一社会信用代码)"), max_length=22,
                                  required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                  help_text=_("18 characters, from the business licence. May be left empty."))
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.filter(active=True))
    place = PlaceField(label=_("Place"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=40)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, validators=[validate_phone],
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    commitments = forms.CharField(label=_("拥军 commitments signed"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What the employer undertook: priority hiring, places kept, training…"))
    committed_on = forms.DateField(label=_("Commitments signed on"), required=False, widget=DayInput())

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in (
            "name", "credit_code", "sector", "place", "address", "contact_name", "contact_phone", "commitments",
            "committed_on")}


class EmployerEditForm(EmployerForm):
    active = forms.BooleanField(label=_("Active (its postings may be referred to)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, employer: Employer, **kwargs):
        initial = {name: getattr(employer, name) for name in (
            "name", "credit_code", "sector", "address", "contact_name", "commitments", "committed_on", "active")}
        kwargs["initial"] = initial | {"place": employer.place.code, "version": employer.version}
        super().__init__(*args, **kwargs)
        # The phone is never put into the page: shown masked, a blank field keeps it.
        self.fields["contact_phone"].required = False
        self.fields["contact_phone"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
            "masked": escape(mask_phone(employer.contact_phone))}

    def changes(self) -> dict:
        data = self.values() | {"active": self.cleaned_data["active"]}
        if not data["contact_phone"]:
            del data["contact_phone"]
        return data


# --- postings ----------------------------------------------------------------------------------------------------

class PostingForm(ServiceErrors, Styled, forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    title = forms.CharField(label=_("Job title"), max_length=60)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.filter(active=True), required=False,
                                    empty_label=_("The employer's sector"))
    place = PlaceField(label=_("Place of work"))
    pay_min = forms.IntegerField(label=_("Pay from (yuan a month)"), min_value=0, max_value=1_000_000)
    pay_max = forms.IntegerField(label=_("Pay up to (yuan a month)"), min_value=0, max_value=1_000_000)
    places = forms.IntegerField(label=_("Places available"), min_value=1, max_value=32767, initial=1)
    opens_on = forms.DateField(label=_("Open from"), widget=DayInput())
    closes_on = forms.DateField(label=_("Closing date"), widget=DayInput())
    skills = forms.ModelMultipleChoiceField(label=_("Skills required"), required=False,
                                            queryset=Skill.objects.filter(active=True),
                                            widget=forms.CheckboxSelectMultiple)
    min_education = forms.ChoiceField(label=_("Lowest education"), required=False, choices=[
        ("", _("Any")), *[(code, label) for code, label in EDUCATION_CHOICES if code]])
    driving_licence = forms.ChoiceField(label=_("Driving licence required"), required=False,
                                        choices=[("", _("None")), *DrivingLicence.choices])
    requirements = forms.CharField(label=_("Requirements"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))

    FIELDS = ("title", "sector", "place", "pay_min", "pay_max", "places", "opens_on", "closes_on", "skills",
              "min_education", "driving_licence", "requirements")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = editable_employers(user).filter(active=True)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class PostingEditForm(PostingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, posting: Posting, **kwargs):
        initial = {name: getattr(posting, name) for name in self.FIELDS if name not in ("place", "skills")}
        kwargs["initial"] = initial | {"place": posting.place.code, "skills": list(posting.skills.all()),
                                       "version": posting.version}
        super().__init__(*args, **kwargs)
        del self.fields["employer"]


class WithdrawForm(ServiceErrors, Styled, forms.Form):
    confirm = forms.BooleanField(label=_("Yes, withdraw this posting: no one can be referred to it any more."))
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- referrals ---------------------------------------------------------------------------------------------------

class ReferralCreateForm(ServiceErrors, forms.Form):
    seeker = forms.IntegerField(min_value=1)
    posting = forms.IntegerField(min_value=1)
    fair = forms.IntegerField(min_value=1, required=False)
    note = forms.CharField(max_length=300, required=False)
    next = forms.CharField(max_length=500, required=False)


STEP_FIELDS = REFERRAL.fields_by_name()  # the fields each step reads, from the machine itself


class ReferralStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    note = forms.CharField(label=_("Note (when not hired: the reason)"), required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))
    interview_on = forms.DateField(label=_("Interview on"), required=False, widget=DayInput())
    start_date = forms.DateField(label=_("Starts work on"), required=False, widget=DayInput())
    followed_up_on = forms.DateField(label=_("Followed up on"), required=False, widget=DayInput())
    still_employed = forms.ChoiceField(label=_("Still in the job"), required=False, choices=[
        ("", "—"), ("yes", _("yes")), ("no", _("no"))])
    follow_up_note = forms.CharField(label=_("Follow-up note"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, referral: Referral, actions: list[str], **kwargs):
        super().__init__(*args, initial={"version": referral.version}, **kwargs)
        labels = REFERRAL.action_labels()
        self.fields["action"].choices = [(action, labels[action]) for action in actions]
        for name, steps in STEP_FIELDS.items():
            self.fields[name].widget.attrs["data-steps"] = " ".join(steps)

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in STEP_FIELDS if data.get(name) not in (None, "")}
