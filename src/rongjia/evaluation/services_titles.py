"""Targets, titles and pairings: a centre's target shares of starred stations, the 示范点/标杆型/红色精品 titles its
stations hold, and 结对共建 of a strong station with a weak one, with their joint tasks. Each write checks the actor,
validates with a message in Chinese and is audited."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import get_visible_or_404
from rongjia.network.selectors import MAIN_KINDS

from .models import Designation, JointTask, Pairing, Target
from .services import own_prefix, require


def _station(actor, pk, field: str) -> OrgUnit:
    unit = OrgUnit.objects.visible_to(actor).filter(pk=pk, kind__in=MAIN_KINDS).first() if pk else None
    if unit is None or unit.pk == actor.org_unit_id:
        raise ValidationError({field: _("Choose a station in your area.")})
    return unit


def target_create(*, actor, name: str, levels: list[int], min_stars: int, share, each_below: bool, by_year: int,
                  source: str = "") -> Target:
    require(actor, "evaluation.manage")
    levels = sorted({int(level) for level in levels or []})
    if not levels or any(level <= actor.org_unit.level or level > 5 for level in levels):
        raise ValidationError({"levels": _("Choose the levels of the stations below your unit it counts.")})
    try:
        share = Decimal(str(share)) / 100
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": _("Give the share as a percentage.")}) from None
    target = Target(owner=actor.org_unit, jurisdiction_code=own_prefix(actor), name=(name or "").strip(),
                    levels=levels, min_stars=min_stars, share=share, each_below=bool(each_below), by_year=by_year,
                    source=(source or "").strip())
    target.full_clean()
    with transaction.atomic(), audit_actor(actor):
        target.save()
    return target


def designation_confer(*, actor, unit_id: int, kind: str, conferred_by: str, conferred_on: date,
                       note: str = "") -> Designation:
    require(actor, "evaluation.manage")
    unit = _station(actor, unit_id, "unit")
    designation = Designation(unit=unit, region_code=unit.region_code, kind=kind,
                              conferred_by=(conferred_by or "").strip(), conferred_on=conferred_on,
                              note=(note or "").strip(), created_by=actor)
    designation.full_clean()
    with transaction.atomic(), audit_actor(actor):
        if Designation.objects.filter(unit=unit, kind=kind, ends_on__isnull=True).exists():
            raise ValidationError(_("The station already holds this title."))
        designation.save()
    return designation


def designation_end(*, actor, designation_id: int, ends_on: date, note: str) -> Designation:
    """A title withdrawn (or expired), with the day and the reason; the record stays in the station's history."""
    require(actor, "evaluation.manage")
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    with transaction.atomic(), audit_actor(actor):
        designation = get_visible_or_404(Designation.objects.select_for_update(), actor, pk=designation_id)
        if designation.ends_on is not None:
            raise ValidationError(_("This title has already ended."))
        if ends_on is None or ends_on < designation.conferred_on:
            raise ValidationError({"ends_on": _("A title ends on or after the day it was conferred.")})
        designation.ends_on, designation.note = ends_on, note.strip()[:200]
        designation.save(update_fields=["ends_on", "note"])
    return designation


def pairing_create(*, actor, strong_id: int, weak_id: int, started_on: date, goal: str) -> Pairing:
    require(actor, "evaluation.manage")
    strong, weak = _station(actor, strong_id, "strong"), _station(actor, weak_id, "weak")
    if strong.pk == weak.pk:
        raise ValidationError({"weak": _("A station cannot be paired with itself.")})
    pairing = Pairing(owner=actor.org_unit, strong=strong, weak=weak, strong_code=strong.region_code,
                      weak_code=weak.region_code, started_on=started_on, goal=(goal or "").strip(), created_by=actor)
    pairing.full_clean()
    with transaction.atomic(), audit_actor(actor):
        if Pairing.objects.filter(strong=strong, weak=weak, ended_on__isnull=True).exists():
            raise ValidationError(_("These two stations are already paired."))
        pairing.save()
    return pairing


def joint_task_add(*, actor, pairing_id: int, title: str, due_on: date) -> JointTask:
    require(actor, "evaluation.manage")
    pairing = get_visible_or_404(Pairing, actor, pk=pairing_id)
    task = JointTask(pairing=pairing, title=(title or "").strip(), due_on=due_on)
    task.full_clean()
    with transaction.atomic(), audit_actor(actor):
        task.save()
    return task


def joint_task_done(*, actor, task_id: int, done_on: date) -> JointTask:
    """Either station of the pair (or the centre) records a joint task done."""
    if not (actor.can("evaluation.manage") or actor.can("evaluation.view")):
        raise PermissionDenied
    with transaction.atomic(), audit_actor(actor):
        task = get_visible_or_404(JointTask.objects.select_for_update(of=("self",)).select_related("pairing"), actor,
                                  pk=task_id)
        if done_on is None or done_on < task.pairing.started_on:
            raise ValidationError({"done_on": _("Give the day it was done.")})
        task.done_on = done_on
        task.save(update_fields=["done_on"])
    return task
