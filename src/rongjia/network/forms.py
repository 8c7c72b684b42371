from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms_places import RegionCodeField
from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES, SLUG_BY_LEVEL

from . import selectors
from .facts import filter_by_facts

LIST_FILTERS = ("q", "level", "kind", "region", "sort")
FACT_FILTERS = ("five_have", "below_standard")
FIVE_HAVE_POSITIONS = range(1, 6)


class StationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Level"), required=False,
        choices=[("", _("All levels"))] + [(SLUG_BY_LEVEL[number], label) for number, label in LEVEL_CHOICES],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[
        ("", _("All kinds")), (selectors.MAIN, _("Centres and stations")), *OrgUnit.Kind.choices])
    region = RegionCodeField(label=_("Region code"), required=False)
    five_have = forms.ChoiceField(
        label=_("Five haves (五有)"), required=False,
        choices=[("", pgettext_lazy("five haves", "All")), ("complete", _("All five met")),
                 ("missing", _("Any missing"))] + [(str(n), str(n)) for n in FIVE_HAVE_POSITIONS],
    )
    below_standard = forms.ChoiceField(
        label=_("Standard"), required=False,
        choices=[("", pgettext_lazy("standard", "All")), ("yes", _("Below standard")),
                 ("no", _("Not below standard"))],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_five_have([])

    def name_five_have(self, items) -> None:
        """Label "item n missing" and "item n met" by the viewer's own 五有 wording (`items`: their list)."""
        own = {item.position: item.name for item in items}
        names = {n: own.get(n) or gettext("item %(n)d") % {"n": n} for n in FIVE_HAVE_POSITIONS}
        self.fields["five_have"].choices = self.fields["five_have"].choices[:3] + [
            (str(n), gettext("Missing: %(item)s") % {"item": names[n]}) for n in FIVE_HAVE_POSITIONS
        ] + [(f"met-{n}", gettext("Met: %(item)s") % {"item": names[n]}) for n in FIVE_HAVE_POSITIONS]

    def filters(self) -> dict:
        """The cleaned filters; an invalid value is dropped rather than shown as an error."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in LIST_FILTERS + FACT_FILTERS}

    def units(self, user):
        """The units these filters select: the scoped list, narrowed by the computed facts.

        The page, its count and its export all call this, so they cannot disagree.
        """
        filters = self.filters()
        units = selectors.station_list(user, **{name: filters[name] for name in LIST_FILTERS})
        five_have = {"complete": "none", "missing": "any"}.get(filters["five_have"], filters["five_have"])
        below = {"yes": True, "no": False}.get(filters["below_standard"])
        return filter_by_facts(user, units, below_standard=below, five_have_missing=five_have)


class OrgUnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OrgUnit
        fields = ["name", "address", "phone", "opening_hours"]
        widgets = {
            "opening_hours": forms.TextInput(attrs={"placeholder": _("e.g. Mon–Fri 8:30–17:00")}),
        }
