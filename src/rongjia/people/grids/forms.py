"""The forms of households in grids."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.core.forms import DayInput, Styled
from rongjia.network.models import Grid

from ..models import Person, StatusChange, Tag
from .services import GRID_TAG_KINDS, PROPOSABLE


class HouseholdForm(Styled, forms.Form):
    phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    address_detail = forms.CharField(label=_("address"), required=False, max_length=200)
    health = forms.CharField(label=_("health"), required=False, max_length=100)
    needs = forms.ModelMultipleChoiceField(label=_("Needs, hardship and health"), required=False,
                                           queryset=Tag.objects.none(), widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = Tag.objects.filter(active=True, kind__in=GRID_TAG_KINDS).order_by(
            "kind", "position")
        self.initial.update({"phone": person.phone, "address_detail": person.address_detail, "health": person.health,
                             "needs": [t.pk for t in person.tags.all() if t.kind in GRID_TAG_KINDS],
                             "version": person.version})


class StatusProposalForm(Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Change seen"), choices=[(k, StatusChange.Kind(k).label) for k in PROPOSABLE])
    day = forms.DateField(label=_("date"), widget=DayInput())
    reason = forms.CharField(label=_("What was seen"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("day", timezone.localdate())


class AssignForm(Styled, forms.Form):
    grid = forms.ModelChoiceField(label=_("grid"), queryset=Grid.objects.none())
    people = forms.ModelMultipleChoiceField(label=_("Households"), queryset=Person.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, grids, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["people"].queryset = people
