"""优抚待遇 (SPEC C6): benefit items, dated standard tables, each person's entitlements, payment accounts, monthly
payment batches per county and life certification.

The ledger is never edited. What a person is owed for a period (a month, a quarter, a year) is computed from the
entitlements and the standard tables in force (`rules.py`); what was paid is the sum of the lines of approved
batches that the bank did not return as failed. Every batch pays the difference between the two, so a grade
re-assessed from a past date, a standard raised retroactively, a death after a payment or a failed transfer
becomes a back-pay (补发) or recovery (追回) line of the next batch, never a change to a paid month.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongjia.core.crypto import EncryptedTextField
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import BearingQuerySet, ScopedQuerySet
from rongjia.people.models import Category, HouseholdMember, Person
from rongjia.people.reference import DISABILITY_CAUSE_CHOICES

MONEY = {"max_digits": 12, "decimal_places": 2}


class Residence(models.TextChoices):
    URBAN = "urban", pgettext_lazy("residence", "Urban (城镇)")
    RURAL = "rural", pgettext_lazy("residence", "Rural (农村)")


# --- items and standards ---------------------------------------------------------------------------------------

class BenefitItem(models.Model):
    """残疾抚恤金, 定期抚恤金, 护理费…: what is paid, to whom, how often. The list is data."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", pgettext_lazy("benefit period", "Monthly")
        QUARTERLY = "quarterly", pgettext_lazy("benefit period", "Quarterly")
        YEARLY = "yearly", pgettext_lazy("benefit period", "Yearly")
        ONCE = "once", pgettext_lazy("benefit period", "Once")

    class Trigger(models.TextChoices):
        STANDING = "standing", pgettext_lazy("benefit trigger", "While the person qualifies")
        DEATH = "death", pgettext_lazy("benefit trigger", "On the person's death (to the survivors)")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    period = models.CharField(_("paid"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    trigger = models.CharField(pgettext_lazy("benefit trigger", "due"),
                               max_length=10, choices=Trigger.choices, default=Trigger.STANDING)
    categories = models.ManyToManyField(Category, blank=True, related_name="+", verbose_name=_("qualifying categories"))
    grade_min = models.PositiveSmallIntegerField(_("highest grade (1 = most severe)"), null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(10)])
    grade_max = models.PositiveSmallIntegerField(_("lowest grade"), null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(10)])
    causes = models.JSONField(_("disability causes"), default=list, blank=True)  # [] = any; values of the dossier's
    residence = models.CharField(_("residence"), max_length=5, choices=Residence.choices, blank=True)  # "" = any
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("benefit item")
        constraints = [models.CheckConstraint(condition=Q(grade_min__isnull=True) | Q(grade_max__isnull=True)
                                              | Q(grade_max__gte=models.F("grade_min")), name="benefit_grade_order")]

    def __str__(self):
        return self.name

    @property
    def recurring(self) -> bool:
        return self.period != self.Period.ONCE


