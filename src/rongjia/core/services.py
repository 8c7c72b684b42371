"""Every write to regions and organisation units (DESIGN.md rule 2)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from .audit import audit_actor
from .errors import StaleVersion
from .models import CalendarDay, OrgUnit, Region
from .regions import COUNTY, PREFIX_LENGTH, PROVINCE
from .scoping import admin_prefix, admin_subtree_q, get_visible_or_404
from .signals import announce_holidays_changed
from .validators import validate_reference_name

ORG_UNIT_EDITABLE_FIELDS = ("name", "address", "phone", "opening_hours")


def org_unit_update(*, actor, unit: OrgUnit, version: int, **changes) -> OrgUnit:
    """Edit a unit's basic details. `version` is the one the editor loaded; a stale one is refused.

    Raises Http404 outside the actor's scope, PermissionDenied without org.edit,
    ValidationError on bad values and StaleVersion on a lost update; nothing is saved then.
    """
    unknown = set(changes) - set(ORG_UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(OrgUnit.objects.select_for_update(), actor, pk=unit.pk)
        if not actor.can("org.edit"):
            raise PermissionDenied
        if locked.version != version:
            raise StaleVersion
        before = {field: getattr(locked, field) for field in changes}
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
        changed = [field for field in changes if getattr(locked, field) != before[field]]
        if changed:
            locked.version += 1
            locked.save(update_fields=[*changed, "version", "updated_at"])
    return locked


def edits_country_wide_reference(user) -> bool:
    """Whether `user` may change reference data that is one table for every county: categories, tags,
    holidays, and the regions above the county (province, city). A county's administrator changing
    them would change every other county's, so that takes a system administrator at province level."""
    prefix = admin_prefix(user)
    return prefix is not None and len(prefix) <= PREFIX_LENGTH[PROVINCE] and user.can("reference.manage")


def may_edit_region(user, region: Region) -> bool:
    """Inside the administrator's subtree (checked by the caller), a county, township or village is its own
    subtree's business; the regions above the county (province, city) are country-wide."""
    return user.can("reference.manage") and (region.level >= COUNTY or edits_country_wide_reference(user))


def refuse_unless_country_wide(actor) -> None:
    if not edits_country_wide_reference(actor):
        raise PermissionDenied


def region_update(*, actor, region: Region, name: str, valid_to=None) -> Region:
    """Reference data: rename a region or close it (valid_to) after a boundary change.

    Raises Http404 outside the administrator's subtree, PermissionDenied for a region it may not
    edit (see may_edit_region) and ValidationError on a bad name; nothing is saved then.
    """
    if not actor.can("reference.manage"):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        locked = Region.objects.select_for_update().filter(admin_subtree_q(actor, "code"), pk=region.pk).first()
        if locked is None:
            raise Http404
        if not may_edit_region(actor, locked):
            raise PermissionDenied
        validate_reference_name(name.strip(), field="name")
        locked.name = name.strip()
        locked.valid_to = valid_to
        locked.full_clean(exclude=["parent"], validate_unique=False)
        locked.save(update_fields=["name", "valid_to"])
    return locked


def org_unit_create_extra(*, actor, region: Region, kind: str, name: str, **details) -> OrgUnit:
    """Open a 派驻站 (hosted in a hospital, school, park…) or 流动服务站 beside the region's station.

    `actor` None means a set-up command (seed_demo); a person needs org.edit over the region.
    """
    if kind not in (OrgUnit.Kind.RESIDENT, OrgUnit.Kind.MOBILE):
        raise ValueError("only resident and mobile stations are opened by hand")
    if actor is not None:
        get_visible_or_404(Region.objects.all(), actor, pk=region.pk)
        if not actor.can("org.edit"):
            raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        unit = OrgUnit(region=region, region_code=region.code, level=region.level, kind=kind, name=name, **details)
        unit.full_clean()
        unit.save()
    return unit


def calendar_day_save(*, actor, day, kind: str, name: str = "") -> CalendarDay:
    """Enter or change one day of a holiday notice (a holiday, or a 调休 working weekend day): country-wide."""
    refuse_unless_country_wide(actor)
    validate_reference_name(name.strip(), field="name")
    with transaction.atomic(), audit_actor(actor):
        entry = CalendarDay.objects.select_for_update().filter(date=day).first() or CalendarDay(date=day)
        entry.kind, entry.name = kind, name.strip()
        entry.full_clean(validate_unique=False)
        entry.save()
        transaction.on_commit(lambda: announce_holidays_changed([entry.date.year]))
    return entry


def calendar_day_remove(*, actor, day) -> None:
    refuse_unless_country_wide(actor)
    with transaction.atomic(), audit_actor(actor):
        CalendarDay.objects.filter(date=day).delete()
        transaction.on_commit(lambda: announce_holidays_changed([day.year]))
