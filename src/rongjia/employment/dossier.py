"""Employment on the person's dossier and in the 一人一册 booklet (core's registry, registered in
EmploymentConfig.ready): the seeker profile, each referral and its outcome, the courses (enrolled, completed,
dropped), the job fairs (invited, attended), the businesses with their support and follow-ups.

Every line starts from `Model.objects.visible_to(viewer)`: these records follow the station that kept the person
when they were made, so a county that received a transferred person, or a sibling station, reads what lies outside
its area as a count (`employment_outside`), never its content. A fixed number of queries, whatever the person's
history.
"""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongjia.core.contributions import DossierContribution, Entry
from rongjia.core.history import actor_name
from rongjia.people.timeline import start_of

from .models import Business, BusinessFollowUp, Enrolment, FairGuest, Referral, ReferralEvent, Seeker, Support

LIMIT = 200


def _url(name: str, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page not built yet: the line stands without a link
        return ""


def _joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part)


def employment_entries(viewer, person, pks) -> list[Entry]:
    entries = [*_seekers(viewer, pks), *_referrals(viewer, pks), *_enrolments(viewer, pks), *_fairs(viewer, pks),
               *_businesses(viewer, pks)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:LIMIT]


def _seekers(viewer, pks):
    for seeker in (Seeker.objects.visible_to(viewer).filter(person_id__in=pks)
                   .select_related("station", "created_by")):
        yield Entry(seeker.created_at, "employment", _("Job-seeker profile: %(status)s") % {
            "status": seeker.get_status_display()}, detail=_joined(seeker.wanted_work, seeker.station.name),
            actor=actor_name(seeker.created_by), link=_url("employment:seeker_detail", seeker.pk))


def _referrals(viewer, pks):
    referrals = list(Referral.objects.visible_to(viewer).filter(seeker__person_id__in=pks)
                     .select_related("posting__employer", "referred_by").order_by("-referred_on", "-id")[:LIMIT])
    if not referrals:
        return
    labels = dict(Referral.State.choices)
    for referral in referrals:
        link = _url("employment:referral_detail", referral.pk)
        what = {"title": referral.posting.title, "employer": referral.posting.employer.name}
        yield Entry(start_of(referral.referred_on), "employment", _("Referred to %(title)s, %(employer)s") % what,
                    detail=_("at a job fair") if referral.fair_id else "",
                    actor=actor_name(referral.referred_by), link=link)
    by_pk = {referral.pk: referral for referral in referrals}
    for event in (ReferralEvent.objects.filter(referral_id__in=by_pk).exclude(to_state=Referral.State.REFERRED)
                  .select_related("actor").order_by("at", "id")):
        referral = by_pk[event.referral_id]
        what = {"title": referral.posting.title, "employer": referral.posting.employer.name,
                "state": labels.get(event.to_state, event.to_state)}
        yield Entry(event.at, "employment", _("%(state)s: %(title)s, %(employer)s") % what, detail=event.note[:120],
                    actor=actor_name(event.actor), link=_url("employment:referral_detail", referral.pk))


def _enrolments(viewer, pks):
    for enrolment in (Enrolment.objects.visible_to(viewer).filter(seeker__person_id__in=pks)
                      .select_related("course", "enrolled_by")[:LIMIT]):
        course = {"course": enrolment.course.title}
        link = _url("employment:course_detail", enrolment.course_id)
        yield Entry(enrolment.enrolled_at, "training", _("Enrolled on a course: %(course)s") % course,
                    detail=_joined(enrolment.course.provider), actor=actor_name(enrolment.enrolled_by), link=link)
        if enrolment.state == Enrolment.State.COMPLETED and enrolment.completed_on:
            yield Entry(start_of(enrolment.completed_on), "training", _("Completed a course: %(course)s") % course,
                        detail=_joined(enrolment.course.certificate, enrolment.certificate_number), link=link)
        elif enrolment.state == Enrolment.State.DROPPED:
            yield Entry(enrolment.enrolled_at, "training", _("Dropped out of a course: %(course)s") % course,
                        detail=enrolment.note[:120], link=link)


def _fairs(viewer, pks):
    for guest in (FairGuest.objects.visible_to(viewer).filter(seeker__person_id__in=pks)
                  .select_related("fair", "checked_in_by")[:LIMIT]):
        fair = {"fair": guest.fair.title}
        link = _url("employment:fair_detail", guest.fair_id)
        if guest.invited_at:
            yield Entry(guest.invited_at, "fair", _("Invited to a job fair: %(fair)s") % fair,
                        detail=guest.fair.venue, link=link)
        if guest.checked_in_at:
            yield Entry(guest.checked_in_at, "fair", _("Attended a job fair: %(fair)s") % fair,
                        detail=guest.fair.venue, actor=actor_name(guest.checked_in_by), link=link)


def _businesses(viewer, pks):
    businesses = {b.pk: b for b in Business.objects.visible_to(viewer).filter(person_id__in=pks)
                  .select_related("sector", "created_by")[:LIMIT]}
    for business in businesses.values():
        link = _url("employment:business_detail", business.pk)
        yield Entry(start_of(business.registered_on), "business", _("Started a business: %(name)s") % {
            "name": business.name}, detail=business.sector.name, actor=actor_name(business.created_by), link=link)
        if business.closed_on:
            yield Entry(start_of(business.closed_on), "business", _("Business closed: %(name)s") % {
                "name": business.name}, link=link)
    if not businesses:
        return
    for support in (Support.objects.visible_to(viewer).filter(business_id__in=businesses)
                    .select_related("recorded_by")):
        business = businesses[support.business_id]
        amount = f"¥{support.amount:,.2f}" if support.amount is not None else ""
        term = _("%(n)d months") % {"n": support.term_months} if support.term_months else ""
        yield Entry(start_of(support.given_on), "business", _("%(kind)s for %(name)s") % {
            "kind": support.get_kind_display(), "name": business.name}, detail=_joined(amount, term, support.provider),
            actor=actor_name(support.recorded_by), link=_url("employment:business_detail", business.pk))
    for follow_up in (BusinessFollowUp.objects.visible_to(viewer).filter(business_id__in=businesses)
                      .select_related("by")):
        business = businesses[follow_up.business_id]
        yield Entry(start_of(follow_up.on), "business", _("Business followed up: %(name)s") % {"name": business.name},
                    detail=follow_up.note[:120], actor=actor_name(follow_up.by),
                    link=_url("employment:business_detail", business.pk))


def employment_outside(viewer, person, pks) -> int:
    """The person's employment records the viewer may not open (a number, never their content): a seeker profile,
    referrals, enrolments, fair attendances, businesses (with what was recorded about them)."""
    count = 0
    for model, linked in ((Seeker, Q(person_id__in=pks)), (Referral, Q(seeker__person_id__in=pks)),
                          (Enrolment, Q(seeker__person_id__in=pks)), (FairGuest, Q(seeker__person_id__in=pks)),
                          (Business, Q(person_id__in=pks))):
        visible = model.objects.visible_to(viewer).filter(linked).values("pk")
        count += model.objects.filter(linked).exclude(pk__in=visible).count()
    return count


OUTSIDE = gettext_lazy("%(count)d more employment records about this person are kept outside your area and are not "
                       "shown here.")
DOSSIER = DossierContribution(key="employment", capability="employment.view", entries=employment_entries,
                              outside=employment_outside, outside_label=OUTSIDE,
                              booklet_title=gettext_lazy("Employment and training"), order=60)
