"""Forms of the job seekers' pages: the list filter (every value validated, an invalid one shown and ignored, never
a 500) and the forms whose input goes to the services as it is; the services decide what is allowed and their
refusals come back on the field they name (`ServiceErrors`)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.forms import DayInput, ServiceErrors, Styled
from rongjia.core.models import OrgUnit
from rongjia.people.models import Person
from rongjia.people.selectors import person_name_q

from .models import DrivingLicence, MilitarySpeciality, Sector, Seeker, Skill
from .selectors_seekers import SORTS, wanted_places

ALL = pgettext_lazy("filter", "All")
SORT_LABELS = {"": pgettext_lazy("person name", "Name"), "-updated": _("Last changed first"),
               "station": _("By station"), "available": _("Available soonest first"),
               "-created": _("Newest profiles first")}
MOST_STATIONS = 500


def station_choices(viewer) -> list[tuple[str, str]]:
    """The centres and stations of the viewer's area for `?region=` (validated by the view)."""
    units = list(OrgUnit.objects.visible_to(viewer).filter(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
                 .order_by("region_code").values_list("region_code", "name")[:MOST_STATIONS])
    return [("", pgettext_lazy("filter", "All stations")), *units]


class SeekerFilterForm(Styled, forms.Form):
    q = forms.CharField(label=pgettext_lazy("person name", "Name"), required=False, max_length=40,
                        help_text=_("Part of the name, or pinyin initials."))
    status = forms.ChoiceField(label=pgettext_lazy("seeker", "Status"), required=False,
                               choices=[("", ALL), *Seeker.Status.choices])
    source = forms.ChoiceField(label=_("How the profile began"), required=False,
                               choices=[("", ALL), *Seeker.Source.choices])
    skill = forms.ModelChoiceField(label=pgettext_lazy("seeker", "Skill"), required=False,
                                   queryset=Skill.objects.filter(active=True),
                                   empty_label=pgettext_lazy("filter", "All skills"))
    region = forms.CharField(label=_("Station"), required=False, max_length=12, widget=forms.Select())
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = station_choices(viewer)

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def apply(self, rows):
        """`rows` narrowed by the filters (the region one is the view's: it 404s outside the scope)."""
        f = self.filters()
        q = (f["q"] or "").strip()
        if q:
            rows = rows.filter(person__in=Person.objects.filter(person_name_q(q)))
        if f["status"]:
            rows = rows.filter(status=f["status"])
        if f["source"]:
            rows = rows.filter(source=f["source"])
        if f["skill"]:
            rows = rows.filter(skills=f["skill"])
        return rows.order_by(*SORTS[f["sort"] or ""])


def _choice(label, model):
    return forms.ModelMultipleChoiceField(label=label, required=False, queryset=model.objects.filter(active=True),
                                          widget=forms.CheckboxSelectMultiple)


class SeekerForm(ServiceErrors, Styled, forms.Form):
    """A profile's fields; `version` only when editing."""

    status = forms.ChoiceField(label=pgettext_lazy("seeker", "Status"),
                               choices=[c for c in Seeker.Status.choices if c[0] != Seeker.Status.OFFERED])
    reason = forms.CharField(label=_("Why not seeking work now"), max_length=200, required=False,
                             help_text=_("Needed when the person does not seek work now: 升学, 已就业, 暂不就业…"))
    wanted_work = forms.CharField(label=_("Work wanted"), max_length=100, required=False)
    wanted_place = forms.ModelChoiceField(label=_("Place wanted"), required=False, queryset=None,
                                          empty_label=_("Near home (the home county)"))
    wanted_pay = forms.IntegerField(label=_("Pay wanted (yuan a month)"), required=False, min_value=0,
                                    max_value=1_000_000)
    wanted_sectors = _choice(_("Sectors wanted"), Sector)
    skills = _choice(_("Skills"), Skill)
    specialities = _choice(_("Military specialities"), MilitarySpeciality)
    driving_licence = forms.ChoiceField(label=_("Driving licence"), required=False,
                                        choices=[("", _("None")), *DrivingLicence.choices])
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DayInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, home_code: str, seeker: Seeker | None = None, **kwargs):
        if seeker is not None:
            kwargs.setdefault("initial", {
                "status": seeker.status if seeker.status != Seeker.Status.OFFERED else Seeker.Status.SEEKING,
                "reason": seeker.reason, "wanted_work": seeker.wanted_work, "wanted_place": seeker.wanted_place_id,
                "wanted_pay": seeker.wanted_pay, "wanted_sectors": list(seeker.wanted_sectors.all()),
                "skills": list(seeker.skills.all()), "specialities": list(seeker.specialities.all()),
                "driving_licence": seeker.driving_licence, "available_from": seeker.available_from,
                "note": seeker.note, "version": seeker.version})
        super().__init__(*args, **kwargs)
        self.fields["wanted_place"].queryset = wanted_places(home_code)
        self.fields["specialities"].help_text = _("Their civilian skills are added to the skills.")
        if seeker is None:
            del self.fields["version"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("wanted_sectors", "skills", "specialities"):
            data[name] = list(data[name])
        return data


class CertificateForm(ServiceErrors, Styled, forms.Form):
    name = forms.CharField(label=_("Certificate"), max_length=60)
    number = forms.CharField(label=_("Certificate no."), max_length=40, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DayInput())


class VersionForm(ServiceErrors, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
