"""Every write of the service network (DESIGN.md rule 2): keyword-only, scoped, checked,
atomic, audited by django-auditlog in the same transaction."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.regions import VILLAGE
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.core.uploads import image_open, refuse_if_too_big

from .facts import ChecklistBook
from .models import (
    ChecklistEntry,
    ChecklistItem,
    Grid,
    Rectification,
    StaffMember,
    Standard,
    StationProfile,
    TrainingRecord,
)

PROFILE_FIELDS = ("area_m2", "established_posts", "annual_funding", "brand_name", "honours")

# What an evidence file may be, told by its first bytes rather than by its name.
EVIDENCE_SIGNATURES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png", b"%PDF-": ".pdf"}


def _editable_unit(actor, unit: OrgUnit, capability: str = "org.edit") -> OrgUnit:
    """The unit, if the actor sees it (else 404) and may edit it (else 403)."""
    unit = get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
    if not actor.can(capability):
        raise PermissionDenied
    return unit


def profile_update(*, actor, unit: OrgUnit, version: int, **changes) -> StationProfile:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        unit = _editable_unit(actor, unit)
        profile, _created = StationProfile.objects.select_for_update().get_or_create(unit=unit)
        if profile.version != version:
            raise StaleVersion
        for name, value in changes.items():
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
        profile.full_clean(exclude=["unit"])
        profile.version += 1
        profile.save()
    return profile


def evidence_check(upload: UploadedFile) -> str:
    """The file's extension by content; a clear error for anything else, anything too big, or an image
    of too many pixels (it is opened in the viewer's browser)."""
    refuse_if_too_big(upload)
    head = upload.read(16)
    upload.seek(0)
    wrong_type = _("Only JPEG or PNG photos and PDF files can be uploaded.")
    for signature, extension in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            if extension != ".pdf":
                image_open(upload, unreadable=wrong_type)
                upload.seek(0)
            return extension
    raise ValidationError(wrong_type, code="file_type")


def checklist_entry_save(*, actor, unit: OrgUnit, item: ChecklistItem, met: bool, note: str = "",
                         evidence: UploadedFile | None = None) -> ChecklistEntry:
    """Tick (or untick) one 五有 or display item for a unit, optionally with new evidence."""
    unit = _editable_unit(actor, unit)
    if item not in ChecklistBook(item.kind).items_for(unit.region_code, unit.level):
        raise ValidationError(_("This item is not on the list of the unit's jurisdiction."))
    extension = evidence_check(evidence) if evidence else None
    with transaction.atomic(), audit_actor(actor):
        entry, _created = ChecklistEntry.objects.select_for_update().get_or_create(unit=unit, item=item)
        entry.met, entry.note, entry.updated_by = met, note.strip(), actor
        if evidence:
            # A generated name: the uploader's file name is kept only as a label.
            entry.evidence.save(f"{uuid.uuid4().hex}{extension}", evidence, save=False)
            entry.evidence_name = (evidence.name or "")[-200:]
        entry.full_clean(exclude=["unit", "item", "updated_by"])
        entry.save()
    return entry


def standard_create(*, actor, jurisdiction_code: str, level: int, effective_from: date,
                    min_area_m2=None, min_staff=None, min_full_time_staff=None, note: str = "") -> Standard:
    """Centre staff set a new standard for their own jurisdiction or one below it.

    Standards are never edited in place: a change is a new standard with a later date, so
    the flags of any past day can be explained.
    """
    if not actor.can("network.standards"):
        raise PermissionDenied
    if not jurisdiction_code.isdigit() or not covers_code(actor, jurisdiction_code.ljust(12, "0")):
        raise ValidationError({"jurisdiction_code": _("Choose a jurisdiction inside your own.")})
    standard = Standard(jurisdiction_code=jurisdiction_code, level=level, effective_from=effective_from,
                        min_area_m2=min_area_m2, min_staff=min_staff, min_full_time_staff=min_full_time_staff,
                        note=note.strip(), created_by=actor)
    with transaction.atomic(), audit_actor(actor):
        standard.full_clean(exclude=["created_by"])
        standard.save()
    return standard


def standard_withdraw(*, actor, standard: Standard) -> None:
    """Take back a standard that has not come into force yet; one in force stays as history."""
    if not actor.can("network.standards") or not covers_code(actor, standard.jurisdiction_code.ljust(12, "0")):
        raise PermissionDenied
    if standard.effective_from <= timezone.localdate():
        raise ValidationError(_("A standard already in force cannot be withdrawn; set a new one instead."))
    with transaction.atomic(), audit_actor(actor):
        standard.delete()


def rectification_record(*, actor, unit: OrgUnit, reason: str) -> Rectification:
    """Record an item to put right; the same open reason is not recorded twice."""
    unit = _editable_unit(actor, unit)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what must be put right.")})
    with transaction.atomic(), audit_actor(actor):
        if Rectification.objects.filter(unit=unit, reason=reason, status=Rectification.Status.OPEN).exists():
            raise ValidationError(_("This item is already open for the unit."))
        return Rectification.objects.create(unit=unit, reason=reason[:300], created_by=actor)


def rectification_close(*, actor, rectification: Rectification) -> Rectification:
    """Mark an item put right (the worklist does, when the unit's evidence of the fix is accepted)."""
    with transaction.atomic(), audit_actor(actor):
        item = get_visible_or_404(Rectification.objects.select_for_update(of=("self",)), actor, pk=rectification.pk)
        if item.status != Rectification.Status.DONE:
            item.status = Rectification.Status.DONE
            item.save(update_fields=["status"])
        return item


def staff_save(*, actor, unit: OrgUnit, staff: StaffMember | None = None, **fields) -> StaffMember:
    """Add a staff member to a unit, or change one (name, post, employment, veteran, phone, in post)."""
    unit = _editable_unit(actor, unit)
    if staff is not None and staff.unit_id != unit.pk:
        raise PermissionDenied
    staff = staff or StaffMember(unit=unit)
    with transaction.atomic(), audit_actor(actor):
        for name, value in fields.items():
            setattr(staff, name, value.strip() if isinstance(value, str) else value)
        staff.full_clean(exclude=["unit"])
        staff.save()
    return staff


def training_add(*, actor, staff: StaffMember, date, course: str, hours) -> TrainingRecord:
    _editable_unit(actor, staff.unit)
    record = TrainingRecord(staff=staff, date=date, course=course.strip(), hours=hours)
    with transaction.atomic(), audit_actor(actor):
        record.full_clean(exclude=["staff"])
        record.save()
    return record


def grid_save(*, actor, unit: OrgUnit, name: str, worker=None, description: str = "", grid: Grid | None = None):
    """A grid inside a village station; its worker must belong to that station."""
    unit = _editable_unit(actor, unit)
    if unit.level != VILLAGE or not unit.is_main:
        raise ValidationError(_("Grids are drawn inside a village or community station."))
    if worker is not None and worker.org_unit_id != unit.pk:
        raise ValidationError({"worker": _("The grid worker must belong to this station.")})
    grid = grid or Grid(unit=unit)
    if grid.unit_id != unit.pk:
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        grid.name, grid.worker, grid.description = name.strip(), worker, description.strip()
        grid.full_clean(exclude=["worker"])  # with the unit, so a duplicate name is a form error, not a 500
        grid.save()
    return grid


def checklist_items_set(*, actor, kind: str, jurisdiction_code: str, names: list[str]) -> list[ChecklistItem]:
    """Define (or reword) a jurisdiction's 五有 list or display checklist, in order.

    Rewording keeps the units' answers; dropping an item that units have answered is refused,
    since their evidence would lose its meaning.
    """
    if not actor.can("network.standards"):
        raise PermissionDenied
    if not jurisdiction_code.isdigit() or not covers_code(actor, jurisdiction_code.ljust(12, "0")):
        raise ValidationError({"jurisdiction_code": _("Choose a jurisdiction inside your own.")})
    names = [name.strip() for name in names if name.strip()]
    if not names or any(len(name) > 100 for name in names) or len(set(names)) != len(names):
        raise ValidationError({"names": _("Give one item per line: distinct, at most 100 characters each.")})
    with transaction.atomic(), audit_actor(actor):
        existing = {i.position: i for i in ChecklistItem.objects.select_for_update().filter(
            kind=kind, jurisdiction_code=jurisdiction_code)}
        dropped = [item for position, item in existing.items() if position > len(names)]
        if any(item.entries.exists() for item in dropped):
            raise ValidationError(_("Items that stations have already answered cannot be removed."))
        for item in dropped:
            item.delete()
        items = []
        for position, name in enumerate(names, start=1):
            item = existing.get(position) or ChecklistItem(kind=kind, jurisdiction_code=jurisdiction_code,
                                                           position=position)
            if item.name != name:
                item.name = name
                item.full_clean()
                item.save()
            items.append(item)
    return items
