"""The sender's two forms on the answer page: rate the answer, follow up once. Both carry the receipt code
the sender typed (in the page, never in a URL) and the version of the feedback they read."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import ServiceErrors, Styled

from ..models import Feedback


class SenderStepForm(ServiceErrors, Styled, forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        # The hidden fields show no error of their own: say it above the form.
        if "receipt" in self._errors or "version" in self._errors:
            self._errors.pop("receipt", None)
            self._errors.pop("version", None)
            raise forms.ValidationError(_("Look up your feedback with its receipt code first."))
        return super().clean()

    def add_service_error(self, exc: Exception) -> None:
        if hasattr(exc, "error_dict") and "receipt" in exc.error_dict:
            self.add_error(None, exc.error_dict["receipt"])
        else:
            super().add_service_error(exc)


class RateForm(SenderStepForm):
    answer_rating = forms.ChoiceField(label=_("How satisfied are you with the answer?"),
                                      choices=Feedback.Rating.choices, widget=forms.RadioSelect)


class FollowUpForm(SenderStepForm):
    follow_up = forms.CharField(label=_("Your follow-up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Once only: the centre answers again within its deadline."))
