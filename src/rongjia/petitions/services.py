"""Every write of a petition: registration (with repeat, 越级 and collective detection) and each step."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.crypto import blind_index
from rongjia.core.deadlines import deadline
from rongjia.core.errors import StaleVersion
from rongjia.core.idnumber import parse_id_number
from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY
from rongjia.core.scoping import covers_code, get_visible_or_404
from rongjia.people.models import Person

from . import workflow
from .models import Petition, Petitioner, PetitionEvent
from .services_files import attachment_add


class IllegalStep(ValidationError):
    """A step the petition's state does not allow; carries the ones it does."""

    def __init__(self, message, allowed):
        super().__init__(message)
        self.allowed = allowed


def petitioner_hash(id_number: str) -> str:
    # The dossiers' purpose string: the same person is found across petitions and dossiers.
    return blind_index(id_number, purpose="person.id_number")


def _due(start: date, days: int, kind: str = "calendar") -> date:
    return deadline(start, days, kind).due


def petition_register(*, actor, unit: OrgUnit, channel: str, type: str, category: str, subject: str,
                      petitioners: list[dict], content: str = "", registered_on: date | None = None,
                      materials=()) -> Petition:
    """登记. Flags 重复信访 (same person, or same subject at the same unit, within 12 months), 越级 and 集体访.

    After 复核 the same matter (same person, same category) is not accepted again. `materials` are
    uploaded files (the letter, evidence): a bad one refuses the whole registration.
    """
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    get_visible_or_404(OrgUnit.objects.all(), actor, pk=unit.pk)
    if not petitioners:
        raise ValidationError({"petitioners": _("Name at least one petitioner.")})
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    people = [_petitioner(p) for p in petitioners]
    _link_dossiers(actor, people)
    hashes = {p.id_hash for p in people if p.id_hash}
    if hashes and Petition.objects.filter(petitioners__id_hash__in=hashes, category=category,
                                          state="rechecked").exists():
        raise ValidationError(_("This matter has been through 复核 (final review): it is not accepted again "
                                "(信访工作条例 Art. 36)."))
    with transaction.atomic(), audit_actor(actor):
        petition = Petition(unit=unit, region_code=unit.region_code, registered_at_unit=unit, channel=channel,
                            type=type, category=category, subject=subject.strip(), content=content.strip(),
                            registered_on=registered_on, registered_by=actor,
                            collective=len(people) >= workflow.COLLECTIVE_SIZE,
                            above_county=_above_county(unit, people),
                            due_on=_due(registered_on, workflow.ACCEPT_NOTICE_DAYS))
        petition.full_clean(exclude=["repeat_of", "registered_by"])
        petition.save()
        for person in people:
            person.petition = petition
        Petitioner.objects.bulk_create(people)
        since = registered_on - timedelta(days=365)
        earlier = Petition.objects.exclude(pk=petition.pk).filter(registered_on__gte=since)
        repeats = earlier.filter(petitioners__id_hash__in=hashes) if hashes else earlier.none()
        # The same matter without a known person: the same subject lodged at the same unit.
        repeats = repeats | earlier.filter(subject=petition.subject, registered_at_unit=unit)
        petition.repeat_of.set(set(repeats))
        _event(petition, actor, "register", "", "registered", "")
        for upload in materials:
            attachment_add(actor=actor, petition=petition, kind="material", upload=upload)
    return petition


def _petitioner(data: dict) -> Petitioner:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"petitioners": _("Each petitioner needs a name.")})
    number, home = (data.get("id_number") or "").strip(), ""
    digest = ""
    if number:
        try:
            facts = parse_id_number(number)
        except ValidationError as exc:
            raise ValidationError({"petitioners": [f"{name}：{exc.messages[0]}"]}) from None
        digest, home = petitioner_hash(facts.number), facts.region_code.ljust(12, "0")
    return Petitioner(name=name, id_hash=digest, person_id=data.get("person_id"),
                      home_region_code=data.get("home_region_code") or home)


def _link_dossiers(actor, people: list[Petitioner]) -> None:
    """A petitioner with a dossier in the registering worker's scope is linked to it (by the ID's hash)."""
    hashes = {p.id_hash for p in people if p.id_hash and not p.person_id}
    found = dict(Person.objects.visible_to(actor).filter(id_hash__in=hashes).values_list("id_hash", "pk"))
    for petitioner in people:
        petitioner.person_id = petitioner.person_id or found.get(petitioner.id_hash)


def _above_county(unit: OrgUnit, people: list[Petitioner]) -> bool:
    """越级: lodged at a city or province while the petitioner's own county is below it."""
    return unit.level < COUNTY and any(p.home_region_code for p in people)


def _event(petition, actor, action, from_state, to_state, note, **data) -> PetitionEvent:
    return PetitionEvent.objects.create(petition=petition, action=action, from_state=from_state, to_state=to_state,
                                        note=note, data=data, actor=actor, on=timezone.localdate())


