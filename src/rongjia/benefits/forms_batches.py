"""Forms of the payment batch pages: a new batch, a step of the three people, the bank's return file and the
choice of the bank file's format. The rules live in `batches.py` and the workflow; a form reads the fields and
carries a refusal back to the field it concerns."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import ServiceErrors, Styled

from .models import BankFormat, PaymentBatch
from .workflow import BATCH


class MonthInput(forms.DateInput):
    """An HTML month picker: its value is written YYYY-MM, whatever the language."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def active_formats():
    return BankFormat.objects.filter(active=True).order_by("name")


class BatchNewForm(ServiceErrors, Styled, forms.Form):
    month = MonthField(label=pgettext_lazy("payment batch", "Month paid"))
    bank_format = forms.ModelChoiceField(
        label=_("Bank file format"), queryset=BankFormat.objects.none(), required=False, empty_label="—",
        help_text=_("The bank's 代发 file layout; it can also be chosen when the file is downloaded."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"month": timezone.localdate().replace(day=1)})
        super().__init__(*args, **kwargs)
        self.fields["bank_format"].queryset = active_formats()


class AnyBatchStep(forms.ChoiceField):
    """Any step of the machine is passed on to the engine, so a step out of turn (or the second step of the same
    person) is refused with the engine's own reason rather than "not one of the choices"."""

    def valid_value(self, value):
        return BATCH.step(value) is not None and value != "record_return"


class StepForm(ServiceErrors, Styled, forms.Form):
    """Prepare, check, approve or send back: the step is the button pressed; the note is the opinion or reason."""

    action = AnyBatchStep(label=_("Step"), widget=forms.HiddenInput)
    note = forms.CharField(label=_("Opinion or reason"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required to send the batch back."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, batch: PaymentBatch, **kwargs):
        super().__init__(*args, initial={"version": batch.version}, **kwargs)


class ReturnForm(ServiceErrors, Styled, forms.Form):
    """The bank's return file of an approved batch: it records which transfers were paid and which failed."""

    file = forms.FileField(label=_("The bank's return file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv,text/plain,"
                                                                  "application/vnd.openxmlformats-officedocument."
                                                                  "spreadsheetml.sheet"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, batch: PaymentBatch, **kwargs):
        super().__init__(*args, initial={"version": batch.version}, **kwargs)


class BankFileForm(Styled, forms.Form):
    """The format of the file to download (the batch's own by default)."""

    bank_format = forms.ModelChoiceField(label=_("Bank file format"), queryset=BankFormat.objects.none(),
                                         required=False, empty_label=None)

    def __init__(self, *args, batch: PaymentBatch, **kwargs):
        super().__init__(*args, initial={"bank_format": batch.bank_format_id}, **kwargs)
        self.fields["bank_format"].queryset = active_formats()
