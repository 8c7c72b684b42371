"""API: employment and training 就业创业 (SPEC C7): job seekers, postings, the ranked seekers for a posting
(`/matches?posting=`), referrals with their outcome steps, job fairs with check-in, and courses with enrolment.

The same services, selectors, machine and scoping as the pages: a record outside the caller's scope is 404, a
stale `version` 409, bad input 422 with the messages by field (nothing is changed), a missing capability 403. A
fair's guests and a course's enrolments are narrowed to the caller's own people again, as on the pages.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from rongjia.api.assistance import require
from rongjia.api.pagination import Pages
from rongjia.core.history import actor_name
from rongjia.core.masking import mask_phone
from rongjia.core.models import Region
from rongjia.core.scoping import get_visible_or_404, region_prefix_or_404
from rongjia.core.workflow import IllegalStep, steps_open_to
from rongjia.employment import matching, services_courses, services_fairs, services_postings, services_referrals
from rongjia.employment.models import Course, Employer, Enrolment, Fair, FairGuest, Posting, Referral, Seeker, Skill
from rongjia.employment.workflow import REFERRAL

VIEW, HANDLE, MANAGE = "employment.view", "employment.handle", "employment.manage"
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]  # ISO text: a bare number would be read as a Unix time
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

seekers_router = Router(tags=["employment"])
postings_router = Router(tags=["employment"])
matches_router = Router(tags=["employment"])
referrals_router = Router(tags=["employment"])
fairs_router = Router(tags=["employment"])
courses_router = Router(tags=["employment"])


# --- seekers ---------------------------------------------------------------------------------------------------

class SeekerOut(Schema):
    id: int
    person_id: int
    name: str
    station: str
    status: str
    status_label: str
    source: str
    wanted_work: str
    wanted_sectors: list[str]
    wanted_place: str
    wanted_pay: int | None
    skills: list[str]
    specialities: list[str]
    certificates: list[str]
    driving_licence: str
    education: str
    available_from: date | None
    version: int

    @staticmethod
    def resolve_name(seeker) -> str:
        return seeker.person.name

    @staticmethod
    def resolve_station(seeker) -> str:
        return seeker.station.name

    @staticmethod
    def resolve_status_label(seeker) -> str:
        return str(seeker.get_status_display())

    @staticmethod
    def resolve_wanted_sectors(seeker) -> list[str]:
        return [sector.name for sector in seeker.wanted_sectors.all()]

    @staticmethod
    def resolve_wanted_place(seeker) -> str:
        return seeker.wanted_place.name if seeker.wanted_place else ""

    @staticmethod
    def resolve_skills(seeker) -> list[str]:
        return [skill.name for skill in seeker.skills.all()]

    @staticmethod
    def resolve_specialities(seeker) -> list[str]:
        return [speciality.name for speciality in seeker.specialities.all()]

    @staticmethod
    def resolve_certificates(seeker) -> list[str]:
        return [certificate.name for certificate in seeker.certificates.all()]

    @staticmethod
    def resolve_education(seeker) -> str:
        return str(seeker.person.get_education_display()) if seeker.person.education else ""


def _seekers(user):
    return (Seeker.objects.visible_to(user).select_related("person", "station", "wanted_place")
            .prefetch_related("wanted_sectors", "skills", "specialities", "certificates"))


@seekers_router.get("/", response=list[SeekerOut])
@paginate(Pages, page_size=50)
def seeker_list(request, status: Seeker.Status | None = None, region: str | None = None, skill: int | None = None,
                person: int | None = None):
    """The job seekers in the caller's scope: `status` (offered: profiles the nightly review offered, to confirm),
    `region` (a region code prefix inside the scope), `skill` (a skill's id), `person` (a dossier's id)."""
    require(request.auth)
    seekers = _seekers(request.auth).order_by("region_code", "id")
    if status:
        seekers = seekers.filter(status=status)
    if region:
        seekers = seekers.in_subtree(region_prefix_or_404(request.auth, region))
    if skill is not None:
        seekers = seekers.filter(skills=skill)
    if person is not None:
        seekers = seekers.filter(person_id=person)
    return seekers


@seekers_router.get("/{seeker_id}", response=SeekerOut)
def seeker_detail(request, seeker_id: int):
    require(request.auth)
    return get_visible_or_404(_seekers(request.auth), request.auth, pk=seeker_id)


# --- postings --------------------------------------------------------------------------------------------------

class PostingOut(Schema):
    id: int
    title: str
    employer_id: int
    employer: str
    employer_contact: str
    sector: str
    place: str
    pay_min: int
    pay_max: int
    places: int
    hired: int
    requirements: str
    skills: list[str]
    min_education: str
    driving_licence: str
    opens_on: date
    closes_on: date
    open: bool
    version: int

    @staticmethod
    def resolve_employer(posting) -> str:
        return posting.employer.name

    @staticmethod
    def resolve_employer_contact(posting) -> str:
        return f"{posting.employer.contact_name} {mask_phone(posting.employer.contact_phone)}"

    @staticmethod
    def resolve_sector(posting) -> str:
        return posting.sector.name

    @staticmethod
    def resolve_place(posting) -> str:
        return posting.place.name

    @staticmethod
    def resolve_skills(posting) -> list[str]:
        return [skill.name for skill in posting.skills.all()]

    @staticmethod
    def resolve_open(posting) -> bool:
        return posting.is_open(timezone.localdate())


class PostingIn(Schema):
    employer_id: Id
    title: str = Field(min_length=1, max_length=60)
    place_code: str = Field(pattern=r"^\d{12}$")
    pay_min: int = Field(ge=0, le=1_000_000)
    pay_max: int = Field(ge=0, le=1_000_000)
    places: int = Field(ge=1, le=10_000)
    opens_on: Day
    closes_on: Day
    skill_ids: list[Id] = []
    min_education: str = ""
    driving_licence: str = ""
    requirements: str = Field("", max_length=2000)


def _postings(user):
    return (Posting.objects.visible_to(user).select_related("employer", "sector", "place")
            .prefetch_related("skills")
            .annotate(hired=Count("referrals", filter=Q(referrals__state__in=["hired", "followed_up"]))))


@postings_router.get("/", response=list[PostingOut])
@paginate(Pages, page_size=50)
def posting_list(request, open: bool | None = None, employer: int | None = None, sector: int | None = None):
    """The postings the caller may see (its own jurisdiction's, those above it and those inside it): `open=1` open
    today, `open=0` not (closed, withdrawn or not yet open), `employer`, `sector` (ids)."""
    require(request.auth)
    postings = _postings(request.auth).order_by("closes_on", "id")
    today = timezone.localdate()
    is_open = Q(withdrawn=False, opens_on__lte=today, closes_on__gte=today)
    if open is not None:
        postings = postings.filter(is_open if open else ~is_open)
    if employer is not None:
        postings = postings.filter(employer_id=employer)
    if sector is not None:
        postings = postings.filter(sector_id=sector)
    return postings


@postings_router.get("/{posting_id}", response=PostingOut)
def posting_detail(request, posting_id: int):
    require(request.auth)
    return get_visible_or_404(_postings(request.auth), request.auth, pk=posting_id)


@postings_router.post("/", response={201: PostingOut, 422: dict})
def posting_create(request, payload: PostingIn):
    """A posting of an employer the caller's centre may change (`employment.manage`)."""
    require(request.auth, MANAGE)
    employer = get_visible_or_404(Employer.objects.all(), request.auth, pk=payload.employer_id)
    place = Region.objects.filter(code=payload.place_code).first()
    if place is None:
        raise ValidationError({"place_code": _("No such place: choose a region by its 12-digit code.")})
    posting = services_postings.posting_create(
        actor=request.auth, employer=employer, title=payload.title, place=place, pay_min=payload.pay_min,
        pay_max=payload.pay_max, places=payload.places, opens_on=date.fromisoformat(payload.opens_on),
        closes_on=date.fromisoformat(payload.closes_on), skills=list(Skill.objects.filter(pk__in=payload.skill_ids)),
        min_education=payload.min_education, driving_licence=payload.driving_licence,
        requirements=payload.requirements)
    return Status(201, get_visible_or_404(_postings(request.auth), request.auth, pk=posting.pk))


# --- matches ---------------------------------------------------------------------------------------------------

class MatchOut(Schema):
    seeker_id: int
    person_id: int
    name: str
    station: str
    score: int
    skill_part: int
    place_part: int
    education_part: int
    preference_part: int

    @staticmethod
    def resolve_seeker_id(seeker) -> int:
        return seeker.pk

    @staticmethod
    def resolve_name(seeker) -> str:
        return seeker.person.name

    @staticmethod
    def resolve_station(seeker) -> str:
        return seeker.station.name


@matches_router.get("/", response=list[MatchOut])
@paginate(Pages, page_size=50)
def matches(request, posting: Id):
    """The seekers in the caller's scope ranked for a posting, best first, with the four parts of the score
    (skills 40, place 30, education 20, preference 10; they add up to `score`). Seekers who cannot take the job
    (not seeking, not on the books, not available by the closing date, without the licence it needs) are left out."""
    require(request.auth)
    chosen = get_visible_or_404(Posting.objects.all(), request.auth, pk=posting)
    return matching.ranked_seekers(request.auth, chosen, timezone.localdate())


# --- referrals -------------------------------------------------------------------------------------------------

class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    note: str
    at: datetime
    actor: str

    @staticmethod
    def resolve_actor(event) -> str:
        return actor_name(event.actor)


class ReferralOut(Schema):
    id: int
    seeker_id: int
    name: str
    posting_id: int
    posting: str
    employer: str
    fair_id: int | None
    state: str
    state_label: str
    referred_on: date
    score: int | None
    interview_on: date | None
    start_date: date | None
    reason: str
    follow_up_due: date | None
    followed_up_on: date | None
    still_employed: bool | None
    version: int

    @staticmethod
    def resolve_name(referral) -> str:
        return referral.seeker.person.name

    @staticmethod
    def resolve_posting(referral) -> str:
        return referral.posting.title

    @staticmethod
    def resolve_employer(referral) -> str:
        return referral.posting.employer.name

    @staticmethod
    def resolve_state_label(referral) -> str:
        return str(referral.get_state_display())


class ReferralDetailOut(ReferralOut):
    events: list[EventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(referral) -> list:
        return list(referral.events.all())

    @staticmethod
    def resolve_allowed_actions(referral, context) -> list[str]:
        return steps_open_to(REFERRAL, referral, context["request"].auth)


class ReferralIn(Schema):
    seeker_id: Id
    posting_id: Id
    note: str = Field("", max_length=300)


class StepData(Schema):
    interview_on: Day | None = None
    start_date: Day | None = None
    followed_up_on: Day | None = None
    still_employed: bool | None = None
    follow_up_note: str | None = Field(None, max_length=300)


class StepIn(Schema):
    action: str = Field(max_length=20)
    version: int
    note: str = Field("", max_length=300)
    data: StepData = StepData()


def _referrals(user):
    return Referral.objects.visible_to(user).select_related("seeker__person", "posting__employer")


def _referral(request, pk: int) -> Referral:
    return get_visible_or_404(_referrals(request.auth).prefetch_related("events__actor"), request.auth, pk=pk)


@referrals_router.get("/", response=list[ReferralOut])
@paginate(Pages, page_size=50)
def referral_list(request, state: Referral.State | None = None, posting: int | None = None,
                  seeker: int | None = None, fair: int | None = None):
    """The referrals of the caller's seekers: `state`, `posting`, `seeker`, `fair` (offers made at a fair)."""
    require(request.auth)
    referrals = _referrals(request.auth)
    for field, value in (("state", state), ("posting_id", posting), ("seeker_id", seeker), ("fair_id", fair)):
        if value:
            referrals = referrals.filter(**{field: value})
    return referrals


@referrals_router.post("/", response={201: ReferralDetailOut, 422: dict})
def referral_create(request, payload: ReferralIn):
    """Refer a seeker of the caller's scope to an open posting (the score it was made with is kept)."""
    require(request.auth, HANDLE)
    seeker = get_visible_or_404(Seeker.objects.all(), request.auth, pk=payload.seeker_id)
    posting = get_visible_or_404(Posting.objects.all(), request.auth, pk=payload.posting_id)
    referral = services_referrals.referral_create(actor=request.auth, seeker=seeker, posting=posting,
                                                  note=payload.note)
    return Status(201, _referral(request, referral.pk))


@referrals_router.get("/{job_referral_id}", response=ReferralDetailOut)
def referral_detail(request, job_referral_id: int):
    require(request.auth)
    return _referral(request, job_referral_id)


@referrals_router.post("/{job_referral_id}/transitions", response={200: ReferralDetailOut, 409: dict, 422: dict})
def referral_transition(request, job_referral_id: int, payload: StepIn):
    """interview (`data.interview_on`), hire (`data.start_date`: the six-month follow-up falls due from it),
    not_hired (a `note` with the reason), follow_up (`data.followed_up_on`, `still_employed`, `follow_up_note`).
    422 with `allowed` for a step the state does not allow, 409 for a stale `version`."""
    referral = get_visible_or_404(Referral.objects.all(), request.auth, pk=job_referral_id)
    data = {key: date.fromisoformat(value) if key.endswith(("_on", "_date")) and value else value
            for key, value in payload.data.model_dump(exclude_none=True).items()}
    try:
        services_referrals.referral_step(actor=request.auth, referral=referral, action=payload.action,
                                         version=payload.version, note=payload.note, data=data)
    except IllegalStep as illegal:
        return Status(422, {"detail": illegal.messages[0], "allowed": illegal.allowed})
    return _referral(request, referral.pk)


# --- fairs -----------------------------------------------------------------------------------------------------

class FairOut(Schema):
    id: int
    title: str
    date: date
    venue: str
    organiser: str
    employers: list[str]
    posting_ids: list[int]
    invited: int  # of the caller's own people
    attending: int  # of the caller's own people
    version: int

    @staticmethod
    def resolve_organiser(fair) -> str:
        return fair.organiser.name

    @staticmethod
    def resolve_employers(fair) -> list[str]:
        return [employer.name for employer in fair.employers.all()]

    @staticmethod
    def resolve_posting_ids(fair) -> list[int]:
        return [posting.pk for posting in fair.postings.all()]


class CheckInIn(Schema):
    id_number: str = Field("", max_length=20)
    code: str = Field("", max_length=200)


class CheckInOut(Schema):
    fair_id: int
    seeker_id: int
    name: str
    checked_in_at: datetime
    new: bool  # false when the guest had been checked in already (nothing changed)


def _fairs(user):
    own_guests = FairGuest.objects.visible_to(user).values("pk")
    return (Fair.objects.visible_to(user).select_related("organiser").prefetch_related("employers", "postings")
            .annotate(invited=Count("guests", filter=Q(guests__in=own_guests), distinct=True),
                      attending=Count("guests", filter=Q(guests__in=own_guests, guests__checked_in_at__isnull=False),
                                      distinct=True)))


@fairs_router.get("/", response=list[FairOut])
@paginate(Pages, page_size=50)
def fair_list(request, upcoming: bool | None = None):
    """The job fairs the caller may see; `upcoming=1` from today on. The guest counts are of the caller's people."""
    require(request.auth)
    fairs = _fairs(request.auth).order_by("-date", "-id")
    if upcoming is not None:
        today = timezone.localdate()
        fairs = fairs.filter(date__gte=today) if upcoming else fairs.filter(date__lt=today)
    return fairs


@fairs_router.get("/{fair_id}", response=FairOut)
def fair_detail(request, fair_id: int):
    require(request.auth)
    return get_visible_or_404(_fairs(request.auth), request.auth, pk=fair_id)


@fairs_router.post("/{fair_id}/check-in", response={200: CheckInOut, 201: CheckInOut, 422: dict})
def fair_check_in(request, fair_id: int, payload: CheckInIn):
    """Check a guest in on the fair's day, by ID number or by the code of the invitation's QR code: 201 the first
    time, 200 with `new` false when the guest was checked in already (nothing changes); another day 422."""
    require(request.auth, HANDLE)
    fair = get_visible_or_404(Fair.objects.all(), request.auth, pk=fair_id)
    guest, new = services_fairs.fair_check_in(actor=request.auth, fair=fair, id_number=payload.id_number,
                                              code=payload.code)
    body = {"fair_id": fair.pk, "seeker_id": guest.seeker_id, "name": guest.seeker.person.name,
            "checked_in_at": guest.checked_in_at, "new": new}
    return Status(201 if new else 200, body)


# --- courses ---------------------------------------------------------------------------------------------------

class CourseOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    provider: str
    organiser: str
    starts_on: date
    ends_on: date
    places: int
    taken: int  # places taken, by anyone (the cap is the course's)
    sessions: int
    certificate: str
    enrolled: int  # of the caller's own people
    completed: int  # of the caller's own people
    version: int

    @staticmethod
    def resolve_kind_label(course) -> str:
        return str(course.get_kind_display())

    @staticmethod
    def resolve_organiser(course) -> str:
        return course.organiser.name


class EnrolIn(Schema):
    seeker_id: Id


class EnrolmentOut(Schema):
    id: int
    course_id: int
    seeker_id: int
    name: str
    state: str
    sessions_attended: int
    completed_on: date | None
    version: int

    @staticmethod
    def resolve_name(enrolment) -> str:
        return enrolment.seeker.person.name


def _courses(user):
    own = Enrolment.objects.visible_to(user).values("pk")
    taken = ~Q(enrolments__state=Enrolment.State.DROPPED)
    return (Course.objects.visible_to(user).select_related("organiser")
            .annotate(taken=Count("enrolments", filter=taken, distinct=True),
                      enrolled=Count("enrolments", filter=Q(enrolments__in=own), distinct=True),
                      completed=Count("enrolments", filter=Q(enrolments__in=own,
                                                             enrolments__state=Enrolment.State.COMPLETED),
                                      distinct=True)))


@courses_router.get("/", response=list[CourseOut])
@paginate(Pages, page_size=50)
def course_list(request, kind: Course.Kind | None = None):
    """The courses the caller may see: `kind` (adaptive, skill, degree). Enrolment counts are of the caller's people;
    `taken` counts every place taken, which is what a new enrolment is checked against."""
    require(request.auth)
    courses = _courses(request.auth).order_by("-starts_on", "-id")
    return courses.filter(kind=kind) if kind else courses


@courses_router.get("/{course_id}", response=CourseOut)
def course_detail(request, course_id: int):
    require(request.auth)
    return get_visible_or_404(_courses(request.auth), request.auth, pk=course_id)


@courses_router.post("/{course_id}/enrolments", response={201: EnrolmentOut, 422: dict})
def course_enrol(request, course_id: int, payload: EnrolIn):
    """Enrol a seeker of the caller's scope; refused (422) when every place is taken or the seeker is enrolled."""
    require(request.auth, HANDLE)
    course = get_visible_or_404(Course.objects.all(), request.auth, pk=course_id)
    seeker = get_visible_or_404(Seeker.objects.all(), request.auth, pk=payload.seeker_id)
    enrolment = services_courses.enrol(actor=request.auth, course=course, seeker=seeker)
    return Status(201, Enrolment.objects.select_related("seeker__person").get(pk=enrolment.pk))
