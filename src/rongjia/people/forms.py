"""Forms of the dossier pages: the list filters, registration and the edit form.

The forms only validate; the views hand `cleaned_data` to people.services, which checks scope
and capability again, writes and audits. A stored ID number or phone is never put back into a
page: editing shows them masked, and a blank phone keeps the stored one.
"""

from datetime import date

from cryptography.fernet import InvalidToken
from django import forms
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.crypto import decrypt, encrypt
from rongjia.core.forms import ServiceErrors, Styled
from rongjia.core.forms_places import Picked, PickerInput, PlaceField, RegionCodeField, place_suggest_url
from rongjia.core.idnumber import parse_id_number
from rongjia.core.masking import mask_id_number, mask_phone
from rongjia.core.models import OrgUnit, Region
from rongjia.core.places import place_of
from rongjia.core.regions import COUNTY, STREET, VILLAGE, pad_code
from rongjia.core.validators import validate_phone

from . import selectors
from .models import Category, Person, StatusChange, Tag
from .reference import DISABILITY_CAUSE_CHOICES, EDUCATION_CHOICES, ETHNIC_CHOICES, POLITICAL_CHOICES
from .services import EDIT_ONLY, EDITABLE

LIST_FILTERS = ("q", "category", "tag", "region", "status", "age_min", "age_max", "sort")
# The filters a phone folds into the 筛选 drawer (the search box stays in view).
FOLDED_FILTERS = ("category", "tag", "status", "age_min", "age_max", "region")


def masked_search(q: str) -> str:
    """The masked form of a search for a full ID number or a phone (what the selector looks up
    by blind index), or "" for any other search."""
    kind = selectors.search_kind(q)  # the selector's own reading of `q`, so the two cannot disagree
    if kind == "id":
        return mask_id_number(q.upper())
    return mask_phone(q) if kind == "phone" else ""


def _decrypt(token: str) -> str:
    try:
        return decrypt(token) if token else ""
    except (InvalidToken, ValueError):
        return ""


