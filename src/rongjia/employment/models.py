"""就业创业 (SPEC C7): job seekers from the dossiers, 拥军 employers and their postings, matching and referrals,
job fairs, training courses and the businesses veterans start, with the support they were given.

Two kinds of scope meet here (decision 0018). What belongs to a person — the seeker profile, a referral, an
enrolment, a fair attendance, a business — carries the region code of the person's station when it was recorded
(`ScopedQuerySet`), exactly like the dossier. What a centre organises for everyone below it — an employer it
registered, the employer's postings, a fair, a course — belongs to the centre's jurisdiction (an unpadded prefix,
`BearingQuerySet`): its stations see it and refer their own seekers to it, a sibling county does not.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import BearingQuerySet, ScopedQuerySet
from rongjia.people.models import Person
from rongjia.people.reference import EDUCATION_CHOICES

MONEY = {"max_digits": 12, "decimal_places": 2}

# Education in rising order: a posting's minimum is met by this level or any later one.
EDUCATION_ORDER = [code for code, _label in EDUCATION_CHOICES if code]


class DrivingLicence(models.TextChoices):
    """机动车驾驶证 classes (公安部令第162号); `LICENCE_COVERS` says which classes each one also permits."""

    A1 = "A1", "A1 大型客车"
    A2 = "A2", "A2 重型牵引挂车"
    A3 = "A3", "A3 城市公交车"
    B1 = "B1", "B1 中型客车"
    B2 = "B2", "B2 大型货车"
    C1 = "C1", "C1 小型汽车"
    C2 = "C2", "C2 小型自动挡汽车"


LICENCE_COVERS = {
    "A1": {"A1", "A3", "B1", "B2", "C1", "C2"},
    "A2": {"A2", "B1", "B2", "C1", "C2"},
    "A3": {"A3", "C1", "C2"},
    "B1": {"B1", "C1", "C2"},
    "B2": {"B2", "C1", "C2"},
    "C1": {"C1", "C2"},
    "C2": {"C2"},
}


def licences_permitting(required: str) -> list[str]:
    """The classes whose holder may drive what `required` permits (a B2 posting is met by A1, A2 and B2)."""
    return sorted(held for held, covered in LICENCE_COVERS.items() if required in covered)


# --- reference data ---------------------------------------------------------------------------------------------

class Sector(models.Model):
    """行业: what an employer does and what a seeker would like to work in (reference data)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A civilian skill or trade (驾驶, 电工, 安保…) that postings require and seekers have (reference data)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name


