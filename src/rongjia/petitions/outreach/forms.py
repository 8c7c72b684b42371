"""Forms of the outreach pages: a meeting, its outcome, a petition from a 下访, reception days, sensitive periods."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.models import OrgUnit

from ..models import Petition
from .models import Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def units(user, *, centres_only: bool = False):
    kinds = [OrgUnit.Kind.CENTRE] if centres_only else [OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]
    return OrgUnit.objects.visible_to(user).filter(Q(kind__in=kinds)).order_by("region_code")


class UnitForm(ServiceErrors, Styled, forms.Form):
    """A form whose first field is the holding unit, in the user's area (the own unit first chosen)."""

    centres_only = False

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user, centres_only=self.centres_only)
        self.fields["unit"].initial = self.fields["unit"].initial or user.org_unit_id


class MeetingForm(UnitForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    unit = forms.ModelChoiceField(label=_("Held by"), queryset=OrgUnit.objects.none())
    petitioner_name = forms.CharField(label=_("Petitioner"), max_length=40, required=False,
                                      help_text=_("Left empty, the petition's first petitioner."))
    scheduled_on = forms.DateField(label=_("Date"), widget=DATE)
    scheduled_at = forms.TimeField(label=_("Time"), required=False, widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=100)
    leader = forms.CharField(label=_("Receiving leader"), max_length=60,
                             help_text=_("Title and name, e.g. 副局长 张某"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeetingStepForm(ServiceErrors, Styled, forms.Form):
    action = forms.ChoiceField(label=_("Step"), choices=[("hold", _("Record it as held")), ("cancel", _("Cancel"))])
    note = forms.CharField(label=_("What was said (or why it was cancelled)"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Outcome (when held)"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingPetitionForm(ServiceErrors, Styled, forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=Petition.Type.choices)
    category = forms.ChoiceField(label=pgettext_lazy("petition problem category", "Category"),
                                 choices=Petition.Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Left empty, what was said at the visit."))


class ReceptionDayForm(UnitForm):
    centres_only = True
    unit = forms.ModelChoiceField(label=_("Centre"), queryset=OrgUnit.objects.none())
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=pgettext_lazy("start time", "From"), widget=TIME)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME)
    leader_title = forms.CharField(label=_("Leader's title"), max_length=40)
    leader_name = forms.CharField(label=_("Leader's name"), max_length=40)
    place = forms.CharField(label=_("Place"), max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SensitivePeriodForm(UnitForm):
    centres_only = True
    unit = forms.ModelChoiceField(label=_("Declared by"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("e.g. 全国两会"))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
