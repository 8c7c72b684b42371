"""Forms of the businesses: the list's filters (the page and its export read the same rows through them) and the
forms whose input goes to `services_business` as it is; the service decides what is allowed and its refusals come
back on the field they name."""

import re
from datetime import date

from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.people.models import Person
from rongjia.people.selectors import person_name_q

from .models import Business, Sector, Support

ALL = pgettext_lazy("filter", "All")
_DIGITS = re.compile(r"\d{6,}")


def audit_filters(form: forms.Form) -> str:
    """The filters as the audit log keeps them: a long number typed into the search box never goes into it."""
    data = form.data.copy()
    if "q" in data:
        data["q"] = _DIGITS.sub("***", data["q"])
    data.pop("page", None)
    return data.urlencode()


BUSINESS_SORTS = {"-registered": ("-registered_on", "-id"), "registered": ("registered_on", "id"),
                  "due": ("follow_up_due", "id"), "name": ("name", "id")}
BUSINESS_SORT_LABELS = {"-registered": _("Registered, newest first"), "registered": _("Registered, oldest first"),
                        "due": _("Follow-up due, soonest first"), "name": pgettext_lazy("business", "Name")}


class BusinessFilterForm(Styled, forms.Form):
    """Every value validated; an unknown one is ignored (shown as the field's error), never a 500."""

    q = forms.CharField(label=_("Business or person"), required=False, max_length=40,
                        help_text=_("Part of the business's or the person's name, or the person's pinyin initials."))
    sector = forms.ModelChoiceField(label=_("Sector"), required=False, queryset=Sector.objects.all(),
                                    empty_label=_("All sectors"))
    state = forms.ChoiceField(label=pgettext_lazy("business", "State"), required=False,
                              choices=[("", ALL), *Business.State.choices])
    support = forms.ChoiceField(label=_("Support given"), required=False,
                                choices=[("", ALL), ("any", _("Any support")), *Support.Kind.choices])
    due = forms.ChoiceField(label=_("Follow-up visit"), required=False,
                            choices=[("", ALL), ("follow_up", _("Follow-up visit due"))])
    year = forms.IntegerField(label=_("Registered in"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(BUSINESS_SORT_LABELS.items()))

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def businesses(self, records, today: date):
        """The businesses these filters select among `records` (already the viewer's), with their supports
        counted: one query for a page."""
        f = self.filters()
        if f["q"]:
            q = f["q"].strip()
            records = records.filter(Q(name__icontains=q) | Q(person__in=Person.objects.filter(person_name_q(q))))
        if f["sector"]:
            records = records.filter(sector=f["sector"])
        if f["state"]:
            records = records.filter(state=f["state"])
        if f["support"]:
            given = Support.objects.filter(business=OuterRef("pk"))
            if f["support"] != "any":
                given = given.filter(kind=f["support"])
            records = records.filter(Exists(given))
        if f["due"] == "follow_up":
            records = records.filter(follow_up_due_q(today))
        if f["year"]:
            records = records.filter(registered_on__year=f["year"])
        order = BUSINESS_SORTS.get(f["sort"] or "-registered")
        return (records.select_related("person", "station", "sector")
                .annotate(support_count=Count("supports", distinct=True)).order_by(*order))


def follow_up_due_q(today: date) -> Q:
    """An operating business whose follow-up is due: the business list's ?due=follow_up and the workbench's count."""
    return Q(state=Business.State.OPERATING, follow_up_due__lte=today)


def _sector_field():
    return forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.filter(active=True))


class BusinessForm(Styled, ServiceErrors, forms.Form):
    """A new business (`person` given) or the correction of one (`business` given, with its version)."""

    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=pgettext_lazy("business", "Name"), max_length=100)
    sector = _sector_field()
    registered_on = forms.DateField(label=_("Registered on"), widget=DayInput,
                                    help_text=_("The date on the business licence (营业执照)."))
    credit_code = forms.CharField(label=_("Unified social credit code (统一社会信用代码)"), max_length=18,
                                  required=False, help_text=_("18 characters, on the business licence."))
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=32767, initial=0)
    veterans_employed = forms.IntegerField(label=_("Veterans employed"), min_value=0, max_value=32767, initial=0,
                                           help_text=_("Among the employees."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, business: Business | None = None, person: Person | None = None, **kwargs):
        self.business = business
        initial = kwargs.pop("initial", {}) or {}
        if business is not None:
            initial = {"version": business.version, "name": business.name, "sector": business.sector_id,
                       "registered_on": business.registered_on, "credit_code": business.credit_code,
                       "employees": business.employees, "veterans_employed": business.veterans_employed,
                       "note": business.note, **initial}
        elif person is not None:
            initial = {"person": person.pk, **initial}
        super().__init__(*args, initial=initial, **kwargs)
        if business is None:
            del self.fields["version"]
        else:
            del self.fields["person"]
            self.fields["version"].required = True

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("person", None)
        data.pop("version", None)
        data["credit_code"] = (data.get("credit_code") or "").strip().upper()
        return data


class SupportForm(Styled, ServiceErrors, forms.Form):
    prefix = "support"

    kind = forms.ChoiceField(label=pgettext_lazy("support", "Kind"), choices=Support.Kind.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DayInput)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2, help_text=_("A loan's amount; tax relief's sum, if known."))
    term_months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=1, max_value=360,
                                     help_text=_("A loan's term, from 1 to 360 months."))
    provider = forms.CharField(label=_("Given by"), max_length=100, required=False,
                               help_text=_("The bank, the incubator or the mentor."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["given_on"].initial = today


class FollowUpForm(Styled, ServiceErrors, forms.Form):
    prefix = "follow"

    on = forms.DateField(label=_("Followed up on"), widget=DayInput)
    operating = forms.TypedChoiceField(label=_("Is the business still operating?"), coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Yes, still operating")),
                                                ("no", _("No, it has closed"))],
                                       widget=forms.RadioSelect, initial="yes")
    employees = forms.IntegerField(label=_("Employees now"), min_value=0, max_value=32767)
    note = forms.CharField(label=_("What the visit found"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, business: Business | None = None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["on"].initial = today
        if business is not None:
            self.fields["employees"].initial = business.employees