def petition_transition(*, actor, petition: Petition, action: str, note: str = "", version: int | None = None,
                        **data) -> Petition:
    """Take one step of the lifecycle, if the state, the role and the window allow it."""
    step = workflow.STEPS.get(action)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Petition.objects.select_for_update(), actor, pk=petition.pk)
        if version is not None and locked.version != version:
            raise StaleVersion
        allowed = workflow.allowed_actions(locked.state)
        if step is None or locked.state not in step.sources:
            raise IllegalStep(_("“%(action)s” is not possible while the petition is “%(state)s”.") % {
                "action": action, "state": workflow.STATES.get(locked.state, locked.state)}, allowed)
        if not actor.can(step.capability):
            raise PermissionDenied
        note = (note or "").strip()
        if step.needs_note and not note:
            raise ValidationError({"note": _("Give the reason.")})
        today = timezone.localdate()
        _check_window(locked, step, today)
        _check_above(locked, step, actor)
        from_state = locked.state
        extra = APPLY[action](locked, actor, today, data)
        locked.state = step.target or locked.state
        if step.next_due:
            locked.due_on = _due(today, *step.next_due)
        locked.version += 1
        locked.save()
        _event(locked, actor, action, from_state, locked.state, note, **extra)
    return locked


def _check_window(petition: Petition, step: workflow.Step, today: date) -> None:
    if step.window is None:
        return
    field, days, kind = step.window
    anchor = getattr(petition, field)
    if anchor and today > _due(anchor, days, kind):
        raise ValidationError(_("Too late: this step had to come within %(days)d %(kind)s days of %(day)s.") % {
            "days": days, "kind": "工作日" if kind == "working" else "", "day": anchor.isoformat()})


def _check_above(petition: Petition, step: workflow.Step, actor) -> None:
    if step.above is None:
        return
    below = petition.unit
    if step.above == "reviewer":
        review = petition.events.filter(action="review_reply").order_by("-id").first()
        below = OrgUnit.objects.filter(pk=review.data.get("by_unit")).first() if review else None
        below = below or petition.unit
    own = actor.org_unit
    if own is None or own.level >= below.level:
        raise ValidationError(_("Only a centre above %(unit)s can take this step (%(step)s).") % {
            "unit": below.name, "step": step.label})


def _accept(petition, actor, today, data):
    petition.accepted_on = today
    return {}


def _assign(petition, actor, today, data):
    unit = data.get("unit")
    if not isinstance(unit, OrgUnit) or not covers_code(actor, unit.region_code):
        raise ValidationError({"unit": _("Choose the responsible unit inside your area.")})
    previous = petition.unit_id
    petition.unit, petition.region_code, petition.assigned_on = unit, unit.region_code, today
    return {"unit": unit.pk, "from_unit": previous}


def _object(petition, actor, today, data):
    """The responsible unit sends it back; the unit that assigned it takes it again."""
    assigner = PetitionEvent.objects.filter(petition=petition, action="assign").order_by("-id").first()
    back = OrgUnit.objects.get(pk=assigner.data.get("from_unit")) if assigner and assigner.data.get(
        "from_unit") else petition.registered_at_unit
    petition.unit, petition.region_code = back, back.region_code
    return {}


def _extend(petition, actor, today, data):
    days = int(data.get("days") or 0)
    if petition.extended_days:
        raise ValidationError(_("The handling period has been extended once already."))
    if not 1 <= days <= workflow.MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("An extension is 1 to 30 days.")})
    petition.extended_days = days
    petition.due_on = _due(petition.accepted_on, 60 + days)
    return {"days": days, "approver": actor.pk}


REPLY_MAX_CHARS = 5000


def _reply(petition, actor, today, data):
    """答复 (and the 复查/复核 answers): an outcome and the written reply, which is printed for the petitioner."""
    outcome = data.get("outcome", "")
    if outcome not in Petition.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the reply.")})
    text = (data.get("reply_text") or "").strip()
    if not text:
        raise ValidationError({"reply_text": _("Write the reply the petitioner will receive.")})
    if len(text) > REPLY_MAX_CHARS:
        raise ValidationError({"reply_text": _("The written reply is longer than %(n)d characters.") % {
            "n": REPLY_MAX_CHARS}})
    petition.outcome, petition.replied_on, petition.due_on, petition.reply_text = outcome, today, None, text
    return {"outcome": outcome, "reply_text": text}


def _revisit(petition, actor, today, data):
    satisfaction = data.get("satisfaction", "")
    if satisfaction not in Petition.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Record the petitioner's satisfaction.")})
    petition.satisfaction = satisfaction
    return {"satisfaction": satisfaction}


def _nothing(petition, actor, today, data):
    return {}


def _by_unit(petition, actor, today, data):
    """Steps taken from above record which centre took them (the 复核 must come from above that one)."""
    return {"by_unit": actor.org_unit_id}


def _review_reply(petition, actor, today, data):
    return {**_reply(petition, actor, today, data), **_by_unit(petition, actor, today, data)}


APPLY = {"accept": _accept, "reject": _nothing, "assign": _assign, "object": _object, "extend": _extend,
         "reply": _reply, "revisit": _revisit, "close": _nothing, "request_review": _nothing,
         "review_reply": _review_reply, "request_recheck": _nothing, "recheck_reply": _review_reply,
         "supervise": _by_unit}
