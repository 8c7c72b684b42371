"""The service supervision mailbox: leaving feedback (no account needed), routing it to the level
above the station, answering it within its deadline, and the sender reading the answer with the receipt
code, rating it once and following up once."""

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit import audit_actor
from rongjia.core.deadlines import deadline
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


def answer_due(received: date) -> date:
    """The last day to answer: RONGJIA_MAILBOX_ANSWER_DAYS calendar days after the day received, that day
    not counted and an end on a rest day moved to the next working day (core.deadlines). The mailbox is not a
    信访事项; its default is the period the 信访工作条例 (2022) Art. 22 gives to tell a petitioner anything."""
    return deadline(received, settings.MAILBOX_ANSWER_DAYS).due


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
                                           about_code=about.region_code, due_on=answer_due(timezone.localdate()),
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
        if found.answer_rating:  # the sender judged this text: a correction would change what was rated
            raise ValidationError({"answer": _("The sender has rated this answer; it can no longer be corrected.")})
        found.answer, found.answered_by, found.answered_at = answer, actor, timezone.now()
        found.version += 1
        found.save(update_fields=["answer", "answered_by", "answered_at", "version"])
    return found


# The sender's two steps after the answer. The sender has no account: the receipt code is the key, so the
# workflow engine (which locks a record through the viewer's scope) does not apply; these services lock
# the row, check its version and state themselves, and the model's audit registration logs each change.

def _refuse_wrong_receipts(client: str) -> str:
    """Wrong receipt codes from one address are counted per hour like new feedback (MAILBOX_PER_HOUR): the
    code has 31^12 values, and this keeps anyone from trying them from one address."""
    key = f"mailbox-receipt:{client}"
    if client and (cache.get(key) or 0) >= settings.MAILBOX_PER_HOUR:
        raise ValidationError({"receipt": _("Too many wrong receipt codes from this address in the last hour; "
                                            "please try again later.")})
    return key


def feedback_for_receipt(receipt: str, *, client: str = "") -> Feedback:
    """The feedback a receipt code opens, or a clear error on the receipt field (counted against the address)."""
    key = _refuse_wrong_receipts(client)
    feedback = feedback_by_receipt(receipt or "")
    if feedback is None:
        if client:
            cache.add(key, 0, timeout=3600)
            cache.incr(key)
        raise ValidationError({"receipt": _("No feedback has this receipt code.")})
    return feedback


def _locked(receipt: str, client: str, version: int | None) -> Feedback:
    found = feedback_for_receipt(receipt, client=client)
    found = Feedback.objects.select_for_update().get(pk=found.pk)
    if version is not None and found.version != version:
        raise StaleVersion
    return found


def feedback_rate(*, receipt: str, rating: str, version: int | None = None, client: str = "") -> Feedback:
    """The sender rates the current answer (满意/基本满意/不满意), once per answer."""
    if rating not in Feedback.Rating.values:
        raise ValidationError({"answer_rating": _("Choose how satisfied you are with the answer.")})
    with transaction.atomic():
        found = _locked(receipt, client, version)
        if not found.answered_at:
            raise ValidationError(_("There is no answer to rate yet."))
        if found.answer_rating:
            raise ValidationError(_("You have already rated this answer."))
        found.answer_rating = rating
        found.version += 1
        found.save(update_fields=["answer_rating", "version"])
    return found


def feedback_follow_up(*, receipt: str, text: str, version: int | None = None, client: str = "") -> Feedback:
    """The sender's one follow-up: it reopens the feedback for a further answer, due RONGJIA_MAILBOX_ANSWER_DAYS
    from today; the answer it follows is kept (with its rating) as the first answer."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"follow_up": _("Write your follow-up.")})
    if len(text) > CONTENT_MAX_CHARS:
        raise ValidationError({"follow_up": _("A follow-up is at most %(n)d characters.") % {"n": CONTENT_MAX_CHARS}})
    with transaction.atomic():
        found = _locked(receipt, client, version)
        if found.followed_up_at:
            raise ValidationError(_("You have already followed up once; a feedback takes one follow-up. "
                                    "Please leave new feedback for anything further."))
        if not found.answered_at:
            raise ValidationError(_("A follow-up can be sent once the answer has come."))
        found.first_answer, found.first_answered_at, found.first_answer_rating = (
            found.answer, found.answered_at, found.answer_rating)
        found.answer, found.answered_at, found.answered_by, found.answer_rating = "", None, None, ""
        found.follow_up, found.followed_up_at = text, timezone.now()
        found.due_on = answer_due(timezone.localdate())
        found.version += 1
        found.save(update_fields=["first_answer", "first_answered_at", "first_answer_rating", "answer",
                                  "answered_at", "answered_by", "answer_rating", "follow_up", "followed_up_at",
                                  "due_on", "version"])
    return found
