"""What the employers', postings' and referrals' pages read: every list starts from `visible_to(viewer)`, and what a
page reaches through a record (a posting's referrals, an employer's fairs) is filtered by the viewer the same way."""

from datetime import date, timedelta

from django.db.models import Count, Q

from rongjia.core.scoping import scope_prefix, subtree_q
from rongjia.people.models import Person
from rongjia.people.selectors import person_name_q

from .models import Employer, Posting, Referral
from .workflow import HIRED

R = Referral.State
OUTCOME_WITHIN = timedelta(days=14)  # a referral with no outcome after two weeks is chased
WAITING = (R.REFERRED, R.INTERVIEW)
# Never shown by these pages, so never decrypted for them.
UNSHOWN_PERSON = ("seeker__person__id_number", "seeker__person__phone", "seeker__person__phone_alt")

EMPLOYER_SORTS = {"name": ("name", "id"), "-created": ("-created_at", "-id")}
POSTING_SORTS = {"closes": ("closes_on", "id"), "-closes": ("-closes_on", "-id"), "-opens": ("-opens_on", "-id"),
                 "-pay": ("-pay_max", "-id")}
REFERRAL_SORTS = {"-referred": ("-referred_on", "-id"), "referred": ("referred_on", "id"),
                  "follow_up": ("follow_up_due", "id")}


def editable_employers(user):
    """The employers whose jurisdiction the user's area covers (those it may change and post jobs for)."""
    prefix = scope_prefix(user)
    if prefix is None or not user.can("employment.manage"):
        return Employer.objects.none()
    return Employer.objects.visible_to(user).filter(subtree_q("jurisdiction_code", prefix))


def employers(user, *, q: str = "", sector=None, active: str = "", sort: str = ""):
    rows = (Employer.objects.visible_to(user).select_related("sector", "place", "registered_by")
            .annotate(posting_count=Count("postings")))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    if sector:
        rows = rows.filter(sector=sector)
    if active in ("1", "0"):
        rows = rows.filter(active=active == "1")
    return rows.order_by(*EMPLOYER_SORTS.get(sort or "name"))


def open_q(today: date) -> Q:
    return Q(withdrawn=False, opens_on__lte=today, closes_on__gte=today)


def postings(user, today: date, *, status: str = "open", q: str = "", sector=None, place: str = "", employer=None,
             sort: str = ""):
    """The postings bearing on the user's area: `open` today (the default), `upcoming`, `closed` (withdrawn or past
    the closing date) or all; `place` a region code prefix (the place of work inside it)."""
    rows = (Posting.objects.visible_to(user).select_related("employer", "sector", "place")
            .annotate(hired=Count("referrals", filter=Q(referrals__state__in=HIRED))))
    if status == "open":
        rows = rows.filter(open_q(today))
    elif status == "upcoming":
        rows = rows.filter(withdrawn=False, opens_on__gt=today)
    elif status == "closed":
        rows = rows.filter(Q(withdrawn=True) | Q(closes_on__lt=today))
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(employer__name__icontains=q))
    if sector:
        rows = rows.filter(sector=sector)
    if place:
        rows = rows.filter(subtree_q("place_code", place))
    if employer is not None:
        rows = rows.filter(employer=employer)
    return rows.order_by(*POSTING_SORTS.get(sort or ("closes" if status == "open" else "-opens")))


def overdue_q(today: date) -> Q:
    """Referred more than two weeks ago and still without an outcome."""
    return Q(state__in=WAITING, referred_on__lt=today - OUTCOME_WITHIN)


def follow_up_due_q(today: date) -> Q:
    return Q(state=R.HIRED, follow_up_due__lte=today)


def referrals(user, today: date, *, q: str = "", state: str = "", overdue: bool = False, follow_up: bool = False,
              posting=None, sort: str = ""):
    rows = (Referral.objects.visible_to(user).select_related("seeker__person", "posting__employer")
            .defer(*UNSHOWN_PERSON))
    if q:
        rows = rows.filter(seeker__person__in=Person.objects.filter(person_name_q(q)))
    if state:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(overdue_q(today))
    if follow_up:
        rows = rows.filter(follow_up_due_q(today))
    if posting is not None:
        rows = rows.filter(posting=posting)
    return rows.order_by(*REFERRAL_SORTS.get(sort or ("follow_up" if follow_up else "-referred")))


def posting_referrals(user, posting) -> tuple[list[Referral], int]:
    """The posting's referrals the user may see, and how many others there are (shown as a number only)."""
    seen = list(posting.referrals.visible_to(user).select_related("seeker__person").defer(*UNSHOWN_PERSON)
                .order_by("-referred_on", "-id"))
    return seen, posting.referrals.count() - len(seen)
