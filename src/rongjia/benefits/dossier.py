"""Benefits on the person's dossier and in the 一人一册 booklet (core's registry, registered in BenefitsConfig.ready):
the entitlements confirmed (their start and end), the life certifications, a suspension of payment, and the
payments of approved batches (one line a batch, with the amount).

Every line starts from `Model.objects.visible_to(viewer)`. Entitlements, certifications and the recipient follow
the person's station; a payment stays with the station the person belonged to when it was made, so a county
that receives a transferred person reads the payments made there before as a count, never their content.
"""

from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.contributions import DossierContribution, Entry
from rongjia.core.history import actor_name
from rongjia.people.timeline import start_of

from .models import Certification, Entitlement, Payment, PaymentBatch, Recipient
from .periods import add_months

LIMIT = 200
PAID_STATES = (PaymentBatch.State.APPROVED, PaymentBatch.State.PAID)


def yuan(amount: Decimal | None) -> str:
    return f"¥{amount:.2f}" if amount is not None else ""


def _joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def _facts(entitlement: Entitlement) -> str:
    grade = _("grade %(grade)s") % {"grade": entitlement.grade} if entitlement.grade else ""
    return _joined(entitlement.category and entitlement.category.name, grade, entitlement.get_cause_display())


def benefit_entries(viewer, person, pks) -> list[Entry]:
    link = reverse("benefits:person", args=[person.pk])
    entries = [*_entitlements(viewer, pks, link), *_certifications(viewer, pks, link),
               *_suspensions(viewer, pks, link), *_payments(viewer, pks, link)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:LIMIT]


def _entitlements(viewer, pks, link):
    rows = (Entitlement.objects.visible_to(viewer).filter(person_id__in=pks)
            .select_related("item", "category", "confirmed_by").order_by("-start_month", "-id")[:LIMIT])
    for entitlement in rows:
        item = {"item": entitlement.item.name, "month": f"{entitlement.start_month:%Y-%m}"}
        yield Entry(start_of(entitlement.start_month), "benefit", _("Benefit from %(month)s: %(item)s") % item,
                    detail=_joined(_facts(entitlement), entitlement.reason[:120]),
                    actor=actor_name(entitlement.confirmed_by), link=link)
        if entitlement.end_month:
            # dated the first day after the last month owed: when it stopped
            ended = {"item": entitlement.item.name, "month": f"{entitlement.end_month:%Y-%m}"}
            yield Entry(start_of(add_months(entitlement.end_month, 1)), "benefit",
                        _("Benefit ended after %(month)s: %(item)s") % ended, link=link)


def _certifications(viewer, pks, link):
    rows = (Certification.objects.visible_to(viewer).filter(person_id__in=pks)
            .select_related("recorded_by").order_by("-on", "-id")[:LIMIT])
    for certification in rows:
        yield Entry(start_of(certification.on), "certification",
                    _("Life certified: %(method)s") % {"method": certification.get_method_display()},
                    detail=certification.note[:120], actor=actor_name(certification.recorded_by), link=link)


def _suspensions(viewer, pks, link):
    rows = Recipient.objects.visible_to(viewer).filter(person_id__in=pks, suspended_from__isnull=False)
    for recipient in rows:
        yield Entry(start_of(recipient.suspended_from), "suspension",
                    _("Benefit payment suspended from %(month)s") % {"month": f"{recipient.suspended_from:%Y-%m}"},
                    detail=recipient.suspension_reason, link=link)


def _payments(viewer, pks, link):
    rows = (Payment.objects.visible_to(viewer).filter(person_id__in=pks, batch__state__in=PAID_STATES)
            .select_related("batch").order_by("-batch__month", "-id")[:LIMIT])
    for payment in rows:
        title = _("Benefits paid for %(month)s: %(amount)s") % {"month": f"{payment.batch.month:%Y-%m}",
                                                                "amount": yuan(payment.amount)}
        failed = payment.result == Payment.Result.FAILED
        detail = _joined(payment.get_result_display() if failed else "", payment.failure)
        yield Entry(start_of(payment.batch.month), "payment", title, detail=detail, link=link)


def benefits_outside(viewer, person, pks) -> int:
    """The person's benefit records the viewer may not open (a number, never their content): entitlements,
    certifications, a suspension, payments of approved batches."""
    count = 0
    for model, linked in ((Entitlement, Q(person_id__in=pks)), (Certification, Q(person_id__in=pks)),
                          (Recipient, Q(person_id__in=pks, suspended_from__isnull=False)),
                          (Payment, Q(person_id__in=pks, batch__state__in=PAID_STATES))):
        visible = model.objects.visible_to(viewer).filter(linked).values("pk")
        count += model.objects.filter(linked).exclude(pk__in=visible).count()
    return count


OUTSIDE = gettext_lazy("%(count)d more benefit records about this person are kept outside your area and are not "
                       "shown here.")
DOSSIER = DossierContribution(key="benefits", capability="benefits.view", entries=benefit_entries,
                              outside=benefits_outside, outside_label=OUTSIDE,
                              booklet_title=gettext_lazy("Benefits"), order=50)
