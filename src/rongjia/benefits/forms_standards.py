"""Forms of the standards pages: a new standard table with its amounts (a grid of rows, or many lines pasted from
the published document) and the jurisdiction's payment policy. The rules (own jurisdiction, dates that do not
overlap, each condition once) live in `services.py`; these forms read the fields and name the line at fault."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.people.reference import DISABILITY_CAUSE_CHOICES

from .models import BenefitItem, Residence, StandardTable

ANY = pgettext_lazy("standard condition", "Any")
RATE_ROWS = 8  # empty rows the grid offers; more come by pasting
MAX_RATES = 300
SEPARATORS = re.compile(r"\s*[,，\t;；]\s*")
# what a pasted line may say for a cause or a residence, besides the codes
CAUSE_WORDS = {**{code: code for code, _label in DISABILITY_CAUSE_CHOICES},
               **{label: code for code, label in DISABILITY_CAUSE_CHOICES}}
RESIDENCE_WORDS = {"urban": Residence.URBAN, "rural": Residence.RURAL, "城镇": Residence.URBAN, "城市": Residence.URBAN,
                   "农村": Residence.RURAL}
GRADE = re.compile(r"^(10|[1-9])级?$")


class TableForm(ServiceErrors, Styled, forms.Form):
    item = forms.ModelChoiceField(label=_("Benefit item"), queryset=BenefitItem.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=StandardTable.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    document = forms.CharField(label=_("Document no."), max_length=100, required=False)
    effective_from = forms.DateField(label=_("In force from"), widget=DayInput())
    effective_until = forms.DateField(label=_("In force until"), widget=DayInput(), required=False,
                                      help_text=_("Empty: until a later table replaces it."))
    paste = forms.CharField(
        label=_("Amounts pasted, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("grade,cause,amount — then optionally residence and category: e.g. “1,因战,100920” or "
                    "“,,3960,农村,烈士遗属”. An empty grade or cause means any. Amounts are yuan a year."))

    def __init__(self, *args, categories: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = BenefitItem.objects.filter(active=True)
        self.categories = {name: pk for pk, name in categories}

    def clean_paste(self) -> list[dict]:
        rows, problems = [], []
        for number, text in enumerate(self.cleaned_data.get("paste", "").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                rows.append(self._pasted(text))
            except ValueError as exc:
                problems.append(_gettext("Pasted line %(line)d: %(problem)s") % {"line": number, "problem": exc})
        if problems:
            raise forms.ValidationError(problems[:5])
        return rows

    def _pasted(self, text: str) -> dict:
        cells = SEPARATORS.split(text.strip()) + ["", ""]
        if len(cells) > 7:
            raise ValueError(_gettext("give at most grade, cause, amount, residence and category."))
        grade, cause, amount, residence, category = cells[:5]
        if grade and not GRADE.match(grade):
            raise ValueError(_gettext("a disability grade is 1 to 10."))
        if cause and cause not in CAUSE_WORDS:
            raise ValueError(_gettext("unknown disability cause “%(cause)s”.") % {"cause": cause})
        if residence and residence.lower() not in RESIDENCE_WORDS:
            raise ValueError(_gettext("residence is urban or rural."))
        if category and category not in self.categories:
            raise ValueError(_gettext("unknown category “%(category)s”.") % {"category": category})
        try:
            value = Decimal(amount.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_gettext("give the amount in yuan.")) from None
        return {"grade": int(grade.rstrip("级")) if grade else None, "cause": CAUSE_WORDS.get(cause, ""),
                "residence": RESIDENCE_WORDS.get(residence.lower(), ""), "category": self.categories.get(category),
                "amount": value}


class RateForm(Styled, forms.Form):
    """One row of the grid: the conditions (each may be left as "any") and the yearly amount."""

    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    grade = forms.TypedChoiceField(label=_("Disability grade"), required=False, coerce=int, empty_value=None,
                                   choices=[("", ANY), *((n, str(n)) for n in range(1, 11))])
    cause = forms.ChoiceField(label=_("Disability cause"), required=False,
                              choices=[("", ANY), *DISABILITY_CAUSE_CHOICES])
    residence = forms.ChoiceField(label=_("Residence"), required=False, choices=[("", ANY), *Residence.choices])
    amount = forms.DecimalField(label=_("Amount a year (yuan)"), required=False, max_digits=12, decimal_places=2,
                                min_value=Decimal("0"))

    def __init__(self, *args, categories: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", ANY), *categories]

    def clean(self):
        data = super().clean()
        conditions = any(data.get(name) not in (None, "") for name in ("category", "grade", "cause", "residence"))
        if conditions and data.get("amount") is None and not self.has_error("amount"):
            self.add_error("amount", _gettext("Give the amount, or clear the row."))
        return data

    def rate(self) -> dict | None:
        data = self.cleaned_data
        if data.get("amount") is None:
            return None
        return {name: data.get(name) for name in ("category", "grade", "cause", "residence", "amount")}


class BaseRateFormSet(forms.BaseFormSet):
    def rates(self) -> list[dict]:
        """The rows with an amount, in the grid's order (an empty row is skipped)."""
        return [rate for form in self.forms if (rate := form.rate()) is not None]


RateFormSet = formset_factory(RateForm, formset=BaseRateFormSet, extra=RATE_ROWS, max_num=MAX_RATES,
                              validate_max=True, absolute_max=MAX_RATES)


class PolicyForm(ServiceErrors, Styled, forms.Form):
    certification_months = forms.IntegerField(label=_("Certify life every (months)"), min_value=1, max_value=36)
    grace_days = forms.IntegerField(label=_("Days of payment after the due date"), min_value=0, max_value=365,
                                    help_text=_("Payment goes on this long after a certification falls due, then "
                                                "stops until the person is seen."))
    change_threshold = forms.IntegerField(label=_("Flag a change of the monthly amount above (%)"), min_value=1,
                                          max_value=1000,
                                          help_text=_("The batch check lists the payments that changed more."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
