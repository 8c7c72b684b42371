"""退役军人就业创业服务工作台帐 (seed 003 (十八)): one row per person of the area who has a seeker profile or a
business, with what the station knows and did about their work: when they left the army, their education, what
work they want, their skills and certificates, the postings they were referred to and the outcome, the job they
found, the courses they completed, the business they started and its support, the last follow-up.

The page, its printout and the xlsx export are all made by `rows` (the cells of each row, in the order of
`headers`), so they cannot differ. The rows start from the viewer's own records (`visible_to`) and are narrowed to
the region asked for (a station, street or county inside the viewer's area) through `core.scoping`. The statistics
link their counts here with the same filters (`statistics.py`), so a count is the number of rows it opens.

No ID number appears (not even masked): the age stands in for the birth date.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import pad_code
from rongjia.core.scoping import region_prefix_or_404, scope_prefix
from rongjia.people.models import Person, ServiceRecord
from rongjia.people.selectors import person_name_q

from .models import Business, BusinessFollowUp, Enrolment, Referral, Seeker

RECENT_DAYS = 365  # "discharged in the last year": on or after today − 365 days, and not after today
HIRED = (Referral.State.HIRED, Referral.State.FOLLOWED_UP)
CHUNK = 500
NONE = "—"


def number_between(value, least: int, most: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if least <= number <= most else None


# --- the area and the filters ----------------------------------------------------------------------------------

def area_name(prefix: str) -> str:
    """A region's (or, for a full code, its station's) name for a prefix."""
    if len(prefix) == 12:
        unit = OrgUnit.objects.filter(region_code=prefix, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
        name = unit.values_list("name", flat=True).first()
        if name:
            return name
    return Region.objects.filter(code=pad_code(prefix)).values_list("name", flat=True).first() or prefix


@dataclass(frozen=True)
class LedgerFilter:
    """?region= (a station, street or county inside the viewer's area, else 404), ?status= (a seeker status),
    ?recent=1 (discharged in the last 365 days, with a seeker profile), ?employed=1 (in work or running a
    business), ?placed=YEAR (hired through a referral starting work that year), ?trained=YEAR (completed a course
    that year), ?show=seekers|businesses, ?q= (a name). Unknown values are left out."""

    prefix: str
    region: str = ""
    name: str = ""
    status: str = ""
    recent: bool = False
    employed: bool = False
    placed: int | None = None
    trained: int | None = None
    show: str = ""
    q: str = ""
    today: date = field(default_factory=date.today)

    @classmethod
    def from_request(cls, request, today: date) -> "LedgerFilter":
        own = scope_prefix(request.user)
        if own is None:
            raise Http404
        params = request.GET
        region = params.get("region", "").strip()
        prefix = region_prefix_or_404(request.user, region) if region else own
        status = params.get("status", "")
        show = params.get("show", "")
        return cls(prefix=prefix, region=region, name=area_name(prefix),
                   status=status if status in Seeker.Status.values else "",
                   recent=params.get("recent") == "1", employed=params.get("employed") == "1",
                   placed=number_between(params.get("placed"), 2000, 2100),
                   trained=number_between(params.get("trained"), 2000, 2100),
                   show=show if show in ("seekers", "businesses") else "", q=params.get("q", "").strip()[:40],
                   today=today)

    def query(self) -> str:
        params = {"region": self.region, "status": self.status, "recent": "1" if self.recent else "",
                  "employed": "1" if self.employed else "", "placed": self.placed, "trained": self.trained,
                  "show": self.show, "q": self.q}
        return urlencode({name: value for name, value in params.items() if value})

    def describe(self) -> str:
        """The filters in words: the sheet's first line and the printout's heading."""
        parts = [self.name]
        if self.status:
            parts.append(str(Seeker.Status(self.status).label))
        if self.recent:
            parts.append(_("discharged in the last 365 days"))
        if self.employed:
            parts.append(_("in work or running a business"))
        if self.placed:
            parts.append(_("placed through a referral in %(year)d") % {"year": self.placed})
        if self.trained:
            parts.append(_("completed training in %(year)d") % {"year": self.trained})
        if self.show == "seekers":
            parts.append(_("job seekers"))
        elif self.show == "businesses":
            parts.append(_("running or having run a business"))
        if self.q:
            parts.append(_("name: %(q)s") % {"q": self.q})
        return " · ".join(parts)


def recent_q(today: date, field_name: str = "person") -> Q:
    """A record whose person was discharged in the last 365 days (any service record ending in that window)."""
    ended = ServiceRecord.objects.filter(person=OuterRef(field_name), discharged_on__gte=today - timedelta(
        days=RECENT_DAYS), discharged_on__lte=today)
    return Q(Exists(ended))


def seekers_in(viewer, prefix: str):
    return Seeker.objects.visible_to(viewer).in_subtree(prefix)


def businesses_in(viewer, prefix: str):
    return Business.objects.visible_to(viewer).in_subtree(prefix)


def placements_in(viewer, prefix: str, year: int):
    """Referrals that found work starting in `year` (hired, whether followed up since or not)."""
    return Referral.objects.visible_to(viewer).in_subtree(prefix).filter(state__in=HIRED, start_date__year=year)


def completions_in(viewer, prefix: str, year: int):
    return Enrolment.objects.visible_to(viewer).in_subtree(prefix).filter(state=Enrolment.State.COMPLETED,
                                                                          completed_on__year=year)


def people(viewer, flt: LedgerFilter):
    """The people the ledger lists under `flt`, in the order of the area's stations and names."""
    seekers = seekers_in(viewer, flt.prefix)
    chosen = []
    seeker_filtered = flt.status or flt.recent or flt.employed or flt.show == "seekers"
    if seeker_filtered:
        if flt.status:
            seekers = seekers.filter(status=flt.status)
        if flt.recent:
            seekers = seekers.filter(recent_q(flt.today))
        if flt.employed:
            seekers = seekers.filter(status__in=Seeker.EMPLOYED)
        chosen.append(seekers.values("person_id"))
    if flt.show == "businesses":
        chosen.append(businesses_in(viewer, flt.prefix).values("person_id"))
    if flt.placed:
        chosen.append(placements_in(viewer, flt.prefix, flt.placed).values("seeker__person_id"))
    if flt.trained:
        chosen.append(completions_in(viewer, flt.prefix, flt.trained).values("seeker__person_id"))
    if chosen:
        rows = Person.objects.all()
        for ids in chosen:
            rows = rows.filter(pk__in=ids)
    else:
        rows = Person.objects.filter(Q(pk__in=seekers.values("person_id"))
                                     | Q(pk__in=businesses_in(viewer, flt.prefix).values("person_id")))
    if flt.q:
        rows = rows.filter(person_name_q(flt.q))
    latest = (ServiceRecord.objects.filter(person=OuterRef("pk"), discharged_on__isnull=False)
              .order_by("-discharged_on").values("discharged_on")[:1])
    return (rows.select_related("station").annotate(discharged=Subquery(latest))
            .order_by("station__region_code", "name_initials", "id"))


# --- the rows --------------------------------------------------------------------------------------------------

def headers() -> list[str]:
    return [_("Station"), pgettext("person name", "Name"), _("Sex"), _("Age"), _("Discharged on"), _("Education"),
            _("Work wanted (就业意愿)"), _("Skills and certificates"), _("Postings referred to"),
            _("Employment (就业情况)"), _("Training completed"), _("Business (创业)"), _("Last follow-up (回访)")]


@dataclass
class Row:
    person_id: int
    seeker_id: int | None
    cells: list


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _day(value) -> str:
    return value.isoformat() if value else ""


def _joined(parts, sep: str = "、") -> str:
    return sep.join(str(part) for part in parts if part)


def rows(viewer, flt: LedgerFilter, *, only=None):
    """Each row's cells, in the order of `headers()`: of the people on a page (`only`) or of every person under the
    filters (read in chunks). The one source of the page, the printout and the export."""
    if only is not None:
        yield from _rows_for(viewer, list(only), flt.today)
        return
    batch = []
    for person in people(viewer, flt).iterator(chunk_size=CHUNK):
        batch.append(person)
        if len(batch) == CHUNK:
            yield from _rows_for(viewer, batch, flt.today)
            batch = []
    if batch:
        yield from _rows_for(viewer, batch, flt.today)


def _rows_for(viewer, persons: list, today: date):
    if not persons:
        return
    pks = [p.pk for p in persons]
    seekers = {s.person_id: s for s in Seeker.objects.visible_to(viewer).filter(person_id__in=pks)
               .select_related("station").prefetch_related("skills", "certificates")}
    referrals: dict[int, list] = {}
    for referral in (Referral.objects.visible_to(viewer).filter(seeker__person_id__in=pks)
                     .select_related("seeker", "posting__employer").order_by("referred_on", "id")):
        referrals.setdefault(referral.seeker.person_id, []).append(referral)
    courses: dict[int, list] = {}
    for enrolment in (Enrolment.objects.visible_to(viewer).filter(seeker__person_id__in=pks,
                                                                  state=Enrolment.State.COMPLETED)
                      .select_related("seeker", "course").order_by("completed_on", "id")):
        courses.setdefault(enrolment.seeker.person_id, []).append(enrolment)
    businesses: dict[int, list] = {}
    for business in (Business.objects.visible_to(viewer).filter(person_id__in=pks)
                     .select_related("station", "sector").prefetch_related("supports").order_by("registered_on", "id")):
        businesses.setdefault(business.person_id, []).append(business)
    visited = {row["business__person_id"]: row["last"] for row in BusinessFollowUp.objects.visible_to(viewer)
               .filter(business__person_id__in=pks).values("business__person_id").annotate(last=Max("on"))
               .order_by()}
    for person in persons:
        seeker = seekers.get(person.pk)
        own_businesses = businesses.get(person.pk, [])
        station = seeker.station if seeker else (own_businesses[0].station if own_businesses else person.station)
        cells = [station.name, person.name, person.get_sex_display(), age_on(person.birth_date, today),
                 _day(getattr(person, "discharged", None)) or NONE, person.get_education_display() or NONE,
                 _wanted(seeker), _skills(seeker), *_referral_cells(referrals.get(person.pk, [])),
                 _training(courses.get(person.pk, [])), _businesses(own_businesses),
                 _last_follow_up(referrals.get(person.pk, []), visited.get(person.pk))]
        yield Row(person_id=person.pk, seeker_id=seeker.pk if seeker else None, cells=cells)


def _wanted(seeker) -> str:
    if seeker is None:
        return NONE
    return _joined([seeker.get_status_display(), seeker.wanted_work], "：")


def _skills(seeker) -> str:
    if seeker is None:
        return NONE
    skills = [skill.name for skill in seeker.skills.all()]
    certificates = [certificate.name for certificate in seeker.certificates.all()]
    text = _joined([_joined(skills), _joined(certificates)], "；")
    return text or NONE


def _referral_cells(referrals: list) -> list[str]:
    """推荐岗位 (how many, and the latest with its outcome) and 就业情况 (the latest job found, from when)."""
    if not referrals:
        return [NONE, NONE]
    latest = referrals[-1]
    referred = _("%(n)d; latest: %(title)s, %(employer)s — %(state)s") % {
        "n": len(referrals), "title": latest.posting.title, "employer": latest.posting.employer.name,
        "state": latest.get_state_display()}
    hired = [r for r in referrals if r.state in HIRED and r.start_date]
    if not hired:
        return [referred, NONE]
    job = max(hired, key=lambda r: (r.start_date, r.pk))
    employed = _("%(employer)s, %(title)s, from %(day)s") % {"employer": job.posting.employer.name,
                                                            "title": job.posting.title, "day": _day(job.start_date)}
    if job.still_employed is False:
        employed += _(" (no longer in the job)")
    return [referred, employed]


def _training(enrolments: list) -> str:
    return _joined(f"{e.course.title}（{_day(e.completed_on)}）" for e in enrolments) or NONE


def _businesses(businesses: list) -> str:
    parts = []
    for business in businesses:
        kinds = _joined(dict.fromkeys(str(s.get_kind_display()) for s in business.supports.all()))
        text = f"{business.name}（{business.sector.name}，{_day(business.registered_on)}）"
        if business.state == Business.State.CLOSED:
            text += _(" closed %(day)s") % {"day": _day(business.closed_on)}
        parts.append(_joined([text, kinds], "：") if kinds else text)
    return _joined(parts, "；") or NONE


def _last_follow_up(referrals: list, business_visit: date | None) -> str:
    job_visit = max((r for r in referrals if r.followed_up_on), key=lambda r: r.followed_up_on, default=None)
    if job_visit and (business_visit is None or job_visit.followed_up_on >= business_visit):
        words = _("in the job") if job_visit.still_employed else _("no longer in the job")
        return _("%(day)s, job: %(words)s") % {"day": _day(job_visit.followed_up_on), "words": words}
    if business_visit:
        return _("%(day)s, business") % {"day": _day(business_visit)}
    return NONE


def places(viewer, most: int = 500) -> list[tuple[str, str]] | None:
    """The stations and centres of the viewer's area for the region select; None when there are too many."""
    found = list(OrgUnit.objects.visible_to(viewer).filter(kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
                 .order_by("region_code").values_list("region_code", "name")[:most + 1])
    return found if len(found) <= most else None


def audit_query(flt: LedgerFilter) -> str:
    """The filters as the audit log keeps them: a long number typed into the name box never goes into it."""
    return replace(flt, q=re.sub(r"\d{6,}", "***", flt.q)).query()
