"""Assistance on the person's dossier and in the 一人一册 booklet (core's registry, registered in
AssistanceConfig.ready): the hardship entries with their reviews, the pairings (shown on both sides: where the
person is helped and where the person, an outstanding veteran, is the helper), the help given, every step of the
aid applications and the referrals.

Every line starts from `Model.objects.visible_to(viewer)`: an assistance record stays with the station that kept
it, so a county that receives a transferred person, or a village that opens its own helper's dossier, reads only
the records of its own area; the others show as a count, never their content.
"""

from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.contributions import DossierContribution, Entry
from rongjia.core.history import actor_name
from rongjia.people.timeline import start_of

from .models import (
    AidApplication,
    AidEvent,
    HardshipEntry,
    HardshipReview,
    Pairing,
    PairingHelp,
    Referral,
    ReferralEvent,
)
from .workflow import APPLICATION, level_name

LIMIT = 200


def yuan(amount: Decimal | None) -> str:
    return f"¥{amount:.2f}" if amount is not None else ""


def _joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def assistance_entries(viewer, person, pks) -> list[Entry]:
    entries = [*_hardship(viewer, pks), *_pairings(viewer, pks), *_applications(viewer, pks),
               *_referrals(viewer, pks)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:LIMIT]


def _hardship(viewer, pks):
    ledger = (HardshipEntry.objects.visible_to(viewer).filter(person_id__in=pks)
              .select_related("kind", "recorded_by").order_by("-since", "-id")[:LIMIT])
    for entry in ledger:
        yield Entry(start_of(entry.since), "hardship", _("In hardship: %(kind)s") % {"kind": entry.kind.name},
                    detail=_joined(entry.get_level_display(), entry.key and _("key person in hardship (重点困难对象)"),
                                   entry.cause[:120]),
                    actor=actor_name(entry.recorded_by), link=reverse("assistance:hardship_detail", args=[entry.pk]))
    reviews = (HardshipReview.objects.visible_to(viewer).filter(entry__person_id__in=pks)
               .select_related("entry__kind", "reviewer").order_by("-on", "-id")[:LIMIT])
    for review in reviews:
        kind = {"kind": review.entry.kind.name}
        title = _("Out of hardship: %(kind)s") % kind if review.closed else _("Hardship reviewed: %(kind)s") % kind
        next_due = _("next review by %(day)s") % {"day": review.next_due.isoformat()} if review.next_due else ""
        yield Entry(start_of(review.on), "hardship", title,
                    detail=_joined(review.get_level_display(), review.note[:120], next_due),
                    actor=actor_name(review.reviewer),
                    link=reverse("assistance:hardship_detail", args=[review.entry_id]))


def _pairings(viewer, pks):
    pairings = (Pairing.objects.visible_to(viewer)
                .filter(Q(entry__person_id__in=pks) | Q(helper_person_id__in=pks))
                .select_related("entry__person", "created_by").order_by("-since", "-id")[:LIMIT])
    for pairing in pairings:
        link = reverse("assistance:hardship_detail", args=[pairing.entry_id])
        helped = pairing.entry.person_id in pks
        if helped:
            title = _("Paired with %(helper)s (%(kind)s)") % {"helper": pairing.helper_name,
                                                            "kind": pairing.get_helper_kind_display()}
        else:  # the person is the helper: the pairing shows on both sides
            title = _("Pairing: helps %(name)s") % {"name": pairing.entry.person.name}
        yield Entry(start_of(pairing.since), "pairing", title, detail=pairing.plan[:120],
                    actor=actor_name(pairing.created_by), link=link)
        if pairing.until:
            yield Entry(start_of(pairing.until), "pairing", _("Pairing ended: %(helper)s → %(name)s") % {
                "helper": pairing.helper_name, "name": pairing.entry.person.name}, link=link)
    given = (PairingHelp.objects.visible_to(viewer)
             .filter(Q(pairing__entry__person_id__in=pks) | Q(pairing__helper_person_id__in=pks))
             .select_related("pairing__entry__person", "recorded_by").order_by("-on", "-id")[:LIMIT])
    for help_given in given:
        pairing = help_given.pairing
        yield Entry(start_of(help_given.on), "pairing", _("Help given: %(kind)s") % {
            "kind": help_given.get_kind_display()},
            detail=_joined(f"{pairing.helper_name} → {pairing.entry.person.name}", help_given.description,
                           yuan(help_given.amount)),
            actor=actor_name(help_given.recorded_by),
            link=reverse("assistance:hardship_detail", args=[pairing.entry_id]))