class MilitarySpeciality(models.Model):
    """A military speciality (汽车驾驶员, 炊事员…) and the civilian skills it carries over to."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    skills = models.ManyToManyField(Skill, related_name="specialities", verbose_name=_("civilian skills"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("military speciality")
        verbose_name_plural = _("military specialities")

    def __str__(self):
        return self.name


# --- job seekers ------------------------------------------------------------------------------------------------

class Seeker(models.Model):
    """A person's job-seeker profile, kept by their station."""

    class Status(models.TextChoices):
        OFFERED = "offered", pgettext_lazy("seeker status", "Offered, to confirm")
        SEEKING = "seeking", pgettext_lazy("seeker status", "Seeking work")
        PLACED = "placed", pgettext_lazy("seeker status", "In work")
        SELF_EMPLOYED = "business", pgettext_lazy("seeker status", "Running a business")
        NOT_SEEKING = "not_seeking", pgettext_lazy("seeker status", "Not seeking now")

    class Source(models.TextChoices):
        NEED = "need", pgettext_lazy("seeker source", "Employment need in the dossier")
        RETURNING = "returning", pgettext_lazy("seeker source", "Newly discharged (返乡)")
        WORKER = "worker", pgettext_lazy("seeker source", "Registered by a worker")

    EMPLOYED = (Status.PLACED, Status.SELF_EMPLOYED)

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="seeker", verbose_name=_("person"))
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the station's, for scoping
    # Copied from the dossier so that matching ranks a province's seekers from this one table (decision 0018): where
    # the person lives, their education and whether they are on the books. Kept by a signal on every dossier save
    # and reconciled by the nightly review (bulk writers such as the ledger import skip signals).
    home_code = models.CharField(max_length=12, editable=False)
    education = models.CharField(max_length=10, choices=EDUCATION_CHOICES, blank=True, editable=False)
    on_books = models.BooleanField(default=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SEEKING)
    source = models.CharField(_("how the profile began"), max_length=10, choices=Source.choices,
                              default=Source.WORKER)
    wanted_work = models.CharField(_("work wanted"), max_length=100, blank=True)
    wanted_sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors wanted"))
    # A region prefix the person would work in ("" anywhere near home): 3201 (南京市), 320115 (江宁区)…
    wanted_place = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("place wanted"))
    wanted_place_code = models.CharField(max_length=12, blank=True, editable=False)
    wanted_pay = models.PositiveIntegerField(_("pay wanted (yuan a month)"), null=True, blank=True,
                                             validators=[MaxValueValidator(1_000_000)])
    skills = models.ManyToManyField(Skill, blank=True, related_name="seekers", verbose_name=_("skills"))
    specialities = models.ManyToManyField(MilitarySpeciality, blank=True, related_name="+",
                                          verbose_name=_("military specialities"))
    driving_licence = models.CharField(_("driving licence"), max_length=2, choices=DrivingLicence.choices,
                                       blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Why the person does not seek work now (升学, 已就业, 暂不就业…), when the status says so.
    reason = models.CharField(pgettext_lazy("seeker", "reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        indexes = [models.Index(fields=["region_code", "status"], name="seeker_region_status")]

    def __str__(self):
        return self.person.name


class Certificate(models.Model):
    """A certificate a seeker holds (电工证, 叉车证…), entered by a worker or earned on a course."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=60)
    number = models.CharField(_("certificate no."), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    course = models.ForeignKey("Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("course"))

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("certificate")

    def __str__(self):
        return self.name


# --- employers and postings -------------------------------------------------------------------------------------

class Employer(models.Model):
    """A 拥军企业 registered by a centre: visible to the centre's subtree (and above), not to a sibling."""

    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)
    registered_by = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registering centre"))
    name = models.CharField(pgettext_lazy("employer", "name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector"))
    place = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40)
    contact_phone = EncryptedTextField(_("contact phone"))
    commitments = models.TextField(_("拥军 commitments signed"), max_length=2000, blank=True)
    committed_on = models.DateField(_("commitments signed on"), null=True, blank=True)
    active = models.BooleanField(_("in partnership"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self):
        return self.name


class Posting(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="postings",
                                 verbose_name=_("employer"))
    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)  # the employer's
    title = models.CharField(pgettext_lazy("posting", "title"), max_length=60)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector"))
    place = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("place of work"))
    place_code = models.CharField(max_length=12, editable=False)
    pay_min = models.PositiveIntegerField(_("pay from (yuan a month)"), validators=[MaxValueValidator(1_000_000)])
    pay_max = models.PositiveIntegerField(_("pay up to (yuan a month)"), validators=[MaxValueValidator(1_000_000)])
    places = models.PositiveSmallIntegerField(_("places available"), validators=[MinValueValidator(1)])
    requirements = models.TextField(_("requirements"), max_length=2000, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="postings", verbose_name=_("skills required"))
    min_education = models.CharField(_("lowest education"), max_length=10, choices=EDUCATION_CHOICES, blank=True)
    driving_licence = models.CharField(_("driving licence required"), max_length=2, choices=DrivingLicence.choices,
                                       blank=True)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("closing date"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="posting_closes_after_opening"),
            models.CheckConstraint(condition=Q(pay_max__gte=F("pay_min")), name="posting_pay_range"),
        ]

    def __str__(self):
        return self.title

    def is_open(self, today) -> bool:
        return not self.withdrawn and self.opens_on <= today <= self.closes_on


# --- referrals --------------------------------------------------------------------------------------------------

