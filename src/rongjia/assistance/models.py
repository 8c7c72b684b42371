"""帮扶援助 (SPEC C5): the hardship ledger, pairings, aid applications from registration to payment, the funds
that pay them and referrals to other departments.

An application's states and steps are declared once, in `workflow.py`, on core's engine; each step is an
`AidEvent` with who, when, the level, the opinion and the amount proposed. A fund's balance is stored on the
fund and changed only with a ledger entry in the same transaction (`funds.py`), so the balance always equals
its income less its outgoings and a database constraint keeps it from going below zero.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.models import OrgUnit
from rongjia.core.regions import LEVEL_CHOICES
from rongjia.core.scoping import BearingQuerySet, ScopedQuerySet
from rongjia.people.models import Person

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- the hardship ledger 困难台账 -------------------------------------------------------------------------------

class HardshipKind(models.Model):
    """因病, 因残, 因灾…: a list that is data (the system administrator may add to it)."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kind of hardship")

    def __str__(self):
        return self.name


class HardshipEntry(models.Model):
    class Level(models.TextChoices):
        ORDINARY = "ordinary", pgettext_lazy("hardship level", "Ordinary (一般困难)")
        SERIOUS = "serious", pgettext_lazy("hardship level", "Serious (较重困难)")
        EXTREME = "extreme", pgettext_lazy("hardship level", "Extreme (特别困难)")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hardship_entries",
                               verbose_name=_("person"))
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the person's, when entered
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.ForeignKey(HardshipKind, on_delete=models.PROTECT, verbose_name=_("kind of hardship"))
    cause = models.TextField(_("cause"), max_length=1000)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.ORDINARY)
    household_size = models.PositiveSmallIntegerField(_("people in the household"), default=1,
                                                      validators=[MinValueValidator(1), MaxValueValidator(30)])
    monthly_income = models.DecimalField(_("household income per month (yuan)"), **MONEY, default=0,
                                         validators=[MinValueValidator(0)])
    household_facts = models.TextField(_("household facts"), max_length=2000, blank=True)
    since = models.DateField(_("in hardship since"))
    until = models.DateField(_("out of hardship on"), null=True, blank=True)
    review_due = models.DateField(_("next review due"))
    key = models.BooleanField(_("key person in hardship (重点困难对象)"), default=False)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["region_code", "review_due"], name="hardship_region_review")]
        verbose_name = _("hardship entry")
        verbose_name_plural = _("hardship ledger")

    def __str__(self):
        return f"{self.person.name} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.until is None

    def review_overdue(self, today) -> bool:
        """In Python what `selectors.review_overdue_q` asks of the database."""
        return self.until is None and self.review_due < today


class ThroughEntryQuerySet(ScopedQuerySet):
    scope_field = "entry__region_code"