class PersonFilterForm(forms.Form):
    """The list's filters. Validated here; drawn by the list's own template (people/person_list.html), not by
    Django's widget templates, which cost a third of the page's time for nine controls (docs/performance.md)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50,
                        help_text=_("Two characters find the names that begin with them (王伟 finds 王伟东 too); "
                                    "three or more, anywhere in the name. Letters are pinyin: gaojianjun, gaojj "
                                    "or gjj."))
    category = forms.ModelChoiceField(label=_("Category"), required=False, empty_label=_("All categories"),
                                      queryset=Category.objects.filter(active=True))
    tag = forms.ModelChoiceField(label=_("Need or tag"), required=False, empty_label=_("All"),
                                 queryset=Tag.objects.filter(active=True))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Person.Status.choices])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)
    region = RegionCodeField(label=_("Place"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "320115003"}))
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in selectors.SORTS], widget=forms.HiddenInput)
    qt = forms.CharField(required=False, widget=forms.HiddenInput)  # an encrypted sensitive search
    secret, arrived_plain = "", False

    @classmethod
    def from_query(cls, params) -> "PersonFilterForm":
        """Bound to the filters as pages carry them (without `page`).

        A full ID number or phone typed in the search box travels encrypted in `qt` and shows
        masked in `q`, so neither the search box, the page, sort and export links nor the
        address bar holds it in full. `arrived_plain` says the request itself carried it.
        """
        data = params.copy()
        data.pop("page", None)
        q, token = data.get("q", "").strip(), data.get("qt", "")
        secret = _decrypt(token)
        arrived_plain = bool(masked_search(q))
        if arrived_plain:
            secret, token = q, encrypt(q)
        elif not secret or q != masked_search(secret):
            secret, token = "", ""  # the search box was changed: the old search goes
        data["q"], data["qt"] = (masked_search(secret), token) if secret else (q, "")
        form = cls(data)
        form.secret, form.arrived_plain = secret, arrived_plain
        return form

    def query(self) -> str:
        """The filters for links and the address bar: never a full ID number or phone."""
        # the place picker's box (region_text) is left out: the page shows the place from its code
        return "&".join(part for part in self.data.urlencode().split("&")
                        if part and not part.endswith("=") and not part.startswith("region_text="))

    def audit_query(self) -> str:
        """The filters as the audit log keeps them: a number searched for shows masked, and its encrypted
        token (`qt`) stays out: the data key opens it, and the log keeps it for months."""
        return "&".join(part for part in self.query().split("&") if not part.startswith("qt="))

    def filters(self) -> dict:
        """The cleaned filters; an invalid value is dropped rather than shown as an error."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in LIST_FILTERS}

    def controls(self) -> dict:
        """What the template needs to draw the selects: (value, label, selected) per option, read as plain rows."""
        def options(pairs, chosen):
            return [(str(value), label, str(value) == chosen) for value, label in pairs]

        data = self.data
        return {"category": options(Category.objects.filter(active=True).values_list("pk", "name"),
                                    data.get("category", "")),
                "tag": options(Tag.objects.filter(active=True).values_list("pk", "name"), data.get("tag", "")),
                "status": options(Person.Status.choices, data.get("status", "")),
                "region": self._region_control(data.get("region", "")),
                # the drawer's button on a phone says how many filters are set behind it
                "set": sum(1 for name in FOLDED_FILTERS if data.get(name))}

    def _region_control(self, code: str) -> str:
        """The region filter as the place picker (core/_picker.html): it shows the place's path and sends its code.

        The filter still sends a code (links and exports carry it); the person picks it by name. A code
        outside the viewer's area never reaches the page: the selector answers 404 before it renders.
        """
        region = Region.objects.filter(code=pad_code(code)).first() if code.isdigit() and len(code) <= 12 else None
        picker = PickerInput(source=place_suggest_url((COUNTY, STREET, VILLAGE)))
        invalid = " is-invalid" if self.errors.get("region") else ""
        return picker.render("region", Picked(code, place_of(region).path if region else ""),
                             attrs={"id": "id_region_text", "class": "form-control" + invalid,
                                    "placeholder": _("Type part of a name"), "aria-describedby": "id_region_help"})

    def people(self, user, today: date | None = None, *, in_passing: bool = False):
        """The people these filters select, with their current categories.

        The page and its export both call this, so they cannot disagree. A `region` outside
        the viewer's scope is 404 (the selector checks it). `in_passing`: see selectors.walked_page.
        """
        f, today = self.filters(), today or date.today()
        people = selectors.person_search(
            user, q=self.secret or f["q"] or "", category=f["category"].pk if f["category"] else None,
            tag=f["tag"].pk if f["tag"] else None,
            region=f["region"] or "", status=f["status"] or "", age_min=f["age_min"], age_max=f["age_max"],
            sort=f["sort"] or "", today=today, in_passing=in_passing)
        return people.select_related("station").prefetch_related(selectors.current_categories(today))


