"""Forms of the aid application pages: registration with its documents, one step of the review, an extra document
and a batch approval. Every rule lives in the services; a form only reads the fields and carries a service's
refusal back to the field it concerns."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import DayInput, ServiceErrors, Styled

from . import funds
from .models import AidApplication, Fund
from .services import kinds_for
from .workflow import APPLICATION

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


def required_documents(user) -> list[tuple[str, list[str]]]:
    """Every document the viewer's kinds of aid require, once each, with the kinds that require it, in the kinds'
    order: the registration form shows one file input per document, named doc_<index> in this order."""
    needed: dict[str, list[str]] = {}
    for kind in kinds_for(user).only("name", "documents"):
        for name in kind.documents:
            needed.setdefault(name, []).append(kind.name)
    return list(needed.items())


class KindChoice(forms.ModelChoiceField):
    def label_from_instance(self, kind):
        return gettext("%(name)s (at most ¥%(cap)s)") % {"name": kind.name, "cap": kind.cap}


class ApplicationForm(ServiceErrors, Styled, forms.Form):
    person = forms.IntegerField(label=_("Applicant (dossier number)"), min_value=1,
                                help_text=_("Open the application from the person's dossier, or find them below."))
    kind = KindChoice(label=_("Kind of aid"), queryset=None)
    amount = forms.DecimalField(label=_("Amount asked (yuan)"), **MONEY_FIELD)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    # the service names the amount after the model's field; the documents' error goes to the missing files
    RENAMED = {"amount_requested": "amount"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds_for(user)
        self.documents = required_documents(user)
        for index, (name, kinds) in enumerate(self.documents):
            self.fields[f"doc_{index}"] = forms.FileField(
                label=name, required=False, help_text=gettext("Required for: %(kinds)s") % {"kinds": "、".join(kinds)},
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is not None:  # each missing document is named on its own input
            for index, (name, _kinds) in enumerate(self.documents):
                if name in kind.documents and not data.get(f"doc_{index}"):
                    self.add_error(f"doc_{index}", gettext("%(kind)s requires this document.") % {"kind": kind.name})
        return data

    def uploads(self) -> dict:
        """{requirement: upload} as the service takes them."""
        return {name: self.cleaned_data.get(f"doc_{index}") for index, (name, _kinds) in enumerate(self.documents)
                if self.cleaned_data.get(f"doc_{index}")}

    def add_service_error(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            exc.error_dict = {self.RENAMED.get(field, field): errors for field, errors in exc.error_dict.items()}
        super().add_service_error(exc)


class FundChoice(forms.ModelChoiceField):
    def label_from_instance(self, fund):
        return gettext("%(name)s (balance ¥%(balance)s)") % {"name": fund.name, "balance": fund.balance}


class AnyStepChoice(forms.ChoiceField):
    """The select offers only the steps open to the viewer, but any step of the machine is passed on to the engine,
    so a step out of turn is refused with the engine's own reason (whose turn it is), not "not one of the choices"."""

    def valid_value(self, value):
        return APPLICATION.step(value) is not None


# The fields each step reads, from the step's declaration; js/step_form.js shows only the chosen step's.
STEP_FIELDS = APPLICATION.fields_by_name()


class StepForm(ServiceErrors, Styled, forms.Form):
    action = AnyStepChoice(label=_("Step"))
    note = forms.CharField(label=_("Opinion or reason"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("Amount proposed (yuan)"), required=False, **MONEY_FIELD,
                                help_text=_("Empty: the amount proposed so far, or the amount asked."))
    publicity_from = forms.DateField(label=_("公示 from"), required=False, widget=DayInput(),
                                     help_text=_("Empty: from today."))
    publicity_days = forms.IntegerField(label=_("公示 (working days)"), required=False, min_value=1, max_value=30)
    raised_by = forms.CharField(label=_("Objection raised by"), required=False, max_length=60)
    upheld = forms.BooleanField(label=_("The objection is upheld"), required=False)
    fund = FundChoice(label=_("Fund that pays"), required=False, queryset=Fund.objects.none())
    method = forms.ChoiceField(label=_("Paid by"), required=False,
                               choices=[("", "—"), *AidApplication.Method.choices])
    reference = forms.CharField(label=_("Transfer reference"), required=False, max_length=60)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DayInput())
    receipt = forms.FileField(label=_("Signed receipt (scan; for cash)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, application, user, open_steps, **kwargs):
        super().__init__(*args, initial={"version": application.version,
                                         "publicity_days": application.kind.publicity_days}, **kwargs)
        labels = APPLICATION.action_labels()
        self.fields["action"].choices = [(action, labels[action]) for action in open_steps]
        if "approve" in open_steps:  # only an approver needs the funds: no query otherwise
            self.fields["fund"].queryset = funds_covering(user, application)
        for name, steps in STEP_FIELDS.items():
            self.fields[name].widget.attrs["data-steps"] = " ".join(steps)

    def step_data(self) -> dict:
        """What the engine's effects read, as they read it (the fund by its key)."""
        data = {name: self.cleaned_data.get(name) for name in STEP_FIELDS if name != "receipt"}
        data["fund"] = data["fund"].pk if data.get("fund") else None
        return {name: value for name, value in data.items() if value not in (None, "")}


def funds_covering(user, application):
    """The funds the viewer may draw on whose holder covers the applicant's area, with their balances."""
    visible = Fund.objects.visible_to(user).select_related("unit")
    covering = [fund.pk for fund in visible if funds.holds_for(fund, application.region_code)]
    return visible.filter(pk__in=covering)


class DocumentForm(ServiceErrors, Styled, forms.Form):
    requirement = forms.ChoiceField(label=pgettext_lazy("aid document", "What it is"), required=False)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [*((name, name) for name in application.kind.documents),
                                              ("", gettext("Other"))]


class BatchForm(ServiceErrors, Styled, forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind of aid"), queryset=None)
    fund = FundChoice(label=_("Fund that pays"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds_for(user)
        self.fields["fund"].queryset = Fund.objects.visible_to(user).select_related("unit")