class Referral(models.Model):
    """A worker refers a seeker to a posting; the outcome is recorded on core's engine (`workflow.REFERRAL`)."""

    class State(models.TextChoices):
        REFERRED = "referred", pgettext_lazy("referral state", "Referred")
        INTERVIEW = "interview", pgettext_lazy("referral state", "Interview arranged")
        HIRED = "hired", pgettext_lazy("referral state", "Hired")
        NOT_HIRED = "not_hired", pgettext_lazy("referral state", "Not hired")
        FOLLOWED_UP = "followed_up", pgettext_lazy("referral state", "Followed up")

    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("job seeker"))
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("posting"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the seeker's
    fair = models.ForeignKey("Fair", on_delete=models.PROTECT, null=True, blank=True, related_name="offers",
                             verbose_name=_("job fair"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REFERRED)
    referred_on = models.DateField(_("referred on"))
    score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    interview_on = models.DateField(_("interview on"), null=True, blank=True)
    start_date = models.DateField(_("starts work on"), null=True, blank=True)
    reason = models.CharField(pgettext_lazy("not hired", "reason"), max_length=200, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    still_employed = models.BooleanField(_("still in the job"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("referred by"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("job referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["region_code", "state"], name="referral_region_state")]
        constraints = [models.UniqueConstraint(fields=["seeker", "posting"], name="referral_once_per_posting")]

    def __str__(self):
        return f"{self.seeker} → {self.posting}"


class ReferralEvent(models.Model):
    """One step of a referral, in words on its history."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.referral_id} {self.action}"


# --- job fairs --------------------------------------------------------------------------------------------------

class Fair(models.Model):
    """A 专场招聘会 held by a centre or station for its subtree."""

    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)
    organiser = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    title = models.CharField(pgettext_lazy("fair", "title"), max_length=80)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200)
    employers = models.ManyToManyField(Employer, blank=True, related_name="fairs", verbose_name=_("employers"))
    postings = models.ManyToManyField(Posting, blank=True, related_name="fairs", verbose_name=_("postings"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")

    def __str__(self):
        return self.title


class FairGuest(models.Model):
    """A seeker invited to a fair and, once scanned at the door, attending: one row per seeker and fair, so a
    second scan finds the first and changes nothing."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="guests")
    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="fair_visits",
                               verbose_name=_("job seeker"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the seeker's
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["fair", "id"]
        verbose_name = _("fair guest")
        constraints = [models.UniqueConstraint(fields=["fair", "seeker"], name="fair_guest_once")]

    def __str__(self):
        return f"{self.fair} · {self.seeker}"


# --- training ---------------------------------------------------------------------------------------------------

class Course(models.Model):
    class Kind(models.TextChoices):
        ADAPTIVE = "adaptive", pgettext_lazy("course kind", "Adaptive training (适应性培训)")
        SKILL = "skill", pgettext_lazy("course kind", "Vocational skills (职业技能培训)")
        DEGREE = "degree", pgettext_lazy("course kind", "Degree education (学历教育)")

    jurisdiction_code = models.CharField(max_length=12, db_index=True, editable=False)
    organiser = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    kind = models.CharField(pgettext_lazy("course", "kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("course", "title"), max_length=80)
    provider = models.CharField(_("provider"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    sessions = models.PositiveSmallIntegerField(_("sessions"), default=1, validators=[MinValueValidator(1)])
    # What completing it gives: a certificate on the seeker's profile and, if named, a skill.
    certificate = models.CharField(_("certificate awarded"), max_length=60, blank=True)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("skill taught"))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start")]

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    class State(models.TextChoices):
        ENROLLED = "enrolled", pgettext_lazy("enrolment state", "Enrolled")
        COMPLETED = "completed", pgettext_lazy("enrolment state", "Completed")
        DROPPED = "dropped", pgettext_lazy("enrolment state", "Dropped out")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course"))
    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name=_("job seeker"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the seeker's
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ENROLLED)
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate no."), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["course", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["course", "seeker"], name="enrolment_once")]

    def __str__(self):
        return f"{self.seeker} · {self.course}"


# --- entrepreneurship -------------------------------------------------------------------------------------------

class Business(models.Model):
    """A business a veteran started, kept by the person's station."""

    class State(models.TextChoices):
        OPERATING = "operating", pgettext_lazy("business state", "Operating")
        CLOSED = "closed", pgettext_lazy("business state", "Closed")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("person"))
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    name = models.CharField(pgettext_lazy("business", "name"), max_length=100)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector"))
    registered_on = models.DateField(_("registered on"))
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    employees = models.PositiveSmallIntegerField(_("employees"), default=0)
    veterans_employed = models.PositiveSmallIntegerField(_("veterans employed"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPERATING)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [models.CheckConstraint(condition=Q(veterans_employed__lte=F("employees")),
                                              name="business_veterans_among_employees")]

    def __str__(self):
        return self.name


class ThroughBusinessQuerySet(ScopedQuerySet):
    scope_field = "business__region_code"


class Support(models.Model):
    """Support given to a business: a 创业担保贷款, a place in an incubator, tax relief, mentoring."""

    class Kind(models.TextChoices):
        LOAN = "loan", pgettext_lazy("support kind", "Business guarantee loan (创业担保贷款)")
        INCUBATOR = "incubator", pgettext_lazy("support kind", "Incubator place (孵化基地)")
        TAX = "tax", pgettext_lazy("support kind", "Tax relief (税收减免)")
        MENTORING = "mentoring", pgettext_lazy("support kind", "Mentoring (创业指导)")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(pgettext_lazy("support", "kind"), max_length=10, choices=Kind.choices)
    given_on = models.DateField(_("given on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(360)])
    provider = models.CharField(_("given by"), max_length=100, blank=True)  # the bank, the incubator, the mentor
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ThroughBusinessQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("business support")

    def __str__(self):
        return f"{self.business} · {self.get_kind_display()}"


class BusinessFollowUp(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("followed up on"))
    operating = models.BooleanField(_("still operating"), default=True)
    employees = models.PositiveSmallIntegerField(_("employees"), default=0)
    note = models.CharField(_("what the visit found"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ThroughBusinessQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("business follow-up")

    def __str__(self):
        return f"{self.business} · {self.on}"
