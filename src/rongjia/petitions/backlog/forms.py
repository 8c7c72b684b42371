"""Forms of the 积案 pages: naming the 包案 leader with the plan, a month's progress, and resolving."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rongjia.accounts.models import User
from rongjia.core.forms import ServiceErrors, Styled

from .services import TEXT_MAX_CHARS


class AssignForm(ServiceErrors, Styled, forms.Form):
    leader_name = forms.CharField(label=_("Leader in charge (包案领导)"), max_length=40)
    leader_title = forms.CharField(label=_("Leader's post"), max_length=60, required=False)
    leader = forms.ModelChoiceField(label=_("Leader's account (optional)"), queryset=User.objects.none(),
                                    required=False)
    plan = forms.CharField(label=_("Plan to resolve it"), max_length=TEXT_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Accounts of the viewer's own area only (a leader of the centre or of one below it).
        self.fields["leader"].queryset = User.objects.visible_to(user).filter(is_active=True).order_by("username")


class ProgressForm(ServiceErrors, Styled, forms.Form):
    month = forms.DateField(label=_("Month"), required=False,
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("This month if left empty."))
    text = forms.CharField(label=_("Progress this month"), max_length=TEXT_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(ServiceErrors, Styled, forms.Form):
    note = forms.CharField(label=_("How it was resolved"), max_length=TEXT_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)
