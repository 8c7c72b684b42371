"""Every write of the job fairs 专场招聘会 (DESIGN rule 2): a centre plans a fair for its subtree with the employers
and postings that come, stations invite their seekers, the door checks them in on a phone by ID number or by the
invitation's QR code, and the offers made there become referrals linked to the fair.

A check-in is idempotent: one `FairGuest` row per seeker and fair, so a second scan finds the first and changes
nothing (the phone says "already checked in at 09:12").
"""

from datetime import date

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.idnumber import parse_id_number
from rongjia.core.scoping import code_in_subtree, get_visible_or_404, scope_prefix
from rongjia.people.models import Person
from rongjia.people.services import id_index

from .models import Employer, Fair, FairGuest, Posting, Seeker

VIEW, HANDLE, MANAGE = "employment.view", "employment.handle", "employment.manage"
CHECK_IN_SALT = "rongjia.employment.fair_check_in"
INVITABLE = (Seeker.Status.SEEKING, Seeker.Status.OFFERED)
FAIR_EDITABLE = ("title", "date", "venue", "employers", "postings", "note")


def _require(actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def _pk(value):
    return getattr(value, "pk", value)


def may_edit(actor, record) -> bool:
    """Only an actor whose area covers the organising jurisdiction edits a fair or a course (decision 0018):
    a village worker sees the county's fair but does not change it."""
    return actor.can(MANAGE) and code_in_subtree(record.jurisdiction_code, scope_prefix(actor))


def _day(value) -> str:
    return date_format(value, "Y-m-d") if isinstance(value, date) else str(value)


# --- planning a fair ----------------------------------------------------------------------------------------

def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _exhibitors(actor, employers, postings) -> tuple[list[Employer], list[Posting]]:
    """The employers and postings the actor may see, or a message; a posting brings its employer along."""
    employer_pks = {_pk(e) for e in employers or ()}
    posting_pks = {_pk(p) for p in postings or ()}
    found_postings = list(Posting.objects.visible_to(actor).filter(pk__in=posting_pks))
    if len(found_postings) != len(posting_pks):
        raise ValidationError({"postings": _("Choose postings of your area.")})
    employer_pks |= {posting.employer_id for posting in found_postings}
    found_employers = list(Employer.objects.visible_to(actor).filter(pk__in=employer_pks))
    if len(found_employers) != len(employer_pks):
        raise ValidationError({"employers": _("Choose employers of your area.")})
    return found_employers, found_postings


def _checked_fair(actor, *, title, date_, venue, note) -> dict:
    if not isinstance(date_, date):
        raise ValidationError({"date": _("Give the date of the fair.")})
    return {"title": _text(title, "title", _("Give the fair a title.")),
            "venue": _text(venue, "venue", _("Say where the fair is held.")),
            "date": date_, "note": (note or "").strip()}


def fair_create(*, actor, title: str, date: date, venue: str, employers=(), postings=(), note: str = "") -> Fair:
    """A fair for the organiser's subtree: its jurisdiction is the actor's own area."""
    _require(actor, MANAGE)
    prefix = scope_prefix(actor)
    if prefix is None:
        raise PermissionDenied
    fields = _checked_fair(actor, title=title, date_=date, venue=venue, note=note)
    found_employers, found_postings = _exhibitors(actor, employers, postings)
    with transaction.atomic(), audit_actor(actor):
        fair = Fair(jurisdiction_code=prefix, organiser=actor.org_unit, created_by=actor, **fields)
        fair.full_clean(exclude=["organiser", "created_by", "employers", "postings"])
        fair.save()
        fair.employers.set(found_employers)
        fair.postings.set(found_postings)
    return fair


def fair_update(*, actor, fair, version: int, **changes) -> Fair:
    unknown = set(changes) - set(FAIR_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require(actor, MANAGE)
    with transaction.atomic(), audit_actor(actor):
        locked = get_visible_or_404(Fair.objects.select_for_update(), actor, pk=_pk(fair))
        if not may_edit(actor, locked):
            raise PermissionDenied
        if locked.version != version:
            raise StaleVersion
        merged = {"title": locked.title, "date_": locked.date, "venue": locked.venue, "note": locked.note}
        merged.update({("date_" if k == "date" else k): v for k, v in changes.items()
                       if k in ("title", "date", "venue", "note")})
        fields = _checked_fair(actor, **merged)
        if fields["date"] != locked.date and locked.guests.filter(checked_in_at__isnull=False).exists():
            raise ValidationError({"date": _("Guests have already checked in: the fair's date cannot change.")})
        employers = changes.get("employers", locked.employers.all())
        postings = changes.get("postings", locked.postings.all())
        found_employers, found_postings = _exhibitors(actor, employers, postings)
        offered = set(locked.offers.values_list("posting_id", flat=True))
        if offered - {p.pk for p in found_postings}:
            raise ValidationError({"postings": _("A posting with offers made at the fair stays on its list.")})
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.full_clean(exclude=["organiser", "created_by", "employers", "postings"])
        locked.save()
        # Employers and postings outside the actor's view stay as they were (they are not the actor's to drop).
        hidden_employers = locked.employers.exclude(pk__in=Employer.objects.visible_to(actor).values("pk"))
        hidden_postings = locked.postings.exclude(pk__in=Posting.objects.visible_to(actor).values("pk"))
        locked.employers.set([*found_employers, *hidden_employers])
        locked.postings.set([*found_postings, *hidden_postings])
    return locked


# --- invitations --------------------------------------------------------------------------------------------

def fair_invite(*, actor, fair, seekers) -> int:
    """Invite seekers of the actor's area; returns how many were newly invited (a second invitation of the same
    seeker changes nothing, so the count says what this call added)."""
    _require(actor, HANDLE)
    fair = get_visible_or_404(Fair.objects.all(), actor, pk=_pk(fair))
    if fair.date < timezone.localdate():
        raise ValidationError(_("The fair was held on %(day)s: invitations are closed.") % {"day": _day(fair.date)})
    wanted = {_pk(s) for s in seekers or ()}
    if not wanted:
        raise ValidationError({"seekers": _("Choose the job seekers to invite.")})
    found = list(Seeker.objects.visible_to(actor).filter(pk__in=wanted).select_related("person"))
    if len(found) != len(wanted):
        raise ValidationError({"seekers": _("Choose job seekers of your area.")})
    not_seeking = [s.person.name for s in found if s.status not in INVITABLE]
    if not_seeking:
        raise ValidationError({"seekers": _("Only people seeking work are invited: %(names)s are not.") % {
            "names": "、".join(sorted(not_seeking))}})
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        already = set(FairGuest.objects.filter(fair=fair, seeker__in=found).values_list("seeker_id", flat=True))
        new = [FairGuest(fair=fair, seeker=s, region_code=s.region_code, invited_at=now)
               for s in found if s.pk not in already]
        FairGuest.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def check_in_code(seeker) -> str:
    """The token an invitation's QR code carries: signed, so a hand-made one is refused; it names a seeker, never
    an ID number."""
    return signing.dumps(_pk(seeker), salt=CHECK_IN_SALT, compress=True)


def seeker_from_code(actor, code: str) -> Seeker:
    """The seeker a scanned code names, if the actor may see them; otherwise one message for any bad code."""
    try:
        pk = signing.loads((code or "").strip(), salt=CHECK_IN_SALT)
    except signing.BadSignature:
        pk = None
    seeker = _seekers_in_scope(actor).filter(pk=pk).first() if isinstance(pk, int) else None
    if seeker is None:
        raise ValidationError({"code": _("This code is not an invitation of a job seeker in your area.")})
    return seeker


def seeker_from_number(actor, id_number: str) -> Seeker:
    """The seeker whose ID number was typed, read the way the dossiers read one (upper case X, spaces dropped)."""
    typed = "".join((id_number or "").split())
    try:
        number = parse_id_number(typed).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    digest = id_index(number)
    seeker = _seekers_in_scope(actor).filter(person__id_hash=digest).first()
    if seeker is not None:
        return seeker
    person = Person.objects.visible_to(actor).filter(id_hash=digest).first()
    if person is None:
        raise ValidationError({"id_number": _("No one with this ID number is on file in your area.")})
    raise ValidationError({"id_number": _("%(name)s has no job-seeker profile: register one before checking in.") % {
        "name": person.name}})


def _seekers_in_scope(actor):
    return Seeker.objects.visible_to(actor).filter(
        person__in=Person.objects.visible_to(actor).values("pk")).select_related("person")


def fair_check_in(*, actor, fair, id_number: str = "", code: str = "",
                  today: date | None = None) -> tuple[FairGuest, bool]:
    """Check a seeker in at the door, by the typed ID number or the invitation's scanned code.

    Returns the guest and whether this call checked them in: a second scan returns the first check-in, unchanged.
    A walk-in without an invitation is welcome (the guest row is made here).
    """
    _require(actor, HANDLE)
    fair = get_visible_or_404(Fair.objects.all(), actor, pk=_pk(fair))
    today = today or timezone.localdate()
    if fair.date != today:
        raise ValidationError(_("Check-in is open on the day of the fair only: this fair is on %(day)s.") % {
            "day": _day(fair.date)})
    if code:
        seeker = seeker_from_code(actor, code)
    elif (id_number or "").strip():
        seeker = seeker_from_number(actor, id_number)
    else:
        raise ValidationError({"id_number": _("Type the ID number or scan the invitation's code.")})
    with transaction.atomic(), audit_actor(actor):
        guest = FairGuest.objects.select_for_update().filter(fair=fair, seeker=seeker).first()
        if guest is None:
            try:
                with transaction.atomic():
                    guest = FairGuest.objects.create(fair=fair, seeker=seeker, region_code=seeker.region_code,
                                                     checked_in_at=timezone.now(), checked_in_by=actor)
            except IntegrityError:  # the other phone at the door scanned the same person a moment ago
                guest = FairGuest.objects.select_for_update().get(fair=fair, seeker=seeker)
            else:
                guest.seeker = seeker
                return guest, True
        guest.seeker = seeker
        if guest.checked_in_at is not None:
            return guest, False
        guest.checked_in_at, guest.checked_in_by = timezone.now(), actor
        guest.save(update_fields=["checked_in_at", "checked_in_by"])
    return guest, True


# --- offers -------------------------------------------------------------------------------------------------

def fair_offer(*, actor, fair, seeker, posting):
    """An employer at the fair offers a guest one of its postings: a referral linked to the fair."""
    from . import services_referrals  # written beside this module; imported when an offer is made

    _require(actor, HANDLE)
    fair = get_visible_or_404(Fair.objects.all(), actor, pk=_pk(fair))
    seeker = get_visible_or_404(Seeker.objects.select_related("person"), actor, pk=_pk(seeker))
    posting = fair.postings.filter(pk=_pk(posting)).first()
    if posting is None:
        raise ValidationError({"posting": _("Choose one of the postings at this fair.")})
    if not FairGuest.objects.filter(fair=fair, seeker=seeker, checked_in_at__isnull=False).exists():
        raise ValidationError({"seeker": _("%(name)s did not check in at this fair.") % {"name": seeker.person.name}})
    return services_referrals.referral_create(actor=actor, seeker=seeker, posting=posting, fair=fair)
