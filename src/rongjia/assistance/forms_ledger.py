"""Forms of the hardship ledger, the pairings and the referrals: the list filters (the page and its export read the
same rows through them) and the forms whose input goes to `services` as it is; the services decide what is
allowed and their refusals come back on the field they name."""

import re
from datetime import date

from django import forms
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.people.models import Person
from rongjia.people.selectors import person_name_q

from .models import HardshipEntry, HardshipKind, Pairing, PairingHelp, Referral
from .selectors import referral_overdue_q, review_overdue_q
from .workflow import REFERRAL

ALL = pgettext_lazy("filter", "All")
ONLY = [("", ALL), ("1", _("Only these"))]
LEVEL = pgettext_lazy("hardship level", "Level")
_DIGITS = re.compile(r"\d{6,}")


def _choices(empty, choices) -> list:
    return [("", empty), *choices]


def audit_filters(form: forms.Form) -> str:
    """The filters as the audit log keeps them: a long number typed into the search box (an ID number or a
    phone, by mistake) never goes into the log."""
    data = form.data.copy()
    if "q" in data:
        data["q"] = _DIGITS.sub("***", data["q"])
    data.pop("page", None)
    return data.urlencode()


def _person_id(field_label, help_text=""):
    return forms.IntegerField(label=field_label, min_value=1, help_text=help_text,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class ListFilter(Styled, forms.Form):
    """A list filter: every value validated, an unknown one ignored (shown as the field's error), never a 500."""

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


# --- the hardship ledger ------------------------------------------------------------------------------------

HARDSHIP_SORTS = {"-since": ("-since", "-id"), "since": ("since", "id"), "review": ("review_due", "id"),
                  "name": ("person__name_initials", "id"), "-income": ("-monthly_income", "-id"),
                  "income": ("monthly_income", "id")}
HARDSHIP_SORT_LABELS = {"-since": _("In hardship since, newest first"), "since": _("In hardship since, oldest first"),
                        "review": _("Next review, soonest first"), "name": pgettext_lazy("person name", "Name"),
                        "income": _("Income, lowest first"), "-income": _("Income, highest first")}


class HardshipFilterForm(ListFilter):
    q = forms.CharField(label=pgettext_lazy("person name", "Name"), required=False, max_length=40,
                        help_text=_("Part of the name, or pinyin initials."))
    kind = forms.ModelChoiceField(label=_("Kind of hardship"), required=False, queryset=HardshipKind.objects.all(),
                                  empty_label=_("All kinds"))
    level = forms.ChoiceField(label=LEVEL, required=False,
                              choices=_choices(pgettext_lazy("hardship level", "All levels"),
                                               HardshipEntry.Level.choices))
    key = forms.ChoiceField(label=_("Key people in hardship (重点困难对象)"), required=False, choices=ONLY)
    state = forms.ChoiceField(label=_("Open or closed"), required=False, choices=[
        ("", ALL), ("open", _("Still in hardship")), ("closed", _("Out of hardship"))])
    overdue = forms.ChoiceField(label=_("Review overdue"), required=False, choices=ONLY)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(HARDSHIP_SORT_LABELS.items()))

    def entries(self, user, today: date):
        """The ledger rows these filters select, each with its number of pairings (one query for a page)."""
        f = self.filters()
        rows = (HardshipEntry.objects.visible_to(user).select_related("person", "station", "kind")
                .annotate(pairing_count=Count("pairings")))
        q = (f["q"] or "").strip()
        if q:
            rows = rows.filter(person__in=Person.objects.filter(person_name_q(q)))
        if f["kind"]:
            rows = rows.filter(kind=f["kind"])
        if f["level"]:
            rows = rows.filter(level=f["level"])
        if f["key"]:
            rows = rows.filter(key=True)
        if f["state"] == "open":
            rows = rows.filter(until__isnull=True)
        elif f["state"] == "closed":
            rows = rows.filter(until__isnull=False)
        if f["overdue"]:
            rows = rows.filter(review_overdue_q(today))
        return rows.order_by(*HARDSHIP_SORTS.get(f["sort"] or "-since"))


