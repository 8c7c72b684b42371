"""One rule for "this ID number is already on file", used by the registration form, the API and the
ledger import alike (decision 0009).

A number held at the registering station is a second registration (the import counts it unchanged).
A number held at another station the worker may open is named, with the way on: open that dossier or
transfer it. A number held outside the worker's area is refused with a neutral message that names
nothing outside the area, and offers a 转入申请: a transfer request that the holding station decides.
Each refusal of the last kind is an audited read on the holding dossier, so probing numbers shows in
the audit log and on that dossier's timeline.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from rongjia.core.audit import log_access
from rongjia.core.scoping import covers_code

from .models import Person


@dataclass(frozen=True)
class OnFile:
    person_id: int
    here: bool  # held by the registering station itself
    station_name: str  # the holding station, when the worker may see it; "" when it lies outside the area

    @property
    def outside(self) -> bool:
        return not self.here and not self.station_name

    def refusal(self) -> str:
        if self.here:
            return _("This ID number is already registered at this station.")
        if self.station_name:
            return _("This ID number is already on file at %(station)s: open that dossier, or transfer it to this "
                     "station.") % {"station": self.station_name}
        return _("This ID number is already on file at a station outside your area, so nothing was registered. "
                 "You can request a transfer here (转入申请); the station that holds the dossier decides.")

    def refusal_on_page(self) -> str:
        """The refusal as the registration page shows it: in the worker's area, with a link to the dossier on
        file (the worker may open it anyway); outside it, the neutral words alone, naming no one. The API and
        the import keep the plain `refusal()`."""
        if self.outside:
            return self.refusal()
        return format_html('{} <a href="{}">{}</a>', self.refusal(),
                           reverse("people:person_detail", args=[self.person_id]), _("Open the dossier on file"))


class NumberOnFile(ValidationError):
    """The refusal, carrying where the number is on file (the page offers a 转入申请 when it is outside)."""

    def __init__(self, on_file: OnFile):
        super().__init__({"id_number": on_file.refusal()})
        self.on_file = on_file


def numbers_on_file(actor, hashes) -> dict[str, list[tuple[int, int, str]]]:
    """For each ID hash already on file anywhere: (person, station, the station's name if the actor may see it)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    rows = Person.objects.filter(id_hash__in=set(hashes)).values_list("id_hash", "pk", "station_id",
                                                                       "station__region_code", "station__name")
    for digest, pk, station_id, code, name in rows.order_by("pk"):
        found.setdefault(digest, []).append((pk, station_id, name if covers_code(actor, code) else ""))
    return found


def on_file_at(holders: list[tuple[int, int, str]], station_id: int) -> OnFile:
    """The holder that matters for a registration at `station_id`: the station's own, one the actor sees, any."""
    here = [h for h in holders if h[1] == station_id]
    seen = [h for h in holders if h[2]]
    pk, _station, name = (here or seen or holders)[0]
    return OnFile(pk, bool(here), name)


def audit_refusals(actor, refused: list[OnFile], *, station_name: str) -> None:
    """Each refusal on a dossier outside the area is an audited read of that dossier (who asked, from where)."""
    people = Person.objects.in_bulk([entry.person_id for entry in refused if entry.outside])
    for person in people.values():
        log_access(actor=actor, obj=person, what="number_check",
                   reason=_("Registration refused at %(station)s: the number is on file here") % {
                       "station": station_name})