class HardshipReview(models.Model):
    """A periodic review: the level found and the next review date, in words on the entry's history."""

    entry = models.ForeignKey(HardshipEntry, on_delete=models.CASCADE, related_name="reviews")
    on = models.DateField(_("reviewed on"))
    level = models.CharField(_("level"), max_length=10, choices=HardshipEntry.Level.choices)
    note = models.TextField(_("findings"), max_length=1000)
    next_due = models.DateField(_("next review due"), null=True, blank=True)
    closed = models.BooleanField(_("out of hardship"), default=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ThroughEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("hardship review")

    def __str__(self):
        return f"{self.entry} · {self.on}"


# --- pairing 结对帮扶 --------------------------------------------------------------------------------------------

class Pairing(models.Model):
    class HelperKind(models.TextChoices):
        STAFF = "staff", pgettext_lazy("helper kind", "Staff member")
        VETERAN = "veteran", pgettext_lazy("helper kind", "Outstanding veteran")
        COMPANY = "company", pgettext_lazy("helper kind", "Company")
        ARMY = "army", pgettext_lazy("helper kind", "Unit of the armed forces")
        ORGANISATION = "organisation", pgettext_lazy("helper kind", "Social organisation")

    entry = models.ForeignKey(HardshipEntry, on_delete=models.CASCADE, related_name="pairings",
                              verbose_name=_("hardship entry"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the entry's
    helper_kind = models.CharField(_("helper"), max_length=12, choices=HelperKind.choices)
    helper_name = models.CharField(_("helper's name"), max_length=100)
    # an outstanding veteran from the dossiers: the pairing shows on their dossier too
    helper_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("helper's dossier"))
    helper_contact = models.CharField(_("helper's contact"), max_length=100, blank=True)
    plan = models.TextField(_("plan"), max_length=2000)
    since = models.DateField(_("paired since"))
    until = models.DateField(_("ended on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("pairing")

    def __str__(self):
        return f"{self.helper_name} → {self.entry.person.name}"


class ThroughPairingQuerySet(ScopedQuerySet):
    scope_field = "pairing__region_code"


class PairingHelp(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", pgettext_lazy("help kind", "Visit")
        MONEY = "money", pgettext_lazy("help kind", "Money")
        GOODS = "goods", pgettext_lazy("help kind", "Goods")
        JOB = "job", pgettext_lazy("help kind", "Job")
        PROJECT = "project", pgettext_lazy("help kind", "Project")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="help_given")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind of help"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("what was given or done"), max_length=300)
    amount = models.DecimalField(_("worth (yuan)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ThroughPairingQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("help given")

    def __str__(self):
        return f"{self.on} {self.description}"


# --- aid: kinds, funds, applications -------------------------------------------------------------------------

class AidKind(models.Model):
    """A kind of aid as data: who may apply, the documents, the cap, the levels that review, the 公示."""

    class NameMask(models.TextChoices):
        SURNAME = "surname", pgettext_lazy("name mask", "Surname only (张**)")
        ENDS = "ends", pgettext_lazy("name mask", "First and last character (张*丰)")

    jurisdiction_code = models.CharField(max_length=12, db_index=True, blank=True)  # "": every jurisdiction
    name = models.CharField(_("name"), max_length=40)
    who_may_apply = models.TextField(_("who may apply"), max_length=1000)
    documents = models.JSONField(_("documents required"), default=list)  # ["申请书", "医疗费用票据"…]
    cap = models.DecimalField(_("most that may be granted (yuan)"), **MONEY, validators=[MinValueValidator(1)])
    levels = models.JSONField(_("levels that review"), default=list)  # [5, 4, 3]: 村 → 乡 → 县, the last approves
    publicity_days = models.PositiveSmallIntegerField(_("公示 (working days)"), default=5,
                                                      validators=[MinValueValidator(1), MaxValueValidator(30)])
    name_mask = models.CharField(_("names on the 公示 sheet"), max_length=10, choices=NameMask.choices,
                                 default=NameMask.SURNAME)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kind of aid")

    def __str__(self):
        return self.name

    def levels_for(self, unit_level: int) -> list[int]:
        """The levels that review an application registered at a unit of `unit_level`, bottom up: a township
        station's application starts at the township."""
        return sorted((level for level in self.levels if level <= unit_level), reverse=True)


class Fund(models.Model):
    class Kind(models.TextChoices):
        CARE = "care", pgettext_lazy("fund kind", "Care fund (关爱基金)")
        EMERGENCY = "emergency", pgettext_lazy("fund kind", "Emergency budget line")
        CAMPAIGN = "campaign", pgettext_lazy("fund kind", "Campaign money")
        OTHER = "other", pgettext_lazy("fund kind", "Other")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=pgettext_lazy("fund holder", "held by"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the holding unit's
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CARE)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    balance = models.DecimalField(_("balance (yuan)"), **MONEY, default=0, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "name"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="fund_balance_not_negative"),
                       models.UniqueConstraint(fields=["unit", "name"], name="fund_name_per_unit")]
        verbose_name = pgettext_lazy("fund account", "fund")

    def __str__(self):
        return self.name


class FundEntryQuerySet(ScopedQuerySet):
    scope_field = "fund__region_code"


class FundEntry(models.Model):
    class Source(models.TextChoices):
        ALLOCATION = "allocation", pgettext_lazy("fund source", "Budget allocation")
        DONATION = "donation", pgettext_lazy("fund source", "Donation")
        AID = "aid", pgettext_lazy("fund source", "Aid granted")
        VISIT = "visit", pgettext_lazy("fund source", "Visit money (慰问金)")
        OTHER_OUT = "other_out", pgettext_lazy("fund source", "Other spending")

    INCOME = (Source.ALLOCATION, Source.DONATION)

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    source = models.CharField(_("kind"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)  # positive in, negative out
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    on = models.DateField(_("date"))
    donor = models.CharField(_("donor"), max_length=100, blank=True)
    restriction = models.CharField(_("restriction"), max_length=200, blank=True)  # 定向: what a donation is for
    note = models.CharField(_("note"), max_length=300, blank=True)
    application = models.OneToOneField("AidApplication", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="fund_entry")  # one payment per application, at most
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FundEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="fund_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="fund_entry_balance_not_negative"),
        ]
        verbose_name = _("fund entry")

    def __str__(self):
        return f"{self.on} {self.amount}"


class ApplicationQuerySet(ScopedQuerySet):
    scope_field = "region_code"  # the registering station's: it and every centre above it see the application


class AidApplication(models.Model):
    class State(models.TextChoices):
        REVIEWING = "reviewing", pgettext_lazy("aid state", "Under review")
        PUBLICITY = "publicity", pgettext_lazy("aid state", "Publicly posted (公示)")
        APPROVED = "approved", pgettext_lazy("aid state", "Approved")
        PAID = "paid", pgettext_lazy("aid state", "Paid")
        REJECTED = "rejected", pgettext_lazy("aid state", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("aid state", "Withdrawn")

    class Method(models.TextChoices):
        BANK = "bank", pgettext_lazy("payment method", "Bank transfer")
        CASH = "cash", pgettext_lazy("payment method", "Cash, against a signed receipt")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aid_applications",
                               verbose_name=_("applicant"))
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.ForeignKey(AidKind, on_delete=models.PROTECT, verbose_name=_("kind of aid"))
    reason = models.TextField(_("reason"), max_length=2000)
    amount_requested = models.DecimalField(_("amount asked (yuan)"), **MONEY, validators=[MinValueValidator(1)])
    amount_proposed = models.DecimalField(_("amount proposed (yuan)"), **MONEY, null=True, blank=True)
    amount_approved = models.DecimalField(_("amount approved (yuan)"), **MONEY, null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REVIEWING)
    level = models.PositiveSmallIntegerField(_("reviewed now at"), choices=LEVEL_CHOICES)  # the level whose turn it is
    levels = models.JSONField(default=list, editable=False)  # the kind's levels for this station, fixed at registration
    registered_on = models.DateField(_("registered on"))
    publicity_from = models.DateField(_("公示 from"), null=True, blank=True)
    publicity_until = models.DateField(_("公示 until"), null=True, blank=True)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
                             verbose_name=_("fund"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_method = models.CharField(_("paid by"), max_length=6, choices=Method.choices, blank=True)
    payment_reference = models.CharField(_("transfer reference"), max_length=60, blank=True)
    closed_reason = models.TextField(_("reason refused or withdrawn"), blank=True)
    version = models.PositiveIntegerField(default=1)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["region_code", "state"], name="aid_region_state"),
                   models.Index(fields=["state", "publicity_until"], name="aid_state_publicity")]
        verbose_name = _("aid application")

    def __str__(self):
        return _("%(kind)s for %(name)s") % {"kind": self.kind.name, "name": self.person.name}


class ThroughApplicationQuerySet(ScopedQuerySet):
    scope_field = "application__region_code"


def aid_document_path(document, filename):
    return f"assistance/{document.application.station_id}/{uuid.uuid4().hex}"


class AidDocument(models.Model):
    """A document the kind requires (申请书, 诊断证明…) or the cash payment's signed receipt."""

    RECEIPT = "签收单"

    application = models.ForeignKey(AidApplication, on_delete=models.CASCADE, related_name="documents")
    requirement = models.CharField(_("document"), max_length=40)
    file = models.FileField(upload_to=aid_document_path, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("document")

    def __str__(self):
        return self.requirement


class AidEvent(models.Model):
    """One step of an application: who, when, at which level, the opinion and the amount proposed."""

    application = models.ForeignKey(AidApplication, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, null=True)
    note = models.TextField(blank=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, related_name="+")
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    objects = ThroughApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.on}"


class AidObjection(models.Model):
    """An objection raised during the 公示: approval waits until every one is answered."""

    application = models.ForeignKey(AidApplication, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    raised_by = models.CharField(_("raised by"), max_length=60, blank=True)
    content = models.TextField(_("objection"), max_length=2000)
    resolved_on = models.DateField(_("answered on"), null=True, blank=True)
    resolution = models.TextField(_("finding"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True)

    objects = ThroughApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self):
        return f"{self.received_on} {self.content[:20]}"


class ApprovalBatch(models.Model):
    """A batch approval (a festival 关爱 distribution) as a background job with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("batch state", "Queued")
        RUNNING = "running", pgettext_lazy("batch state", "Approving")
        DONE = "done", pgettext_lazy("batch state", "Done")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+", verbose_name=_("fund"))
    kind = models.ForeignKey(AidKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of aid"))
    application_ids = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    refused = models.JSONField(default=list)  # [{"id": 12, "reason": "…"}]
    amount = models.DecimalField(**MONEY, default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.kind} · {timezone.localdate(self.started_at)}" if self.started_at else str(self.kind)


# --- referrals 转介 ------------------------------------------------------------------------------------------------

class Referral(models.Model):
    class Department(models.TextChoices):
        HRSS = "hrss", pgettext_lazy("department", "Human resources and social security (人社)")
        CIVIL = "civil", pgettext_lazy("department", "Civil affairs (民政)")
        MEDICAL = "medical", pgettext_lazy("department", "Medical insurance (医保)")
        DISABLED = "disabled", pgettext_lazy("department", "Disabled persons' federation (残联)")
        JUSTICE = "justice", pgettext_lazy("department", "Justice and legal aid (司法/法律援助)")
        HOUSING = "housing", pgettext_lazy("department", "Housing and construction (住建)")

    class State(models.TextChoices):
        SENT = "sent", pgettext_lazy("referral state", "Sent, awaiting an answer")
        ANSWERED = "answered", pgettext_lazy("referral state", "Answered")
        CLOSED = "closed", pgettext_lazy("referral state", "Closed")

    class Outcome(models.TextChoices):
        GRANTED = "granted", pgettext_lazy("referral outcome", "Granted")
        PARTLY = "partly", pgettext_lazy("referral outcome", "Partly granted")
        REFUSED = "refused", pgettext_lazy("referral outcome", "Refused")
        NOT_ELIGIBLE = "not_eligible", pgettext_lazy("referral outcome", "Not eligible")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person"))
    station = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    department = models.CharField(_("department"), max_length=10, choices=Department.choices)
    service = models.CharField(_("what is asked for"), max_length=60)  # 低保, 特困供养, 临时救助, 法律援助…
    request = models.TextField(_("request"), max_length=2000)
    sent_on = models.DateField(_("sent on"))
    answer_due = models.DateField(_("answer expected by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    chased_on = models.DateField(_("last chased on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["region_code", "state", "answer_due"], name="referral_region_due")]
        verbose_name = _("referral")

    def __str__(self):
        return f"{self.person.name} → {self.get_department_display()}"

    def overdue(self, today) -> bool:
        """In Python what `selectors.referral_overdue_q` asks of the database."""
        return self.state == self.State.SENT and self.answer_due < today


class ReferralEvent(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.on}"
