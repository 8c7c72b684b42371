"""The petition desk's list filter: every value validated, an unknown one ignored (never a 500), and the
responsible unit chosen only among the units of the viewer's own area (one outside it is refused, not used)."""

from django import forms
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import Styled
from rongjia.core.forms_places import RegionCodeField
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import region_prefix_or_404

from .models import Petition, PetitionReply
from .selectors import BACKLOG_FILTERS, DUE_FILTERS, ON_TIME, OPEN, SORTS
from .workflow import STATES

DUE_LABELS = {"soon": _("Due within 5 days"), "overdue": _("Overdue")}
BACKLOG_LABELS = {"1": _("Backlog cases (积案)"), "unassigned": _("Backlog cases without a leader in charge")}
SORT_LABELS = {"-registered": _("Newest registered first"), "registered": _("Oldest registered first"),
               "due": _("Deadline, soonest first"), "-due": _("Deadline, latest first")}
YES = [("", pgettext_lazy("filter", "All")), ("1", _("Only these"))]


def _choices(empty, values: dict) -> list:
    return [("", empty), *values.items()]


def _answered_choices() -> dict:
    """Each reply stage given against its deadline, and given by it (the dashboard's on-time figures)."""
    return {value: label for stage, name in PetitionReply.Stage.choices for value, label in (
        (stage, name), (stage + ON_TIME, format_lazy(_("{stage}, on time"), stage=name)))}


class PetitionFilterForm(Styled, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=_choices(_("All states"), {OPEN: _("Any open state"), **STATES}))
    due = forms.ChoiceField(label=_("Deadline"), required=False,
                            choices=_choices(_("Any deadline"), {k: DUE_LABELS[k] for k in DUE_FILTERS}))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=_choices(_("All channels"), dict(Petition.Channel.choices)))
    category = forms.ChoiceField(label=pgettext_lazy("petition problem category", "Category"), required=False,
                                 choices=_choices(pgettext_lazy("petition problem category", "All categories"),
                                                  dict(Petition.Category.choices)))
    backlog = forms.ChoiceField(label=_("Backlog (积案)"), required=False,
                                choices=_choices(pgettext_lazy("filter", "All"),
                                                 {k: BACKLOG_LABELS[k] for k in BACKLOG_FILTERS}))
    collective = forms.ChoiceField(label=_("Collective (集体访)"), required=False, choices=YES)
    repeat = forms.ChoiceField(label=_("Repeat petitions"), required=False, choices=YES)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), required=False, queryset=OrgUnit.objects.none(),
                                  empty_label=_("All units"))
    answered = forms.ChoiceField(label=_("Replies against a deadline"), required=False,
                                 choices=_choices(pgettext_lazy("filter", "All"), _answered_choices()))
    # What the statistics count by (insights): the region a petition is handled in, the region of the unit that
    # registered it, and the days it was registered on. A region outside the viewer's area is refused, not used.
    region = RegionCodeField(label=_("Handled in region (code)"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    registered_in = RegionCodeField(label=_("Registered in region (code)"), required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    registered_from = forms.DateField(label=_("Registered from"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    registered_to = forms.DateField(label=_("Registered until"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS])

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).order_by("region_code")

    def clean_region(self) -> str:
        return self._inside_the_area(self.cleaned_data["region"])

    def clean_registered_in(self) -> str:
        return self._inside_the_area(self.cleaned_data["registered_in"])

    def _inside_the_area(self, prefix: str) -> str:
        if not prefix:
            return prefix
        try:
            return region_prefix_or_404(self.user, prefix)
        except Http404:
            raise forms.ValidationError(_("Choose your own region or a region inside it.")) from None

    def filters(self) -> dict:
        """The valid filters as `petition_list` takes them; an invalid field is left out (its error shown)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