class HardshipForm(ServiceErrors, Styled, forms.Form):
    person = _person_id(_("Person (dossier number)"),
                        _("Open the person's dossier and choose “Enter on the hardship ledger”, or find them by name "
                          "above."))
    kind = forms.ModelChoiceField(label=_("Kind of hardship"), queryset=HardshipKind.objects.filter(active=True))
    cause = forms.CharField(label=_("Cause"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=LEVEL, choices=HardshipEntry.Level.choices)
    household_size = forms.IntegerField(label=_("People in the household"), min_value=1, max_value=30, initial=1)
    monthly_income = forms.DecimalField(label=_("Household income per month (yuan)"), min_value=0, max_digits=12,
                                        decimal_places=2, initial=0)
    household_facts = forms.CharField(label=_("Household facts"), max_length=2000, required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("Housing, illness, schooling, debts: what the jurisdiction asks."))
    since = forms.DateField(label=_("In hardship since"), widget=DayInput())
    review_due = forms.DateField(label=_("Next review due"), required=False, widget=DayInput(),
                                 help_text=_("Empty: in half a year."))
    key = forms.BooleanField(label=_("Key person in hardship (重点困难对象)"), required=False)

    def clean(self):
        data = super().clean()
        since, due = data.get("since"), data.get("review_due")
        if since and due and due <= since:
            self.add_error("review_due", _("The next review comes after the hardship began."))
        return data


class HardshipEditForm(ServiceErrors, Styled, forms.Form):
    cause = forms.CharField(label=_("Cause"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=LEVEL, choices=HardshipEntry.Level.choices)
    household_size = forms.IntegerField(label=_("People in the household"), min_value=1, max_value=30)
    monthly_income = forms.DecimalField(label=_("Household income per month (yuan)"), min_value=0, max_digits=12,
                                        decimal_places=2)
    household_facts = forms.CharField(label=_("Household facts"), max_length=2000, required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    review_due = forms.DateField(label=_("Next review due"), widget=DayInput())
    key = forms.BooleanField(label=_("Key person in hardship (重点困难对象)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, entry: HardshipEntry, **kwargs):
        initial = {name: getattr(entry, name) for name in self.base_fields if name != "version"}
        super().__init__(*args, initial={**initial, "version": entry.version}, **kwargs)
        self.entry = entry

    def clean_review_due(self):
        due = self.cleaned_data["review_due"]
        if due <= self.entry.since:
            raise forms.ValidationError(_("The next review comes after the hardship began."))
        return due

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ReviewForm(ServiceErrors, Styled, forms.Form):
    on = forms.DateField(label=_("Reviewed on"), widget=DayInput())
    level = forms.ChoiceField(label=_("Level found"), choices=HardshipEntry.Level.choices)
    note = forms.CharField(label=pgettext_lazy("hardship review", "Findings"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    next_due = forms.DateField(label=_("Next review due"), required=False, widget=DayInput())
    closed = forms.BooleanField(label=_("Out of hardship: close the entry"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, entry: HardshipEntry, today: date, **kwargs):
        super().__init__(*args, initial={"on": today, "level": entry.level, "version": entry.version},
                         prefix="review", **kwargs)


# --- pairings -----------------------------------------------------------------------------------------------

class PairingForm(ServiceErrors, Styled, forms.Form):
    helper_kind = forms.ChoiceField(label=_("Helper"), choices=Pairing.HelperKind.choices)
    helper_name = forms.CharField(label=_("Helper's name"), max_length=100, required=False,
                                  help_text=_("The staff member, company, unit or organisation."))
    helper_person = forms.IntegerField(label=_("Veteran's dossier number"), required=False, min_value=1,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                       help_text=_("For an outstanding veteran: the number of their dossier "
                                                   "(the name is taken from it)."))
    helper_contact = forms.CharField(label=_("Helper's contact"), max_length=100, required=False)
    plan = forms.CharField(label=pgettext_lazy("pairing plan", "Plan"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    since = forms.DateField(label=_("Paired since"), widget=DayInput())

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, initial={"since": today}, prefix="pairing", **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("helper_kind") == Pairing.HelperKind.VETERAN:
            if not data.get("helper_person") and "helper_person" not in self.errors:
                self.add_error("helper_person", _("Give the veteran's dossier number."))
        elif data.get("helper_kind") and not (data.get("helper_name") or "").strip():
            self.add_error("helper_name", _("Give the helper's name."))
        return data

    def add_service_error(self, exc) -> None:
        if "person" in getattr(exc, "error_dict", {}):  # the helper's dossier, as the service checks it
            exc.error_dict["helper_person"] = exc.error_dict.pop("person")
        super().add_service_error(exc)

    def pairing(self) -> dict:
        data = dict(self.cleaned_data)
        if data["helper_kind"] != Pairing.HelperKind.VETERAN:
            data["helper_person"] = None
        return data


class HelpForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=PairingHelp.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=DayInput())
    description = forms.CharField(label=_("What was given or done"), max_length=300)
    amount = forms.DecimalField(label=_("Worth (yuan)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2)

    def __init__(self, *args, pairing: Pairing, today: date, **kwargs):
        super().__init__(*args, initial={"on": today}, prefix=f"help{pairing.pk}", **kwargs)


class EndForm(ServiceErrors, Styled, forms.Form):
    until = forms.DateField(label=_("Ended on"), widget=DayInput())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, pairing: Pairing, today: date, **kwargs):
        super().__init__(*args, initial={"until": today, "version": pairing.version}, prefix=f"end{pairing.pk}",
                         **kwargs)


PAIRING_SORTS = {"-since": ("-since", "-id"), "since": ("since", "id"), "-worth": ("-help_worth", "-id")}
PAIRING_SORT_LABELS = {"-since": _("Paired since, newest first"), "since": _("Paired since, oldest first"),
                       "-worth": _("Help given, most first")}


class PairingFilterForm(ListFilter):
    helper_kind = forms.ChoiceField(label=_("Helper"), required=False,
                                    choices=_choices(_("All helpers"), Pairing.HelperKind.choices))
    state = forms.ChoiceField(label=_("Open or ended"), required=False, choices=[
        ("", ALL), ("open", pgettext_lazy("pairing", "Open")), ("ended", pgettext_lazy("pairing", "Ended"))])
    helper_person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(PAIRING_SORT_LABELS.items()))

    def pairings(self, user):
        """The pairings these filters select, each with the number and total worth of the help given."""
        f = self.filters()
        rows = (Pairing.objects.visible_to(user).select_related("entry__person", "entry__kind")
                .annotate(help_count=Count("help_given"), help_worth=Sum("help_given__amount")))
        if f["helper_kind"]:
            rows = rows.filter(helper_kind=f["helper_kind"])
        if f["state"] == "open":
            rows = rows.filter(until__isnull=True)
        elif f["state"] == "ended":
            rows = rows.filter(until__isnull=False)
        if f["helper_person"]:
            rows = rows.filter(helper_person_id=f["helper_person"])
        if f["person"]:
            rows = rows.filter(entry__person_id=f["person"])
        return rows.order_by(*PAIRING_SORTS.get(f["sort"] or "-since"))


# --- referrals ----------------------------------------------------------------------------------------------

REFERRAL_SORTS = {"-sent": ("-sent_on", "-id"), "sent": ("sent_on", "id"), "due": ("answer_due", "id")}
REFERRAL_SORT_LABELS = {"-sent": _("Sent, newest first"), "sent": _("Sent, oldest first"),
                        "due": _("Answer expected, soonest first")}


class ReferralFilterForm(ListFilter):
    q = forms.CharField(label=pgettext_lazy("person name", "Name"), required=False, max_length=40)
    department = forms.ChoiceField(label=_("Department"), required=False,
                                   choices=_choices(_("All departments"), Referral.Department.choices))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=_choices(_("All states"), Referral.State.choices))
    overdue = forms.ChoiceField(label=_("Answer overdue"), required=False, choices=ONLY)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(REFERRAL_SORT_LABELS.items()))

    def referrals(self, user, today: date):
        f = self.filters()
        rows = Referral.objects.visible_to(user).select_related("person")
        q = (f["q"] or "").strip()
        if q:
            rows = rows.filter(person__in=Person.objects.filter(person_name_q(q)))
        if f["department"]:
            rows = rows.filter(department=f["department"])
        if f["state"]:
            rows = rows.filter(state=f["state"])
        if f["overdue"]:
            rows = rows.filter(referral_overdue_q(today))
        return rows.order_by(*REFERRAL_SORTS.get(f["sort"] or "-sent"))


class ReferralForm(ServiceErrors, Styled, forms.Form):
    person = _person_id(_("Person (dossier number)"),
                        _("Open the person's dossier or hardship entry and choose “Refer to a department”, or find "
                          "them by name above."))
    department = forms.ChoiceField(label=_("Department"), choices=Referral.Department.choices)
    service = forms.CharField(label=_("What is asked for"), max_length=60,
                              help_text=_("低保, 特困供养, 临时救助, 法律援助…"))
    request = forms.CharField(label=_("Request"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    sent_on = forms.DateField(label=_("Sent on"), widget=DayInput())
    answer_due = forms.DateField(label=_("Answer expected by"), required=False, widget=DayInput(),
                                 help_text=_("Empty: 15 days after it is sent."))


REFERRAL_STEP_FIELDS = REFERRAL.fields_by_name()  # the fields each step reads, from the machine itself


class ReferralStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"))
    note = forms.CharField(label=_("Note (for an answer: what the department answered)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=pgettext_lazy("referral outcome", "Outcome"), required=False,
                                choices=_choices("—", Referral.Outcome.choices))
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DayInput())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, referral: Referral, actions: list[str], **kwargs):
        super().__init__(*args, initial={"version": referral.version}, **kwargs)
        labels = REFERRAL.action_labels()
        self.fields["action"].choices = [(action, labels[action]) for action in actions]
        for name, steps in REFERRAL_STEP_FIELDS.items():
            self.fields[name].widget.attrs["data-steps"] = " ".join(steps)

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in REFERRAL_STEP_FIELDS if data.get(name)}


def people_named(user, q: str, limit: int = 20):
    """Dossiers of the viewer's area whose name (or pinyin initials) matches, to choose the person from."""
    q = (q or "").strip()
    if not q:
        return []
    people = Person.objects.visible_to(user).select_related("station")
    people = people.filter(person_name_q(q))
    return list(people.order_by("name_initials", "id")[:limit])



def person_chosen(user, raw):
    """The dossier a `?person=` names, if the viewer may open it (else nothing: no hint of who is outside)."""
    value = str(raw or "").strip()
    if not value.isdigit():
        return None
    return Person.objects.visible_to(user).select_related("station").filter(pk=int(value)).first()
