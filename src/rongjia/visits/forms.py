"""The forms of visits and care. They check shape only; the services check scope, dates against the person and
budgets, and their errors come back onto the form (`add_service_error`)."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rongjia.accounts.models import User
from rongjia.core.forms import DayInput, MultipleFileField, ServiceErrors, Styled
from rongjia.core.payments import fund_choices
from rongjia.people.models import Person

from .festivals import FIRST_YEAR, LAST_YEAR
from .models import Campaign, DueVisit, Merit, Regime, Visit
from .services import NeedIn

PEOPLE_IN_A_SELECT = 500


def person_choices(user, chosen: int | None) -> list[tuple[int | str, str]]:
    """The people a worker picks from: the one chosen, or the first few hundred of the worker's own."""
    people = Person.objects.visible_to(user).filter(status=Person.Status.ACTIVE).select_related("station")
    people = people.filter(pk=chosen) if chosen else people[:PEOPLE_IN_A_SELECT]
    return [("", "—")] + [(p.pk, f"{p.name}（{p.station.name}）") for p in people]


class VisitForm(ServiceErrors, Styled, forms.Form):
    person = forms.TypedChoiceField(label=_("Person visited"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.Kind.choices, initial=Visit.Kind.REGULAR)
    visited_on = forms.DateField(label=_("Date"), widget=DayInput())
    place = forms.ChoiceField(label=_("Place"), choices=Visit.Place.choices, initial=Visit.Place.HOME)
    companions = forms.CharField(label=_("Companions"), required=False, max_length=100)
    findings = forms.CharField(label=_("Findings"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    money = forms.DecimalField(label=_("Money given (yuan)"), required=False, min_value=0, max_digits=9,
                               decimal_places=2)
    fund = forms.CharField(label=_("Fund"), required=False, max_length=60)
    fund_account = forms.TypedChoiceField(label=_("Paid out of the fund"), required=False, coerce=int,
                                          empty_value=None,
                                          help_text=_("Written in the fund's ledger; the fund's name above is then "
                                                      "filled in."))
    goods = forms.CharField(label=_("Goods given"), required=False, max_length=100)
    campaign = forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int, empty_value=None)
    need = forms.CharField(label=_("Need raised (a follow-up)"), required=False, max_length=200)
    need_owner = forms.TypedChoiceField(label=_("Who sees to it"), required=False, coerce=int, empty_value=None)
    need_due_on = forms.DateField(label=_("Follow-up due"), required=False,
                                  widget=DayInput())
    photos = MultipleFileField(label=_("Photos"), required=False)
    signature = forms.FileField(label=_("Signature of the person visited (optional)"), required=False,
                                widget=forms.ClearableFileInput(attrs={
                                    "accept": "image/jpeg,image/png", "data-signature-input": "",
                                    "data-pad-label": _("Signature pad: sign here with a finger"),
                                    "data-clear-label": _("Clear the signature")}),
                                help_text=_("Sign on the pad below, or upload a photo of the signature on paper."))
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, chosen: int | None = None, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(user, chosen)
        self.fields["campaign"].choices = [("", "—")] + [(c.pk, c.name) for c in campaigns]
        accounts = fund_choices(user)
        if accounts:
            self.fields["fund_account"].choices = [("", "—"), *accounts]
        else:  # nobody keeps a fund's books here: the fund stays a name
            del self.fields["fund_account"]
        owners = User.objects.visible_to(user).filter(is_active=True, org_unit=user.org_unit).order_by("full_name")
        self.fields["need_owner"].choices = [("", "—")] + [(u.pk, u.full_name or u.username) for u in owners]
        self.initial.setdefault("visited_on", timezone.localdate())
        self.initial.setdefault("client_id", uuid.uuid4())
        self.initial.setdefault("person", chosen)

    def clean(self):
        data = super().clean()
        if data.get("need") and not (data.get("need_owner") and data.get("need_due_on")):
            self.add_error("need", _("Give the need an owner and a due date."))
        return data

    def visit(self) -> dict:
        data = self.cleaned_data
        needs = [NeedIn(data["need"], data["need_owner"], data["need_due_on"])] if data.get("need") else []
        return {"person_id": data["person"], "kind": data["kind"], "visited_on": data["visited_on"],
                "place": data["place"], "companions": data["companions"], "findings": data["findings"],
                "money": data["money"], "fund": data["fund"], "goods": data["goods"],
                "campaign_id": data["campaign"], "client_id": data.get("client_id"), "photos": data["photos"],
                "needs": needs, "signature": data.get("signature"), "fund_account": data.get("fund_account")}


class DueVisitForm(ServiceErrors, Styled, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=DueVisit.Occasion.choices)
    occurred_on = forms.DateField(label=_("Happened on"), widget=DayInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user, chosen: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(user, chosen)
        self.initial.setdefault("occurred_on", timezone.localdate())
        self.initial.setdefault("person", chosen)


class RegimeForm(ServiceErrors, Styled, forms.ModelForm):
    template = forms.ChoiceField(label=_("Occasions from a template"), required=False)
    occasions_text = forms.CharField(label=_("Occasions on which a visit is owed (one a line)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Regime
        fields = ["name", "priority_contacts_per_quarter", "priority_home_visits_per_year", "other_contacts_per_year",
                  "trigger_days", "street_delivers_third_class"]

    def __init__(self, *args, templates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = templates
        self.fields["template"].choices = [("", "—")] + [(key, str(name)) for key, (name, _items) in templates.items()]
        self.initial.setdefault("occasions_text", "\n".join(self.instance.occasions or []))
        self.initial.setdefault("version", self.instance.version if self.instance.pk else None)

    def regime(self) -> dict:
        data = self.cleaned_data
        occasions = [line.strip() for line in data["occasions_text"].splitlines() if line.strip()]
        if data.get("template") and not occasions:
            occasions = list(self.templates[data["template"]][1])
        fields = {name: data[name] for name in self._meta.fields}
        return {**fields, "occasions": occasions, "version": data.get("version")}


class CampaignForm(ServiceErrors, Styled, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    year = forms.IntegerField(label=_("Year of the festival"), min_value=FIRST_YEAR, max_value=LAST_YEAR,
                              required=False)
    target = forms.ChoiceField(label=_("Who is visited"), choices=Campaign.Target.choices)
    budget_per_person = forms.DecimalField(label=_("Budget per person (yuan)"), required=False, min_value=0,
                                           max_digits=9, decimal_places=2)
    starts_on = forms.DateField(label=_("From (blank: four weeks before the festival)"), required=False,
                                widget=DayInput())
    ends_on = forms.DateField(label=_("Until (blank: a week after the festival)"), required=False,
                              widget=DayInput())


class PlaqueIssueForm(ServiceErrors, Styled, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    issued_on = forms.DateField(label=_("Issued on"), widget=DayInput())
    on_application = forms.BooleanField(label=_("On the family's application"), required=False)

    def __init__(self, *args, user, chosen: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = person_choices(user, chosen)
        self.initial.setdefault("issued_on", timezone.localdate())


class StepForm(ServiceErrors, Styled, forms.Form):
    """One step of a plaque or a merit notice: the fields each step reads."""

    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=200)
    day = forms.DateField(label=_("Date"), required=False, widget=DayInput())
    ceremony = forms.CharField(label=_("Ceremony"), required=False, max_length=200)


class MeritForm(ServiceErrors, Styled, forms.Form):
    soldier_name = forms.CharField(label=_("Serving member"), max_length=40)
    military_unit = forms.CharField(label=_("Military unit"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Merit"), choices=Merit.Level.choices)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DayInput())
    family_name = forms.CharField(label=_("Family contact"), max_length=40)
    family_region_code = forms.ChoiceField(label=_("Family lives in"))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_region_code"].choices = [(code, name) for code, name in villages]