class StandardTable(models.Model):
    """One published table of amounts for an item, in force from a date: the nation's (jurisdiction "") or a
    province's or county's. A `base` table of the nearest jurisdiction sets the amount; `supplement` tables of
    every jurisdiction above the person add to it. Amounts are per year for recurring items, whole for once."""

    class Kind(models.TextChoices):
        BASE = "base", pgettext_lazy("standard kind", "Standard")
        SUPPLEMENT = "supplement", pgettext_lazy("standard kind", "Local supplement")

    item = models.ForeignKey(BenefitItem, on_delete=models.PROTECT, related_name="tables",
                             verbose_name=_("benefit item"))
    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=12, blank=True)  # unpadded prefix, "" = nation
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BASE)
    title = models.CharField(_("title"), max_length=100)
    document = models.CharField(_("document no."), max_length=100, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["item", "jurisdiction_code", "-effective_from"]
        verbose_name = _("standard table")
        constraints = [models.CheckConstraint(condition=Q(effective_until__isnull=True)
                                              | Q(effective_until__gte=models.F("effective_from")),
                                              name="standard_table_dates")]

    def __str__(self):
        return self.title


class StandardRate(models.Model):
    """One amount of a table, for the persons its conditions describe (an empty condition matches anyone); the
    rate with the most conditions met wins."""

    table = models.ForeignKey(StandardTable, on_delete=models.CASCADE, related_name="rates")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(10)])
    cause = models.CharField(_("disability cause"), max_length=10, choices=DISABILITY_CAUSE_CHOICES, blank=True)
    residence = models.CharField(_("residence"), max_length=5, choices=Residence.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["table", "category", "grade", "cause", "residence", "id"]
        verbose_name = _("standard amount")
        constraints = [models.UniqueConstraint(fields=["table", "category", "grade", "cause", "residence"],
                                               name="standard_rate_once", nulls_distinct=False)]

    def __str__(self):
        return f"{self.table} {self.amount}"


class Policy(models.Model):
    """What a jurisdiction sets for its payments: how often life is certified, how long after the due date payment
    goes on, and what change of a monthly amount the batch check flags. The nearest jurisdiction's wins."""

    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=12, unique=True, blank=True)
    certification_months = models.PositiveSmallIntegerField(_("certify life every (months)"), default=12,
                                                            validators=[MinValueValidator(1), MaxValueValidator(36)])
    grace_days = models.PositiveSmallIntegerField(_("days of payment after the due date"), default=60,
                                                  validators=[MaxValueValidator(365)])
    change_threshold = models.PositiveSmallIntegerField(_("flag a change of the amount above (%)"), default=20,
                                                        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    version = models.PositiveIntegerField(default=1)

    objects = BearingQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction_code"]
        verbose_name = _("payment policy")

    def __str__(self):
        return self.jurisdiction_code or str(_("nationwide"))


# --- the person's side -----------------------------------------------------------------------------------------

class PersonScoped(ScopedQuerySet):
    scope_field = "person__station__region_code"


class Recipient(models.Model):
    """A person's standing for payments: residence (urban/rural standards), life certification and suspension."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="benefit_recipient")
    residence = models.CharField(_("residence"), max_length=5, choices=Residence.choices)
    certified_on = models.DateField(_("life last certified"), null=True, blank=True)
    certification_due = models.DateField(_("certification due"), null=True, blank=True, db_index=True)
    suspended_from = models.DateField(_("payment suspended from"), null=True, blank=True)  # first day of a month
    suspension_reason = models.CharField(_("reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PersonScoped.as_manager()

    class Meta:
        verbose_name = _("benefit recipient")

    def __str__(self):
        return str(self.person)


class PaymentAccount(models.Model):
    """Where a person's money goes: their own account, or a guardian's or agent's with the reason."""

    class Holder(models.TextChoices):
        SELF = "self", pgettext_lazy("account holder", "The person")
        GUARDIAN = "guardian", pgettext_lazy("account holder", "Guardian (监护人)")
        AGENT = "agent", pgettext_lazy("account holder", "Agent (代领人)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="payment_accounts")
    bank = models.CharField(_("bank"), max_length=60)
    number = EncryptedTextField(_("account number"))
    number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    last_digits = models.CharField(max_length=4, editable=False)  # the masked form's tail: 6222 **** **** 1234
    # whether the number passes the Luhn check most banks define, worked out when it is entered: a batch checks it
    # for a bank that asks without decrypting every account of the county
    passes_luhn = models.BooleanField(default=True, editable=False)
    holder = models.CharField(_("holder"), max_length=10, choices=Holder.choices, default=Holder.SELF)
    holder_name = models.CharField(_("holder's name"), max_length=40)
    household_member = models.ForeignKey(HouseholdMember, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name=_("household member"))
    reason = models.CharField(_("why not the person"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonScoped.as_manager()

    class Meta:
        ordering = ["-active", "-created_at", "-id"]
        verbose_name = _("payment account")
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(active=True),
                                               name="one_account_in_use_per_person")]

    def __str__(self):
        return f"{self.bank} ****{self.last_digits}"


class Entitlement(models.Model):
    """An item a person is owed from a month, perhaps until one, on the facts confirmed (category, grade, cause).

    Entitlements are written only by confirming a `Proposal`. A change of the facts ends this entitlement and
    starts another from the month it takes effect, so each month's amount is read from the entitlement in force
    then. `recompute_from` marks the first period whose
    amount may have changed since the last approved batch (a past start or end, a standard raised, a failed
    payment): the next batch recomputes from there, the others only the current period.
    """

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("entitlement", "In force")
        ENDED = "ended", pgettext_lazy("entitlement", "Ended")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="entitlements")
    item = models.ForeignKey(BenefitItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("benefit item"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    start_month = models.DateField(_("from month"))  # the first day of the first month owed
    end_month = models.DateField(_("until month"), null=True, blank=True)  # the first day of the last month owed
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    cause = models.CharField(_("disability cause"), max_length=10, choices=DISABILITY_CAUSE_CHOICES, blank=True)
    payee = models.ForeignKey(HouseholdMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("paid to (survivor)"))  # one-off death benefits
    reason = models.CharField(_("why"), max_length=300)
    recompute_from = models.DateField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = PersonScoped.as_manager()

    class Meta:
        ordering = ["person", "item", "start_month", "id"]
        verbose_name = _("entitlement")
        indexes = [models.Index(fields=["state", "item"], name="entitlement_state_item"),
                   models.Index(fields=["recompute_from"], name="entitlement_recompute")]
        constraints = [
            models.CheckConstraint(condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                                   name="entitlement_month_order"),
        ]

    def __str__(self):
        return f"{self.person} · {self.item}"


class Proposal(models.Model):
    """A change the dossier calls for, waiting for a worker: a new entitlement (a new category, a death benefit),
    a change of its facts (a grade re-assessed) or its end (a death, a category ended). Confirming it writes the
    entitlements; the worker sets the month it takes effect, and a past month brings back-pay or recovery."""

    class Change(models.TextChoices):
        NEW = "new", pgettext_lazy("proposal", "New entitlement")
        CHANGE = "change", pgettext_lazy("proposal", "Changed facts")
        END = "end", pgettext_lazy("proposal", "End")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("proposal", "To confirm")
        CONFIRMED = "confirmed", pgettext_lazy("proposal", "Confirmed")
        REFUSED = "refused", pgettext_lazy("proposal", "Not granted")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="benefit_proposals")
    item = models.ForeignKey(BenefitItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("benefit item"))
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    month = models.DateField(_("takes effect in"))  # NEW/CHANGE: the first month owed; END: the last month owed
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    cause = models.CharField(_("disability cause"), max_length=10, choices=DISABILITY_CAUSE_CHOICES, blank=True)
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("why"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PersonScoped.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("proposed entitlement change")
        constraints = [models.UniqueConstraint(fields=["person", "item"], condition=Q(state="open"),
                                               name="one_open_proposal_per_item")]

    def __str__(self):
        return f"{self.person} · {self.item} · {self.get_change_display()}"


class Certification(models.Model):
    """生存认证: the person was seen alive on a day (a visit, at the station, through the portal)."""

    class Method(models.TextChoices):
        VISIT = "visit", pgettext_lazy("certification", "Home visit")
        STATION = "station", pgettext_lazy("certification", "At the station")
        PORTAL = "portal", pgettext_lazy("certification", "Online (portal)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certifications")
    on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonScoped.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("life certification")
        constraints = [models.UniqueConstraint(fields=["person", "on", "method"], name="certification_once_a_day")]

    def __str__(self):
        return f"{self.person} {self.on}"


# --- banks and batches -----------------------------------------------------------------------------------------

class BankFormat(models.Model):
    """A bank's 代发 file layout, as data: the columns, the encoding, fixed-width or CSV or Excel, the totals line,
    and how its return file says which lines failed."""

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        FIXED = "fixed", pgettext_lazy("file kind", "Fixed-width text")
        XLSX = "xlsx", "Excel (xlsx)"

    name = models.CharField(_("name"), max_length=60, unique=True)
    bank = models.CharField(_("bank"), max_length=60)
    kind = models.CharField(_("file kind"), max_length=5, choices=Kind.choices, default=Kind.CSV)
    encoding = models.CharField(_("encoding"), max_length=10, default="gbk")
    delimiter = models.CharField(_("delimiter"), max_length=1, default=",", blank=True)
    # [{"field": "seq|reference|account|holder|amount|id_number|bank|note", "title": "...", "width": 20}]
    columns = models.JSONField(_("columns"), default=list)
    header = models.BooleanField(_("title row"), default=True)
    totals = models.CharField(_("totals line"), max_length=5, default="last",
                              choices=[("", _("None")), ("first", _("First line")), ("last", _("Last line"))],
                              blank=True)
    account_check = models.CharField(_("account number check"), max_length=10, blank=True,
                                     choices=[("", _("None")), ("luhn", "Luhn (mod 10)")])
    # the return file: the same columns, then these two
    status_title = models.CharField(_("return status column"), max_length=20, default="处理结果")
    success_values = models.JSONField(_("success values"), default=list)  # ["成功", "0000"]
    reason_title = models.CharField(_("return reason column"), max_length=20, default="失败原因")
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bank file format")

    def __str__(self):
        return self.name


class BatchQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class PaymentBatch(models.Model):
    """A county's payments for one month: generated (and regenerated freely) until approved, immutable after."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("batch", "Generated: to prepare")
        PREPARED = "prepared", pgettext_lazy("batch", "Prepared: to check (复核)")
        CHECKED = "checked", pgettext_lazy("batch", "Checked: to approve")
        APPROVED = "approved", pgettext_lazy("batch", "Approved: to the bank")
        PAID = "paid", pgettext_lazy("batch", "Paid (bank's return recorded)")

    OPEN = (State.DRAFT, State.PREPARED, State.CHECKED)

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("county centre"))
    region_code = models.CharField(max_length=12, db_index=True, editable=False)
    month = models.DateField(_("month"))  # first day
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    running = models.BooleanField(_("being generated"), default=True, editable=False)  # the job has not finished
    bank_format = models.ForeignKey(BankFormat, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("bank file format"))
    total = models.DecimalField(_("total (yuan)"), **MONEY, default=0, editable=False)
    payment_count = models.PositiveIntegerField(default=0, editable=False)
    line_count = models.PositiveIntegerField(default=0, editable=False)
    exception_count = models.PositiveIntegerField(default=0, editable=False)
    digest = models.CharField(max_length=64, blank=True, editable=False)  # of the lines: a regeneration that changes
    progress_done = models.PositiveIntegerField(default=0, editable=False)  # nothing keeps the steps taken
    progress_total = models.PositiveIntegerField(default=0, editable=False)
    generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    message = models.CharField(max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "region_code"]
        verbose_name = _("payment batch")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="one_batch_per_county_month")]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"


class BatchEvent(models.Model):
    """A step of a batch on the engine: who prepared, checked and approved it (three different people)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.batch} {self.action}"


class PaymentQuerySet(ScopedQuerySet):
    scope_field = "region_code"


class Payment(models.Model):
    """One transfer of a batch: a person's lines added up, to the account in use when it was generated."""

    class Result(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment", "Not yet returned")
        PAID = "paid", pgettext_lazy("payment", "Paid")
        FAILED = "failed", pgettext_lazy("payment", "Failed")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="payments")
    seq = models.PositiveIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True, editable=False)  # the person's station's
    account = models.ForeignKey(PaymentAccount, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    failure = models.CharField(_("failure reason"), max_length=200, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "seq"]
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="payment_seq_once"),
                       models.UniqueConstraint(fields=["batch", "person"], name="payment_person_once")]

    def __str__(self):
        return f"{self.batch} #{self.seq}"


