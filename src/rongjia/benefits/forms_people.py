"""Forms of the person-side benefits pages: the list filters (every value validated, an unknown one ignored, never
a 500) and the forms whose input goes to the services as it is. The services decide what is allowed; their
refusals (ValidationError, StaleVersion) come back on the field they name (`ServiceErrors`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from .models import BenefitItem, Certification, PaymentAccount, Proposal, Residence
from .selectors import in_force_q, overdue_q

ALL = pgettext_lazy("filter", "All")
ONLY = [("", ALL), ("1", _("Only these"))]


class MonthInput(forms.DateInput):
    """A month picker (`<input type=month>`): the value is written YYYY-MM; a full date is accepted too."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


def month_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"], **kwargs)


class ListFilter(Styled, forms.Form):
    """A list filter: every value validated; an invalid one is shown as the field's error and ignored."""

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


def station_choices(viewer) -> list[tuple[str, str]]:
    """The centres and stations of the viewer's area, for the `?region=` filter (the code of each)."""
    units = (OrgUnit.objects.visible_to(viewer).filter(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
             .order_by("region_code").values_list("region_code", "name"))
    return [("", pgettext_lazy("filter", "All stations")), *units]


class RegionField(forms.CharField):
    """`?region=`: a select of the stations, validated by the view (core.scoping.region_prefix_or_404), since
    links from the statistics may name any prefix in the scope."""

    def __init__(self, **kwargs):
        super().__init__(label=_("Station"), required=False, max_length=12, widget=forms.Select(), **kwargs)


# --- the queue -------------------------------------------------------------------------------------------------

class ProposalFilterForm(ListFilter):
    change = forms.ChoiceField(label=_("Change"), required=False, choices=[("", ALL), *Proposal.Change.choices])
    item = forms.ModelChoiceField(label=_("Benefit item"), required=False, queryset=BenefitItem.objects.all(),
                                  empty_label=pgettext_lazy("filter", "All items"))
    region = RegionField()

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = station_choices(viewer)

    def apply(self, proposals):
        f = self.filters()
        if f["change"]:
            proposals = proposals.filter(change=f["change"])
        if f["item"]:
            proposals = proposals.filter(item=f["item"])
        return proposals


class ConfirmForm(ServiceErrors, Styled, forms.Form):
    """Confirm a proposal: the month it takes effect (the first month owed, or for an end the last), the survivor
    a death benefit is paid to, a note."""

    month = month_field(_("Takes effect in"), required=False,
                        help_text=_("A past month brings back-pay or a recovery in the next batch."))
    payee = forms.TypedChoiceField(label=_("Paid to (survivor)"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault("prefix", f"confirm-{proposal.pk}")
        kwargs.setdefault("initial", {"month": proposal.month, "version": proposal.version})
        super().__init__(*args, **kwargs)
        if proposal.item.trigger == BenefitItem.Trigger.DEATH and proposal.change == Proposal.Change.NEW:
            # the household as prefetched on the page (`person.household.all()` reads the cache)
            members = [(m.pk, f"{m.name} ({m.get_relationship_display()})")
                       for m in proposal.person.household.all()]
            self.fields["payee"].choices = [("", _("Choose a member of the household")), *members]
        else:
            del self.fields["payee"]

    def values(self) -> dict:
        data = self.cleaned_data
        return {"month": data.get("month"), "payee": data.get("payee"), "note": data.get("note", ""),
                "version": data["version"]}


class RefuseForm(ServiceErrors, Styled, forms.Form):
    note = forms.CharField(label=_("Why it is not granted"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault("prefix", f"refuse-{proposal.pk}")
        kwargs.setdefault("initial", {"version": proposal.version})
        super().__init__(*args, **kwargs)


# --- recipients and certification ------------------------------------------------------------------------------

RECIPIENT_SORTS = {"name": ("person__name_initials", "person_id"),
                   "station": ("person__station__region_code", "person__name_initials", "person_id")}


class RecipientFilterForm(ListFilter):
    item = forms.ModelChoiceField(label=_("Benefit item"), required=False, queryset=BenefitItem.objects.all(),
                                  empty_label=pgettext_lazy("filter", "All items"))
    residence = forms.ChoiceField(label=_("Residence"), required=False, choices=[("", ALL), *Residence.choices])
    suspended = forms.ChoiceField(label=_("Payment suspended"), required=False, choices=ONLY)
    overdue = forms.ChoiceField(label=_("Certification overdue"), required=False, choices=ONLY)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("name", pgettext_lazy("person name", "Name")), ("station", _("Station"))])

    def apply(self, rows, today):
        f = self.filters()
        if f["item"]:
            rows = rows.filter(in_force_q(item=f["item"]))
        if f["residence"]:
            rows = rows.filter(residence=f["residence"])
        if f["suspended"]:
            rows = rows.filter(suspended_from__isnull=False)
        if f["overdue"]:
            rows = rows.filter(overdue_q(today))
        return rows.order_by(*RECIPIENT_SORTS[f["sort"] or "name"])


class ResidenceForm(ServiceErrors, Styled, forms.Form):
    residence = forms.ChoiceField(label=_("Residence"), choices=Residence.choices,
                                  help_text=_("As the household register says: the standards differ."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CertifyForm(ServiceErrors, Styled, forms.Form):
    on = forms.DateField(label=_("Seen alive on"), widget=DayInput())
    method = forms.ChoiceField(label=_("How"), choices=Certification.Method.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, person_pk=None, **kwargs):
        if person_pk is not None:
            kwargs.setdefault("prefix", f"certify-{person_pk}")
        kwargs.setdefault("initial", {"on": timezone.localdate(), "method": Certification.Method.VISIT})
        super().__init__(*args, **kwargs)


class AccountForm(ServiceErrors, Styled, forms.Form):
    bank = forms.CharField(label=_("Bank"), max_length=60)
    number = forms.CharField(label=_("Account number"), max_length=40,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                             help_text=_("The card's number; spaces are ignored. Only its last four digits are "
                                         "shown afterwards."))
    holder = forms.ChoiceField(label=_("Holder"), choices=PaymentAccount.Holder.choices)
    holder_name = forms.CharField(label=_("Holder's name"), required=False, max_length=40,
                                  help_text=_("Empty for the person's own account."))
    household_member = forms.TypedChoiceField(label=_("Household member"), required=False, coerce=int,
                                              empty_value=None)
    reason = forms.CharField(label=_("Why not the person"), required=False, max_length=200,
                             help_text=_("Needed for a guardian's or agent's account."))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        members = [(m.pk, f"{m.name} ({m.get_relationship_display()})") for m in person.household.all()]
        self.fields["household_member"].choices = [("", _("None")), *members]


class RevealForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=100,
                             widget=forms.TextInput(attrs={"placeholder": _("Reason (recorded)"),
                                                           "class": "form-control-sm w-auto"}))