def _application_title(event: AidEvent) -> str:
    kind = event.application.kind.name
    if event.action == "register":
        return _("Aid application registered: %(kind)s") % {"kind": kind}
    if event.action == "approve":
        return _("Aid approved: %(kind)s, %(amount)s") % {"kind": kind, "amount": yuan(event.amount)}
    if event.action == "pay":
        return _("Aid paid: %(kind)s") % {"kind": kind}
    if event.action == "reject":
        return _("Aid refused: %(kind)s") % {"kind": kind}
    step = APPLICATION.action_labels().get(event.action, event.action)
    return _("Aid application, %(step)s: %(kind)s") % {"step": step, "kind": kind}


def _applications(viewer, pks):
    events = (AidEvent.objects.visible_to(viewer).filter(application__person_id__in=pks)
              .select_related("application__kind", "actor", "unit").order_by("-at", "-id")[:LIMIT])
    for event in events:
        amount = "" if event.action == "approve" else yuan(event.amount)
        yield Entry(event.at, "aid", _application_title(event),
                    detail=_joined(event.level and level_name(event.level), amount, event.note[:120]),
                    actor=_joined(actor_name(event.actor), event.unit and event.unit.name),
                    link=reverse("assistance:application_detail", args=[event.application_id]))


REFERRAL_TITLES = {"chase": gettext_lazy("Referral chased: %(department)s"),
                   "answer": gettext_lazy("Referral answered: %(department)s"),
                   "close": gettext_lazy("Referral closed: %(department)s")}


def _referrals(viewer, pks):
    referrals = Referral.objects.visible_to(viewer).filter(person_id__in=pks)
    events = (ReferralEvent.objects.filter(referral__in=referrals.values("pk"))
              .select_related("referral", "actor").order_by("-at", "-id")[:LIMIT])
    for event in events:
        referral = event.referral
        department = {"department": referral.get_department_display()}
        if event.action == "send":
            title = _("Referred to %(department)s: %(service)s") % {**department, "service": referral.service}
            detail = event.note[:120]
        else:
            title = str(REFERRAL_TITLES.get(event.action, event.action)) % department
            outcome = referral.get_outcome_display() if event.action == "answer" else ""
            detail = _joined(outcome, event.note[:120])
        yield Entry(event.at, "referral", title, detail=detail, actor=actor_name(event.actor),
                    link=reverse("assistance:referral_detail", args=[referral.pk]))


def assistance_outside(viewer, person, pks) -> int:
    """The person's assistance records the viewer may not open (a number, never their content): hardship entries
    (with their reviews, pairings and help), pairings where the person is the helper, applications, referrals."""
    count = 0
    for model, linked in ((HardshipEntry, Q(person_id__in=pks)), (Pairing, Q(helper_person_id__in=pks)),
                          (AidApplication, Q(person_id__in=pks)), (Referral, Q(person_id__in=pks))):
        visible = model.objects.visible_to(viewer).filter(linked).values("pk")
        count += model.objects.filter(linked).exclude(pk__in=visible).count()
    return count


OUTSIDE = gettext_lazy("%(count)d more assistance records about this person are kept outside your area and are "
                       "not shown here.")
DOSSIER = DossierContribution(key="assistance", capability="assistance.view", entries=assistance_entries,
                              outside=assistance_outside, outside_label=OUTSIDE,
                              booklet_title=gettext_lazy("Hardship and assistance"), order=45)