class PaymentLine(models.Model):
    """What a payment pays for one item and one period: the regular amount, a back-pay, a recovery or a re-issue."""

    class Kind(models.TextChoices):
        REGULAR = "regular", pgettext_lazy("payment line", "Regular")
        BACK_PAY = "back_pay", pgettext_lazy("payment line", "Back-pay (补发)")
        RECOVERY = "recovery", pgettext_lazy("payment line", "Recovery (追回)")
        REISSUE = "reissue", pgettext_lazy("payment line", "Re-issued after a failed transfer")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(BenefitItem, on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("period"))  # the first day of the period's first month
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)  # negative for a recovery
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        ordering = ["payment", "item", "period", "id"]
        indexes = [models.Index(fields=["item", "period"], name="payment_line_item_period")]

    def __str__(self):
        return f"{self.item} {self.period:%Y-%m} {self.amount}"


class BatchException(models.Model):
    """What the check found: a person left out of the batch (dead, suspended, no account) or a line to look at."""

    class Kind(models.TextChoices):
        DECEASED = "deceased", pgettext_lazy("batch exception", "Deceased: entitlements not ended")
        MOVED_OUT = "moved_out", pgettext_lazy("batch exception", "Moved out or lost contact: payment held")
        SUSPENDED = "suspended", pgettext_lazy("batch exception", "Payment suspended")
        NO_ACCOUNT = "no_account", pgettext_lazy("batch exception", "No payment account")
        CHANGED = "changed", pgettext_lazy("batch exception", "Amount changed since last month")
        DUPLICATE_ACCOUNT = "duplicate", pgettext_lazy("batch exception", "Account shared with another person")
        BAD_ACCOUNT = "bad_account", pgettext_lazy("batch exception", "Account number fails the bank's check")
        OWES = "owes", pgettext_lazy("batch exception", "Owes a recovery: nothing to pay")
        NO_STANDARD = "no_standard", pgettext_lazy("batch exception", "No standard for the person's facts")

    LEFT_OUT = (Kind.DECEASED, Kind.MOVED_OUT, Kind.SUSPENDED, Kind.NO_ACCOUNT, Kind.BAD_ACCOUNT, Kind.OWES,
                Kind.NO_STANDARD)

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="exceptions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["batch", "kind", "id"]

    def __str__(self):
        return f"{self.batch} {self.kind}"