class PersonFields(ServiceErrors, Styled, forms.Form):
    """The fields that registration and editing share (services.EDITABLE)."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    # Picked by name from the viewer's own subtree (core.forms_places): the form sets `viewer`.
    address_region = PlaceField(label=_("Where the person lives"), levels=(STREET, VILLAGE))
    address_detail = forms.CharField(label=_("Address"), max_length=200, required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNIC_CHOICES, initial="01")
    political_status = forms.ChoiceField(label=_("Political status"), choices=POLITICAL_CHOICES, initial="13")
    education = forms.ChoiceField(label=_("Education"), choices=EDUCATION_CHOICES, required=False)
    health = forms.CharField(label=_("Health"), max_length=100, required=False)

    def field_for_error(self, exc: Exception) -> str | None:
        code = getattr(exc, "code", "") or ""
        return "id_number" if code.startswith("id_") else "phone" if code == "phone" else None


class PersonRegisterForm(PersonFields):
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18, widget=forms.TextInput(
        attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 18}),
        help_text=_("Date of birth and sex are read from it."))
    station = forms.ModelChoiceField(label=_("Station"), queryset=OrgUnit.objects.none(),
                                     help_text=_("The station that holds the dossier."))
    categories = forms.ModelMultipleChoiceField(label=_("Categories"), widget=forms.CheckboxSelectMultiple,
                                                queryset=Category.objects.filter(active=True))
    categories_from = forms.DateField(label=_("Categories held from"), initial=date.today,
                                      widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    arrival = forms.ChoiceField(label=_("Arrives on the books as"), initial=StatusChange.Kind.NEW, required=False,
                                choices=[(StatusChange.Kind.NEW, StatusChange.Kind.NEW.label),
                                         (StatusChange.Kind.MOVE_IN, _("Moved in from outside the system"))])

    field_order = ["name", "id_number", "phone", "station", "address_region", "address_detail", "ethnicity",
                   "political_status", "education", "health", "categories", "categories_from", "arrival"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = user.org_unit
        # The viewer's own unit, or a main unit (centre, station) of their subtree.
        mine = Q(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]) | (Q(pk=own.pk) if own else Q())
        units = OrgUnit.objects.visible_to(user).filter(mine)
        self.fields["station"].queryset = units.select_related("region").order_by("region_code", "kind", "id")
        self.fields["station"].initial = own.pk if own else None
        self.fields["address_region"].viewer, self.fields["address_region"].required = user, False
        self.fields["address_region"].help_text = _("Type part of the name (街道 or 社区) and choose a suggestion. "
                                                    "Leave blank for the station's own place.")

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number  # the same clear message as the service

    def registration(self) -> dict:
        """Keyword arguments for services.person_register."""
        data = self.cleaned_data
        fields = {name: data[name] for name in EDITABLE}
        fields["address_region"] = data["address_region"] or data["station"].region
        categories = [(category, data["categories_from"]) for category in data["categories"]]
        return {"station": data["station"], "id_number": data["id_number"], "categories": categories,
                "arrival": data["arrival"] or StatusChange.Kind.NEW, **fields}


class PersonEditForm(PersonFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    disability_grade = forms.TypedChoiceField(label=_("Disability grade"), required=False, coerce=int,
                                              empty_value=None, choices=[("", "—")] + [(n, f"{n}级") for n in
                                                                                       range(1, 11)])
    disability_cause = forms.ChoiceField(label=_("Disability cause"), required=False,
                                         choices=[("", "—"), *DISABILITY_CAUSE_CHOICES])
    disability_certificate = forms.CharField(label=_("Disability certificate no."), max_length=40, required=False)
    priority = forms.BooleanField(label=_("Priority person (一人一册)"), required=False)
    phone_alt = forms.CharField(label=_("Alternate phone"), max_length=40, required=False,
                                validators=[validate_phone], widget=forms.TextInput(attrs={"inputmode": "tel"}))
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["name", "phone", "clear_phone", "phone_alt"]

    def __init__(self, *args, person: Person, user, **kwargs):
        initial = {name: getattr(person, name) for name in EDITABLE + EDIT_ONLY
                   if name not in ("phone", "phone_alt")}
        kwargs["initial"] = initial | {"version": person.version}
        super().__init__(*args, **kwargs)
        # the place on file is kept as it is, even at a level the picker does not offer (a centre's own region)
        self.fields["address_region"].viewer, self.fields["address_region"].kept = user, person.address_region.code
        self.had_phone = bool(person.phone)
        if self.had_phone:
            self.fields["phone"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                "masked": escape(mask_phone(person.phone))}  # _form.html marks help text safe
        else:
            del self.fields["clear_phone"]
        self.had_phone_alt = bool(person.phone_alt)
        if self.had_phone_alt:  # shown masked like the phone; blank keeps it
            self.fields["phone_alt"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                "masked": escape(mask_phone(person.phone_alt))}

    def changes(self) -> dict:
        """Keyword arguments for services.person_update: a blank phone keeps the stored one."""
        data = {name: self.cleaned_data[name] for name in EDITABLE + EDIT_ONLY}
        if self.had_phone and not data["phone"] and not self.cleaned_data.get("clear_phone"):
            del data["phone"]
        if self.had_phone_alt and not data["phone_alt"]:
            del data["phone_alt"]
        return data
