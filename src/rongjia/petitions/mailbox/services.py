"""The service supervision mailbox: leaving feedback (no account needed), routing it to the level
above the station, answering it, and the sender reading the answer with the receipt code."""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.errors import StaleVersion
from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY, PREFIX_LENGTH, PROVINCE, pad_code
from rongjia.core.scoping import get_visible_or_404

from ..models import Feedback

CONTENT_MAX_CHARS = 2000
# Unambiguous letters and digits (no 0/O, 1/I/L): a receipt is read off a screen and typed in again.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12


def answering_level(level: int) -> int:
    """街道、社区级意见由区级回复、区级意见由市级回复 (seed 003 (二十六)); a city's goes to the province,
    and the province answers its own."""
    if level > COUNTY:
        return COUNTY
    return max(level - 1, PROVINCE)


def route(about: OrgUnit) -> OrgUnit:
    """The centre that answers feedback on `about`: the nearest one at or above the answering level."""
    code = about.region_code
    for level in range(answering_level(about.level), PROVINCE - 1, -1):
        centre = OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE,
                                        region_code=pad_code(code[:PREFIX_LENGTH[level]])).first()
        if centre is not None:
            return centre
    raise ValidationError(_("No service centre above this station is in the system yet."))


def receipt_hash(receipt: str) -> str:
    normalised = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"feedback:{normalised}".encode()).hexdigest()


def feedback_submit(*, about: OrgUnit, topic: str, rating: str, content: str, sender_name: str = "",
                    source: str = Feedback.Source.PORTAL, client: str = "") -> tuple[Feedback, str]:
    """Leave feedback on a station; returns it with the receipt code (shown once, stored only hashed)."""
    content, sender_name = (content or "").strip(), (sender_name or "").strip()
    errors = {}
    if topic not in Feedback.Topic.values:
        errors["topic"] = _("Choose what the feedback is about.")
    if rating not in Feedback.Rating.values:
        errors["rating"] = _("Choose an evaluation.")
    if not content:
        errors["content"] = _("Write your feedback.")
    elif len(content) > CONTENT_MAX_CHARS:
        errors["content"] = _("Feedback is at most %(n)d characters.") % {"n": CONTENT_MAX_CHARS}
    if len(sender_name) > 40:
        errors["sender_name"] = _("A name is at most 40 characters.")
    if errors:
        raise ValidationError(errors)
    if client:
        key = f"mailbox:{client}"
        cache.add(key, 0, timeout=3600)
        if cache.incr(key) > settings.MAILBOX_PER_HOUR:
            raise ValidationError(_("Too much feedback from this address in the last hour; please try again later."))
    routed_to = route(about)
    receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _n in range(RECEIPT_LENGTH))
    with transaction.atomic():
        feedback = Feedback.objects.create(about=about, routed_to=routed_to, region_code=routed_to.region_code,
                                           source=source, topic=topic, rating=rating, content=content,
                                           sender_name=sender_name, receipt_hash=receipt_hash(receipt))
    return feedback, "-".join(receipt[i:i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def feedback_by_receipt(receipt: str) -> Feedback | None:
    return Feedback.objects.select_related("about", "routed_to").filter(receipt_hash=receipt_hash(receipt)).first()


def feedback_answer(*, actor, feedback: Feedback, answer: str, version: int | None = None) -> Feedback:
    """The answering centre replies (or corrects its reply); the centres above it may answer too."""
    if not actor.can("petitions.handle"):
        raise PermissionDenied
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(answer) > CONTENT_MAX_CHARS:
        raise ValidationError({"answer": _("An answer is at most %(n)d characters.") % {"n": CONTENT_MAX_CHARS}})
    with transaction.atomic(), audit_actor(actor):
        found = get_visible_or_404(Feedback.objects.select_for_update(), actor, pk=feedback.pk)
        if version is not None and found.version != version:
            raise StaleVersion
        found.answer, found.answered_by, found.answered_at = answer, actor, timezone.now()
        found.version += 1
        found.save()
    return found
