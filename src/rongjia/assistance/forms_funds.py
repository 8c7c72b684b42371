"""The funds' forms: a new fund, income (an allocation or a donation) and money out (visit money, other spending).

The forms check the shape of what was typed (an amount of at most two decimals, a date); the services in
`funds.py` decide the rest (a donation's donor, a date in the future, the balance) and their refusals land on
the field they name (`add_service_error`).
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled

from .models import MONEY, Fund, FundEntry


class ServiceForm(Styled, ServiceErrors, forms.Form):
    pass


def _amount_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal("0.01"), **MONEY,
        help_text=_("A positive amount with at most two decimals, e.g. 2000 or 2000.50."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}))


def _day_field() -> forms.DateField:
    return forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DayInput())


class FundForm(ServiceForm):
    name = forms.CharField(label=_("Name of the fund"), max_length=60,
                           help_text=_("E.g. 江宁区退役军人关爱基金. The fund is held by your own unit."))
    kind = forms.ChoiceField(label=pgettext_lazy("fund", "Kind of fund"), choices=Fund.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IncomeForm(ServiceForm):
    source = forms.ChoiceField(label=pgettext_lazy("fund income", "Kind of income"), widget=forms.RadioSelect,
                               choices=[(s, FundEntry.Source(s).label) for s in FundEntry.INCOME],
                               initial=FundEntry.Source.ALLOCATION)
    amount = _amount_field()
    on = _day_field()
    donor = forms.CharField(label=_("Donor"), max_length=100, required=False,
                            help_text=_("A donation's donor: a company, an organisation or a person."))
    restriction = forms.CharField(label=_("Restriction"), max_length=200, required=False,
                                  help_text=_("What the donation may be spent on (定向), if the donor said."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("E.g. the allocation's document number."))


class SpendForm(ServiceForm):
    source = forms.ChoiceField(label=pgettext_lazy("fund spending", "Kind of spending"), widget=forms.RadioSelect,
                               choices=[(s, FundEntry.Source(s).label)
                                        for s in (FundEntry.Source.VISIT, FundEntry.Source.OTHER_OUT)],
                               initial=FundEntry.Source.VISIT)
    amount = _amount_field()
    on = _day_field()
    note = forms.CharField(label=_("What the money was for"), max_length=300,
                           help_text=_("E.g. 春节走访慰问 10 户困难退役军人."))
