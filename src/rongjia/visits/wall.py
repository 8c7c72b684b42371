"""The honour wall (荣誉墙) of a station: model veterans with their photo and story, shown on the station's page
through core's registry (registered in VisitsConfig.ready)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.audit import audit_actor
from rongjia.core.contributions import StationContribution, StationSection
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.core.uploads import image_as_small_jpeg
from rongjia.people.models import Person

from .models import HonourEntry

PHOTO_MAX_SIDE = 800


def wall_of(viewer, unit: OrgUnit):
    return HonourEntry.objects.visible_to(viewer).filter(unit=unit).select_related("person")


def honour_add(*, actor, unit: OrgUnit, name: str, title: str, story: str, person_id: int | None = None,
               photo=None, position: int = 0) -> HonourEntry:
    """Put a model veteran on the wall of a station in the actor's scope (the person, if on file, in scope too)."""
    if not actor.can("visits.record"):
        raise PermissionDenied
    unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
    person = None
    if person_id:
        person = Person.objects.visible_to(actor).filter(pk=person_id).first()
        if person is None:
            raise ValidationError({"person": _("This person has no dossier in your area.")})
    jpeg = image_as_small_jpeg(photo, max_side=PHOTO_MAX_SIDE, field="photo",
                               unreadable=_("Upload a JPEG or PNG photo."))[0] if photo else None
    entry = HonourEntry(unit=unit, region_code=unit.region_code, person=person, name=name.strip(),
                        title=title.strip(), story=story.strip(), position=position, created_by=actor)
    entry.full_clean(exclude=["created_by", "photo"])
    with transaction.atomic(), audit_actor(actor):
        if jpeg:
            entry.photo.save("photo.jpg", ContentFile(jpeg), save=False)
        entry.save()
    return entry


def honour_remove(*, actor, entry_id: int) -> None:
    if not actor.can("visits.record"):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        entry = get_visible_or_404(HonourEntry.objects.all(), actor, pk=entry_id)
        name = entry.photo.name
        entry.delete()
        if name:
            transaction.on_commit(lambda: entry.photo.storage.delete(name))


def wall_section(viewer, unit) -> StationSection | None:
    entries = list(wall_of(viewer, unit)[:24])
    if not entries:
        return None
    return StationSection("honour_wall", str(TITLE), "visits/_honour_wall.html", {"entries": entries, "unit": unit})


TITLE = gettext_lazy("Honour wall")
STATION = StationContribution(key="honour_wall", capability="visits.view", section=wall_section, order=10)
