"""Inspections (seed 003 (二十六)): 抽查 draws a sample of lower stations at random and records the seed, so anyone
can draw the same sample again from the same population; 互检 sends one district's team to another's stations. The
team scores each station against the checklist (the scores feed the evaluation) and records findings with photos;
a finding becomes a 整改 task for the station."""

import random
import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, covers_code, get_visible_or_404, scope_prefix, subtree_q
from rongjia.core.uploads import image_as_small_jpeg
from rongjia.network.services import rectification_record

from .models import Finding, Inspection, InspectionTarget, Kind
from .services import task_assign
from .targets import MAIN_KINDS, Target

RECTIFY_DAYS = 30


def population(prefix: str, level: int):
    """The units a sample is drawn from: the main units of one level under a region, in a fixed order."""
    return (OrgUnit.objects.filter(subtree_q("region_code", prefix), level=level, kind__in=MAIN_KINDS)
            .order_by("region_code", "id").values_list("pk", flat=True))


def draw(unit_ids: list[int], size: int, seed: int) -> list[int]:
    """The sample: the same ids, size and seed always give the same units."""
    return sorted(random.Random(seed).sample(unit_ids, min(size, len(unit_ids))))


def parse_checklist(text: str) -> list[dict]:
    """One item per line, "item | points" (10 points when left out)."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, _sep, points = (part.strip() for part in line.partition("|"))
        if not label or (points and not points.isdigit()) or int(points or 10) > 100:
            raise ValidationError({"checklist_text": _("Line %(n)d: write “item | points (1–100)”.") % {"n": number}})
        items.append({"item": label[:200], "max": int(points or 10)})
    if not items:
        raise ValidationError({"checklist_text": _("Write at least one checklist item.")})
    return items


def inspection_plan(*, actor, kind: str, title: str, population_prefix: str, population_level: int,
                    sample_size: int, checklist: list[dict], starts_on: date, ends_on: date,
                    inspector: OrgUnit | None = None, seed: int | None = None) -> Inspection:
    """Draw the sample and record it. 抽查: the organiser's team inspects its own subtree. 互检: a peer unit under
    the organiser (another district) inspects a region that is not its own."""
    if not actor.can("worklist.assign"):
        raise PermissionDenied
    own = actor.org_unit
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("Choose spot check or cross-check.")})
    if not population_prefix.isdigit() or not covers_code(actor, population_prefix) \
            or len(population_prefix) not in PREFIX_LENGTH.values():
        raise ValidationError({"population_prefix": _("Draw from a region inside your area.")})
    if population_level <= own.level:
        raise ValidationError({"population_level": _("Draw units below your own level.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    inspector = inspector or own
    if kind == Inspection.Kind.CROSS:
        if inspector.pk == own.pk or not covers_code(actor, inspector.region_code):
            raise ValidationError({"inspector": _("A cross-check is made by another unit below you.")})
        team_prefix = inspector.region_code[:PREFIX_LENGTH[inspector.level]]
        if code_in_subtree(population_prefix, team_prefix) or code_in_subtree(team_prefix, population_prefix):
            raise ValidationError({"inspector": _("A cross-check team does not inspect its own area.")})
    elif inspector.pk != own.pk:
        raise ValidationError({"inspector": _("A spot check is made by the organising unit itself.")})
    ids = list(population(population_prefix, population_level))
    if not ids:
        raise ValidationError({"population_level": _("No unit of this level in the region.")})
    seed = seed if seed is not None else secrets.randbelow(2**62)
    with transaction.atomic(), audit_actor(actor):
        inspection = Inspection(kind=kind, title=title.strip(), issuer=own, issuer_code=own.region_code,
                                inspector=inspector, inspector_code=inspector.region_code,
                                population_prefix=population_prefix, population_level=population_level,
                                population_size=len(ids), sample_size=sample_size, seed=seed, checklist=checklist,
                                starts_on=starts_on, ends_on=ends_on, created_by=actor)
        inspection.full_clean(exclude=["issuer", "inspector"])
        inspection.save()
        codes = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "region_code"))
        InspectionTarget.objects.bulk_create(
            InspectionTarget(inspection=inspection, unit_id=pk, region_code=codes[pk])
            for pk in draw(ids, sample_size, seed))
    return inspection


def redraw(inspection: Inspection) -> list[int]:
    """The sample drawn again from the recorded population and seed (a check anyone can make)."""
    ids = list(population(inspection.population_prefix, inspection.population_level))
    return draw(ids, inspection.sample_size, inspection.seed)


def _may_inspect(actor, inspection: Inspection) -> None:
    prefix = scope_prefix(actor)
    team = prefix is not None and (code_in_subtree(inspection.inspector_code, prefix)
                                   or code_in_subtree(inspection.issuer_code, prefix))
    if not team or not actor.can("worklist.review"):
        raise PermissionDenied
    if inspection.state != Inspection.State.PLANNED:
        raise ValidationError(_("The inspection is closed."))


def _target(actor, target_id: int, *, lock: bool = False) -> InspectionTarget:
    targets = InspectionTarget.objects.select_related("inspection", "unit")
    target = targets.filter(pk=target_id, inspection__in=Inspection.objects.visible_to(actor)).first()
    if target is None:
        raise Http404
    _may_inspect(actor, target.inspection)
    return InspectionTarget.objects.select_for_update().select_related("inspection", "unit").get(pk=target.pk) \
        if lock else target


def target_score(*, actor, target_id: int, scores: dict, version: int | None = None) -> InspectionTarget:
    """Score a station item by item against the checklist; each item from 0 to its points."""
    with transaction.atomic(), audit_actor(actor):
        target = _target(actor, target_id, lock=True)
        if version is not None and target.version != version:
            raise StaleVersion
        checklist, cleaned, errors = target.inspection.checklist, {}, []
        for index, item in enumerate(checklist):
            raw = str(scores.get(str(index), "")).strip()
            if not raw:
                errors.append(_("Score “%(item)s”.") % {"item": item["item"]})
                continue
            try:
                points = float(raw)
            except ValueError:
                points = -1
            if not 0 <= points <= item["max"]:
                errors.append(_("“%(item)s” scores from 0 to %(max)d.") % {"item": item["item"], "max": item["max"]})
                continue
            cleaned[str(index)] = points
        if errors:
            raise ValidationError({"scores": errors})
        target.scores, target.score = cleaned, round(sum(cleaned.values()), 1)
        target.scored_at, target.version = timezone.now(), target.version + 1
        target.save(update_fields=["scores", "score", "scored_at", "version"])
    return target


def finding_add(*, actor, target_id: int, text: str, photo=None) -> Finding:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was found.")})
    content = image_as_small_jpeg(photo, max_side=1600, field="photo", unreadable=_(
        "The photo must be a JPEG or PNG picture."))[0] if photo else None
    with transaction.atomic(), audit_actor(actor):
        target = _target(actor, target_id)
        finding = Finding(target=target, text=text[:300], created_by=actor)
        if content:
            finding.photo.save("finding.jpg", ContentFile(content), save=False)
        finding.save()
    return finding


def finding_rectify(*, actor, finding_id: int, due_on: date | None = None) -> Finding:
    """The finding becomes an item to put right at the station (network) and a 整改 task asking for the fix's
    evidence (a photo); accepting it closes the item. A finding is turned into a task once."""
    with transaction.atomic(), audit_actor(actor):
        finding = Finding.objects.select_for_update().filter(pk=finding_id).first()
        if finding is None:
            raise Http404
        target = _target(actor, finding.target_id)
        if finding.task_id:
            raise ValidationError(_("This finding is already a rectification task."))
        if not actor.can("worklist.assign") or not covers_code(actor, target.region_code):
            raise PermissionDenied
        reason = _("Inspection “%(title)s”: %(text)s") % {"title": target.inspection.title, "text": finding.text}
        item = rectification_record(actor=actor, unit=target.unit, reason=reason[:300])
        finding.task = task_assign(
            actor=actor, title=_("Rectify: %(text)s") % {"text": finding.text[:100]}, kind=Kind.RECTIFICATION,
            instructions=reason, due_on=due_on or timezone.localdate() + timedelta(days=RECTIFY_DAYS),
            target=Target(units=[target.unit_id]), needs_photos=True, rectification=item)
        finding.save(update_fields=["task"])
    return finding


def inspection_close(*, actor, inspection_id: int) -> Inspection:
    with transaction.atomic(), audit_actor(actor):
        inspection = get_visible_or_404(Inspection.objects.select_for_update(), actor, pk=inspection_id)
        _may_inspect(actor, inspection)
        if inspection.targets.filter(score__isnull=True).exists():
            raise ValidationError(_("Score every station drawn before closing."))
        inspection.state = Inspection.State.CLOSED
        inspection.save(update_fields=["state"])
    return inspection


def to_score(viewer):
    """Inspections under way that the viewer's unit makes, with a station not yet scored."""
    if viewer.org_unit_id is None:
        return Inspection.objects.none()
    return (Inspection.objects.visible_to(viewer).filter(inspector_id=viewer.org_unit_id,
                                                         state=Inspection.State.PLANNED)
            .filter(targets__score__isnull=True).distinct())
