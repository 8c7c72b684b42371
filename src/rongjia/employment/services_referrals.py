"""Referrals 推荐: a station refers one of its seekers to an open posting, then records what followed on the engine
(`workflow.REFERRAL`: interview, hired with the start date, not hired with the reason, the six-month follow-up)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.workflow import transition

from .models import Fair, Posting, Referral, Seeker
from .workflow import HANDLE, HIRED, REFERRAL


def _require(actor) -> None:
    if not actor.can(HANDLE):
        raise PermissionDenied


def _duplicate(seeker, referral) -> ValidationError:
    return ValidationError({"seeker": _("%(name)s was already referred to this posting on %(day)s.") % {
        "name": seeker.person.name, "day": referral.referred_on.isoformat()}})


def refusal_for_posting(posting: Posting, today) -> str | None:
    """Why no one can be referred to the posting today (withdrawn, not open yet, closed, every place filled)."""
    if posting.withdrawn:
        return _("This posting was withdrawn.")
    if today < posting.opens_on:
        return _("This posting opens on %(day)s.") % {"day": posting.opens_on.isoformat()}
    if today > posting.closes_on:
        return _("This posting closed on %(day)s.") % {"day": posting.closes_on.isoformat()}
    if Referral.objects.filter(posting=posting, state__in=HIRED).count() >= posting.places:
        return _("All %(n)d places of this posting are filled.") % {"n": posting.places}
    return None


def referral_create(*, actor, seeker, posting, fair=None, note: str = "") -> Referral:
    """Refer a seeker of the actor's area to an open posting with a free place; once per seeker and posting.
    The referral keeps the match score of the day (`matching.explain`)."""
    from . import matching  # the ranking's own module, loaded when a referral is made

    _require(actor)
    seeker = Seeker.objects.visible_to(actor).select_related("person").filter(
        pk=getattr(seeker, "pk", seeker)).first() if seeker else None
    if seeker is None:
        raise ValidationError({"seeker": _("Choose a job seeker of your area.")})
    if seeker.status != Seeker.Status.SEEKING:
        raise ValidationError({"seeker": _("%(name)s is not seeking work now (%(status)s).") % {
            "name": seeker.person.name, "status": seeker.get_status_display()}})
    posting = Posting.objects.visible_to(actor).select_related("employer").filter(
        pk=getattr(posting, "pk", posting)).first() if posting else None
    if posting is None:
        raise ValidationError({"posting": _("Choose a posting open to your area.")})
    today = timezone.localdate()
    refusal = refusal_for_posting(posting, today)
    if refusal:
        raise ValidationError({"posting": refusal})
    earlier = Referral.objects.filter(seeker=seeker, posting=posting).first()
    if earlier is not None:
        raise _duplicate(seeker, earlier)
    if fair:
        fair = Fair.objects.visible_to(actor).filter(pk=getattr(fair, "pk", fair)).first()
        if fair is None:
            raise ValidationError({"fair": _("Choose a job fair of your area.")})
    score = matching.explain(posting, seeker).total
    try:
        with transaction.atomic(), audit_actor(actor):
            referral = Referral.objects.create(
                seeker=seeker, posting=posting, region_code=seeker.region_code, fair=fair or None,
                referred_on=today, score=score, referred_by=actor)
            referral.events.create(action="refer", to_state=referral.state, note=(note or "").strip()[:300],
                                   data={"score": score}, actor=actor)
    except IntegrityError:  # the same referral made a moment ago on another page
        raise _duplicate(seeker, Referral.objects.get(seeker=seeker, posting=posting)) from None
    return referral


def referral_step(*, actor, referral, action: str, version: int, note: str = "", data: dict | None = None) -> Referral:
    return transition(REFERRAL, actor=actor, queryset=Referral.objects.select_related("seeker__person", "posting"),
                      pk=getattr(referral, "pk", referral), action=action, note=note, version=version, data=data)
