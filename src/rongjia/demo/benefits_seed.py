"""Benefits 优抚待遇 in the demo county (SPEC C6, issue 22): every served person who holds a qualifying category is
owed the national items (migration benefits/0002) with a recipient record, life certifications and a payment
account; a year of monthly batches has been generated, prepared, checked, approved and paid; this month's batch is
generated and waits to be prepared, with its exceptions to look at.

Two ways in, as a county that moved its 优抚 ledger into the system would have it:
- The demo's own villages (古泉社区 and 高庄社区 of `jn_village` and `jn_village2`, and 龙尚村) go through the
  module's services as their station workers: `proposals.proposals_refresh` proposes, `proposal_confirm` writes
  each entitlement from the month it was owed, `services.certify` records the last life certification and
  `services.account_add` the account. Some proposals are left to confirm and one is refused, so the queue has work.
- Everyone else was carried over from the old ledger (花名册) in bulk, the rows the services would write — the same
  categories, grades and causes `proposals.proposals_for` reads, so the nightly review proposes nothing for them.
  Per person, the services take about ten milliseconds each: the county's ten thousand would take minutes.
Months before the county's first batch in the system were paid by the old ledger, so no entitlement is marked to
recompute them (`recompute_from` empty): the first batch pays the month it is for, not ten years of back-pay.

Then the year, in month order (a batch needs the one before it): `batches.batch_create` and `run_generation` by
the 经办 (`jn_benefits_preparer`), `batch_step` prepare, check by the 复核 (`jn_benefits_checker`) and approve by the
director (`jn_county`); the bank file from `batches.bank_file`, its return file made from it with every transfer
paid except two in one month (re-issued by the next batch), recorded with `record_return`. Each batch's steps are
afterwards moved back to working days of its month (queryset updates: the services date every step today).
After the year: one 残疾军人 re-assessed from grade 6 to 4 from three months ago (back-pay, and the 护理费 grade 4
brings), one death recorded and its proposals confirmed (the month paid after the death recovered, the 丧葬补助费
paid), another death recorded and left to the station (the batch holds the person out until the end is
confirmed), `services.suspend_overdue` suspending the handful whose certification is overdue beyond the grace,
and this month's batch generated.

Deterministic (one seeded random.Random) and idempotent: does nothing when the county has entitlements or batches.
"""

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.accounts.models import Role, User
from rongjia.benefits import batches, proposals, rules, services
from rongjia.benefits.accounts import account_hash
from rongjia.benefits.models import (
    BankFormat,
    BatchEvent,
    BenefitItem,
    Certification,
    Entitlement,
    PaymentAccount,
    PaymentBatch,
    Proposal,
    Recipient,
)
from rongjia.benefits.periods import add_months, month_of
from rongjia.benefits.policies import policy_for
from rongjia.core.deadlines import WorkCalendar
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import subtree_q
from rongjia.people.books.services import status_change_record
from rongjia.people.models import Category, HouseholdMember, Person, PersonCategory, StatusChange
from rongjia.people.services import person_update

BATCH = 1000
PERSON_FIELDS = ("id", "name", "birth_date", "disability_grade", "disability_cause", "deceased_on", "status", "version",
                 "station__region_code", "address_region__name")
# username, full name, role, unit: the 经办 and 复核 of the county's batches (the director, jn_county, approves).
# seed.py lists them with the demo's accounts, so they get the demo password and are printed with the others.
BENEFITS_ACCOUNTS = [
    ("jn_benefits_preparer", "林晓梅", "centre_staff", "{county}000000"),
    ("jn_benefits_checker", "黄志刚", "centre_staff", "{county}000000"),
]
GUQUAN, GAOZHUANG, LONGSHANG = "003004", "003011", "003202"  # seed 002's villages
SERVICE_VILLAGES = (GUQUAN, GAOZHUANG, LONGSHANG)
FORMAT, BANK, CARD_BIN = "农业银行代发（CSV）", "中国农业银行", "622848"  # the ABC's debit card numbers
YEAR = 12  # paid batches before this month's
FAILED_BACK, FAILURES = 4, ["账户已冻结", "户名与账号不符"]  # the batch 4 months back: two transfers returned
REGRADE_BACK = 3  # the re-assessment takes effect three months back, after those months were paid
SUSPENDED, OVERDUE, WITHOUT_ACCOUNT = 6, 8, 5  # beyond the grace, within it, no account yet (bulk part)
LEFT_OPEN = 0.12  # of the proposals in the demo's villages: left for the station to confirm
METHODS = ["visit"] * 5 + ["station"] * 4 + ["portal"] * 2
GUARDIAN_REASONS = ["本人年事已高、行动不便，由子女代为领取", "本人患病长期卧床，由监护人代管待遇"]
AGENT_REASON = "本人常住外地子女家，委托家属代领"
MIGRATED = "由原优抚对象花名册迁入（{category}）"
REFUSED_NOTE = "经核实其子已于今年退出现役，不再享受义务兵家庭优待金"
REGRADE_NOTE = "经市退役军人事务局重新评定残疾等级为四级，自{month}起按新等级发放"


@dataclass
class World:
    county: str
    today: date
    month: date  # this month: the running batch's
    rng: random.Random
    director: User
    preparer: User
    checker: User
    fmt: BankFormat
    calendar: WorkCalendar
    items: list = field(default_factory=list)  # [(item, its category ids)] as proposals reads them
    workers: dict[str, User] = field(default_factory=dict)  # village code -> its station worker
    keep_apart: set[int] = field(default_factory=set)  # persons the bulk part leaves to a story of their own

    @property
    def first_batch(self) -> date:
        return add_months(self.month, -YEAR)

    def worker_for(self, code: str) -> User:
        return self.workers.get(code, self.director)

    def office_day(self, day: date) -> date:
        while not self.calendar.is_working(day):
            day += timedelta(days=1)
        return day


def seed_benefits(*, county_prefix: str) -> int:
    """The county's benefits; the number of entitlements written (0 when the county has them already)."""
    if (Entitlement.objects.filter(subtree_q("person__station__region_code", county_prefix)).exists()
            or PaymentBatch.objects.filter(subtree_q("region_code", county_prefix)).exists()):
        return 0
    centre = OrgUnit.objects.filter(region_code=county_prefix.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE).first()
    director = User.objects.filter(username="jn_county", org_unit=centre, is_active=True).first() if centre else None
    fmt = (BankFormat.objects.filter(name=FORMAT, active=True).first()
           or BankFormat.objects.filter(active=True, kind=BankFormat.Kind.CSV).first())
    if director is None or fmt is None:
        return 0
    today = timezone.localdate()
    preparer, checker = _batch_staff(county_prefix)
    world = World(county=county_prefix, today=today, month=month_of(today),
                  rng=random.Random(f"benefits-{county_prefix}"), director=director, preparer=preparer,
                  checker=checker, fmt=fmt,
                  calendar=WorkCalendar.load(today - timedelta(days=430), today + timedelta(days=30)),
                  items=[(item, {c.pk for c in item.categories.all()}) for item in
                         BenefitItem.objects.filter(active=True).prefetch_related("categories")])
    world.workers = _village_workers(county_prefix)
    regraded = _consistent_dossiers(world)
    carried = _carried_over(world)
    confirmed = _through_services(world)
    _paid_year(world)
    _regrade(world, regraded)
    _deaths(world)
    services.suspend_overdue(today=today)
    _generate(world, world.month)
    return carried + confirmed


# --- who acts --------------------------------------------------------------------------------------------------

def _batch_staff(county: str) -> tuple[User, User]:
    """The 经办 and 复核 (seed.py creates them with the demo password; here only when run on its own)."""
    role = Role.objects.get(code="centre_staff")
    unit = OrgUnit.objects.get(region_code=county.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE)
    found = []
    for username, full_name, _role, _unit in BENEFITS_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, org_unit=unit, must_change_password=True)
            user.set_unusable_password()
            user.save()
            user.roles.set([role])
        found.append(user)
    return found[0], found[1]


def _village_workers(county: str) -> dict[str, User]:
    """The oldest active station worker of each of the demo's villages (jn_village, jn_village2, …)."""
    codes = [county + suffix for suffix in SERVICE_VILLAGES]
    workers: dict[str, User] = {}
    for user in User.objects.filter(org_unit__region_code__in=codes, org_unit__kind=OrgUnit.Kind.STATION,
                                    roles__code="station_worker", is_active=True).select_related(
            "org_unit").order_by("-id"):
        workers[user.org_unit.region_code] = user
    return workers


# --- the dossiers as the items read them ------------------------------------------------------------------------

def _facts(person: Person, spans: list[tuple[int, date, date | None]], today: date) -> proposals.Facts:
    """`proposals.facts_of` without its queries: the categories held today (or at death)."""
    day = person.deceased_on or today
    held = {category: start for category, start, end in spans if start <= day and (end is None or end >= day)}
    birth = person.birth_date
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return proposals.Facts(held, person.disability_grade, person.disability_cause,
                           services.residence_guess(person), age, person.deceased_on)


def _best(item, categories: list[int], facts: proposals.Facts, standards, code: str, month: date) -> int:
    """Of two qualifying categories the one with the higher standard, as `proposals_for` chooses."""
    def amount(category_id):
        basis = rules.Basis(category_id, facts.grade, facts.cause, facts.residence)
        return standards.amount(item.pk, code, month, basis) or 0
    return max(categories, key=lambda category_id: (amount(category_id), -category_id))


def _start(began: date) -> date:
    """The first month owed: the month after the category began."""
    return add_months(month_of(began), 1)


def _marked(world: World, start: date) -> date | None:
    """A month before the county's first batch was paid by the old ledger; a later one waits for its batch."""
    return start if start >= world.first_batch else None


def _card(seed: int) -> str:
    """A 19-digit card number of the bank, one per person, with its Luhn check digit."""
    stem = f"{CARD_BIN}{seed:012d}"
    total = sum(int(c) if n % 2 else (2 * int(c) - 9 if int(c) > 4 else 2 * int(c))
                for n, c in enumerate(reversed(stem)))  # the check digit will stand at position 0
    return stem + str(-total % 10)


# --- the ledger carried over ------------------------------------------------------------------------------------

def _consistent_dossiers(world: World) -> Person | None:
    """Two direct updates of the generated dossiers, grade, cause and certificate kept together: a disability 因病
    is rated 1 to 6 only (the national table has no 因病 rate below grade 6), so a generated 因病 grade 7 to 10
    becomes 因公; and the 残疾军人 of the demo's first village (else of the county) who will be re-assessed is graded
    6 before. Returns that person."""
    Person.objects.filter(subtree_q("station__region_code", world.county), disability_cause="illness",
                          disability_grade__gt=6).update(disability_cause="duty", version=F("version") + 1)
    disabled = Category.objects.filter(name="残疾军人").first()
    if disabled is None:
        return None
    people = (Person.objects.filter(subtree_q("station__region_code", world.county), status=Person.Status.ACTIVE,
                                    category_spans__category=disabled, category_spans__end_date__isnull=True,
                                    disability_grade__isnull=False)
              .exclude(disability_cause="").order_by("pk"))
    person = (people.filter(station__region_code=world.county + GUQUAN, disability_grade=6).first()
              or people.filter(station__region_code=world.county + GUQUAN).first()
              or people.filter(disability_grade=6).first() or people.first())
    if person is None:
        return None
    if person.disability_grade != 6:
        Person.objects.filter(pk=person.pk).update(disability_grade=6, version=F("version") + 1)
    world.keep_apart.add(person.pk)
    return person


def _qualifying_people(world: World, queryset):
    categories = {category for _item, cats in world.items for category in cats}
    return (queryset.filter(category_spans__category__in=categories).distinct()
            .select_related("station", "address_region").order_by("pk")
            .only(*PERSON_FIELDS))  # not the encrypted ID number and phone: ten thousand decryptions saved


def _carried_over(world: World) -> int:
    """Everyone outside the demo's villages: entitlements, recipients, certifications and accounts, in bulk."""
    outside = Q()
    for suffix in SERVICE_VILLAGES:
        outside &= ~Q(station__region_code=world.county + suffix)
    people = list(_qualifying_people(world, Person.objects.filter(subtree_q("station__region_code", world.county))
                                     .filter(outside)))
    spans: dict[int, list] = {}
    for person_id, category, start, end in PersonCategory.objects.filter(person__in=[p.pk for p in people]).values_list(
            "person_id", "category_id", "start_date", "end_date"):
        spans.setdefault(person_id, []).append((category, start, end))
    names = dict(Category.objects.values_list("pk", "name"))
    standards = rules.Standards.bearing_on(world.county)
    entitlements, death_proposals, entitled = [], [], []
    for person in people:
        facts = _facts(person, spans.get(person.pk, []), world.today)
        rows = _entitlements_of(world, person, facts, standards, names)
        entitlements += rows
        if rows:
            entitled.append((person, facts))
        if facts.deceased_on and rows:
            death_proposals += _death_proposals(world, person, facts)
    Entitlement.objects.bulk_create(entitlements, batch_size=BATCH)
    Proposal.objects.bulk_create(death_proposals, batch_size=BATCH)
    _recipients(world, entitled)
    return len(entitlements)


def _entitlements_of(world: World, person: Person, facts, standards, names) -> list[Entitlement]:
    rows = []
    code = person.station.region_code
    death_month = month_of(facts.deceased_on) if facts.deceased_on else None
    for item, item_categories in world.items:
        if item.trigger != BenefitItem.Trigger.STANDING:
            continue
        categories = proposals.qualifying_categories(item, facts, item_categories)
        if not categories:
            continue
        category = _best(item, categories, facts, standards, code, world.month)
        start = _start(facts.categories[category])
        if death_month is not None and start > death_month:
            continue
        ended = death_month is not None
        rows.append(Entitlement(
            person=person, item=item, start_month=start, end_month=death_month,
            state=Entitlement.State.ENDED if ended else Entitlement.State.ACTIVE, category_id=category,
            grade=facts.grade, cause=facts.cause, reason=MIGRATED.format(category=names.get(category, "")),
            recompute_from=_marked(world, start)))
    return rows


def _death_proposals(world: World, person: Person, facts) -> list[Proposal]:
    """What the nightly review proposes after a death the old ledger had not settled: the one-off benefits."""
    drafts = []
    for item, item_categories in world.items:
        if item.trigger != BenefitItem.Trigger.DEATH:
            continue
        categories = proposals.qualifying_categories(item, facts, item_categories)
        if categories:
            drafts.append(Proposal(person=person, item=item, change=Proposal.Change.NEW,
                                   month=month_of(facts.deceased_on), category_id=categories[0], grade=facts.grade,
                                   cause=facts.cause, reason=_("Died on %(day)s: a death benefit for the survivors.")
                                   % {"day": facts.deceased_on}))
    return drafts


def _recipients(world: World, entitled: list) -> None:
    """A recipient per person owed something, certified in the past year (a handful overdue, a few beyond the
    grace), and an account for almost everyone: a guardian's or an agent's for some, none yet for a few."""
    rng, today = world.rng, world.today
    policy = policy_for(world.county)
    living = [person for person, facts in entitled if not facts.deceased_on and person.pk not in world.keep_apart]
    overdue = rng.sample(living, min(len(living), SUSPENDED + OVERDUE))
    beyond, within = {p.pk for p in overdue[:SUSPENDED]}, {p.pk for p in overdue[SUSPENDED:]}
    left = [p for p in living if p.pk not in beyond]
    without = {p.pk for p in rng.sample(left, min(len(left), WITHOUT_ACCOUNT))}
    recipients, certifications = [], []
    for person, facts in entitled:
        if person.pk in beyond:
            on = _certified_before_grace(world, policy)
        elif person.pk in within:
            on = today - timedelta(days=rng.randint(370, 360 + policy.grace_days - 5))
        else:
            on = today - timedelta(days=rng.randint(5, 355))
        due = _due(on, policy.certification_months)
        if facts.deceased_on:  # seen alive before the death; nothing falls due after it
            on, due = min(on, facts.deceased_on - timedelta(days=rng.randint(20, 200))), None
        recipients.append(Recipient(person=person, residence=facts.residence, certified_on=on,
                                    certification_due=due))
        certifications.append(Certification(person=person, on=on, method=rng.choice(METHODS),
                                            note="" if rng.random() < 0.8 else "随走访一并认证"))
    Recipient.objects.bulk_create(recipients, batch_size=BATCH)
    Certification.objects.bulk_create(certifications, batch_size=BATCH)
    _accounts(world, [(p, f) for p, f in entitled if p.pk not in without])


def _due(on: date, months: int) -> date:
    """`services.recipient_for`'s rule: the same day (at most the 28th) a cycle later."""
    return add_months(month_of(on), months).replace(day=min(on.day, 28))


def _certified_before_grace(world: World, policy) -> date:
    """A certification whose grace ended last month: suspended from this month by `suspend_overdue`."""
    last_month = add_months(world.month, -1)
    ends = last_month.replace(day=world.rng.randint(5, 28))
    due = ends - timedelta(days=policy.grace_days)
    return add_months(month_of(due), -policy.certification_months).replace(day=due.day if due.day <= 28 else 28)


def _accounts(world: World, entitled: list) -> None:
    rng = world.rng
    members: dict[int, list[HouseholdMember]] = {}
    for member in HouseholdMember.objects.filter(person__in=[p.pk for p, _f in entitled]).order_by("id").only(
            "id", "person_id", "name", "relationship"):
        members.setdefault(member.person_id, []).append(member)
    accounts = []
    for person, facts in entitled:
        number = _card(person.pk)
        holder, name, member, reason = PaymentAccount.Holder.SELF, person.name, None, ""
        family = members.get(person.pk, [])
        children = [m for m in family if m.relationship == "child"]
        if children and (facts.age >= 85 and rng.random() < 0.25 or rng.random() < 0.005):
            member, holder, reason = children[0], PaymentAccount.Holder.GUARDIAN, rng.choice(GUARDIAN_REASONS)
        elif family and rng.random() < 0.004:
            member, holder, reason = family[0], PaymentAccount.Holder.AGENT, AGENT_REASON
        if member is not None:
            name = member.name
        accounts.append(PaymentAccount(person=person, bank=BANK, number=number, number_hash=account_hash(number),
                                       last_digits=number[-4:], holder=holder, holder_name=name[:40],
                                       household_member=member, reason=reason, created_by=world.director))
    PaymentAccount.objects.bulk_create(accounts, batch_size=BATCH)


# --- the demo's villages, through the services --------------------------------------------------------------------

def _through_services(world: World) -> int:
    """Proposed by the review, confirmed by the station worker from the month owed, certified and given an account."""
    rng, confirmed = world.rng, 0
    refused = False
    for suffix in SERVICE_VILLAGES:
        code = world.county + suffix
        if not OrgUnit.objects.filter(region_code=code, kind=OrgUnit.Kind.STATION).exists():
            continue
        worker = world.worker_for(code)
        proposals.proposals_refresh(prefix=code, today=world.today)
        waiting = list(Proposal.objects.filter(person__station__region_code=code, state=Proposal.State.OPEN)
                       .select_related("person", "item").order_by("person_id", "item__position"))
        began = _category_starts([p.person_id for p in waiting])
        people = {}
        for proposal in waiting:
            person = proposal.person
            if person.status == Person.Status.DECEASED:
                continue  # a death benefit: the station finds the survivor who receives it
            if person.pk not in world.keep_apart and rng.random() < LEFT_OPEN:
                continue  # left for the station to confirm
            if not refused and proposal.item.code == "family-allowance":
                proposals.proposal_refuse(actor=worker, pk=proposal.pk, note=REFUSED_NOTE, version=proposal.version)
                refused = True
                continue
            month = _start(began.get((person.pk, proposal.category_id), world.first_batch))
            if proposal.change != Proposal.Change.NEW or proposal.item.trigger == BenefitItem.Trigger.DEATH:
                month = proposal.month
            entitlement = proposals.proposal_confirm(actor=worker, pk=proposal.pk, month=month,
                                                     version=proposal.version)
            _confirmed_then(world, proposal, entitlement)
            people[person.pk] = person
            confirmed += 1
        _certify_and_pay_to(world, worker, list(people.values()), first_village=suffix == GUQUAN)
    return confirmed


def _category_starts(person_ids: list[int]) -> dict[tuple[int, int], date]:
    return {(person, category): start for person, category, start in PersonCategory.objects.filter(
        person__in=person_ids).values_list("person_id", "category_id", "start_date")}


def _confirmed_then(world: World, proposal: Proposal, entitlement: Entitlement) -> None:
    """The confirmation dated when it happened: the month owed for a newcomer of the year, the county's first
    batch for one the old ledger paid (whose earlier months are not recomputed: the old ledger paid them)."""
    start = entitlement.start_month
    day = world.office_day(max(start, world.first_batch).replace(day=3))
    at = _at(min(day, world.today), 10)
    Proposal.objects.filter(pk=proposal.pk).update(proposed_at=at - timedelta(days=1), decided_at=at)
    Entitlement.objects.filter(pk=entitlement.pk).update(confirmed_at=at, recompute_from=_marked(world, start))


def _certify_and_pay_to(world: World, worker: User, people: list[Person], *, first_village: bool) -> None:
    """The last life certification and the account of each person confirmed: in the first village one certified
    too long ago (suspended by the nightly review), one guardian's account and one person still without."""
    rng = world.rng
    policy = policy_for(world.county)
    people = sorted(people, key=lambda p: p.pk)
    ordinary = [p for p in people if p.pk not in world.keep_apart]
    late = ordinary[0] if first_village and ordinary else None
    without = ordinary[-1] if first_village and len(ordinary) > 2 else None
    guardian_given = False
    for person in people:
        on = _certified_before_grace(world, policy) if person is late else world.today - timedelta(
            days=rng.randint(5, 355))
        services.certify(actor=worker, person=person, on=on, method=rng.choice(METHODS))
        if person is without:
            continue
        member = person.household.filter(relationship="child").first()
        if member is not None and not guardian_given:
            services.account_add(actor=worker, person=person, bank=BANK, number=_card(person.pk),
                                 holder=PaymentAccount.Holder.GUARDIAN, holder_name=member.name,
                                 household_member=member, reason=GUARDIAN_REASONS[0])
            guardian_given = True
        else:
            services.account_add(actor=worker, person=person, bank=BANK, number=_card(person.pk))


# --- the year of batches --------------------------------------------------------------------------------------

def _paid_year(world: World) -> None:
    for back in range(YEAR, 0, -1):
        month = add_months(world.month, -back)
        batch = _generate(world, month)
        if not batch.payment_count:
            continue
        _step(world.preparer, batch, "prepare")
        _step(world.checker, batch, "check")
        batch = _step(world.director, batch, "approve")
        content, name = batches.bank_file(actor=world.preparer, pk=batch.pk)
        failed = _failures(world, batch) if back == FAILED_BACK else {}
        returned = SimpleUploadedFile(name, _returned(content, world.fmt, failed), content_type="text/csv")
        _step(world.preparer, batch, "record_return", file=returned)
        _dated(world, batch)


def _generate(world: World, month: date) -> PaymentBatch:
    """Created as the 经办 does, and generated here, in process (the job queued on commit finds it done)."""
    batch = batches.batch_create(actor=world.preparer, month=month, bank_format=world.fmt)
    return batches.run_generation(batch.pk, actor=world.preparer)


def _step(actor: User, batch: PaymentBatch, action: str, **data) -> PaymentBatch:
    batch.refresh_from_db(fields=["version", "state"])
    return batches.batch_step(actor=actor, pk=batch.pk, action=action, version=batch.version, data=data)


def _failures(world: World, batch: PaymentBatch) -> dict[int, str]:
    """Two transfers the bank returns, in the demo's first village when it has payments (its worker sees them)."""
    payments = batch.payments.order_by("seq")
    chosen = list(payments.filter(region_code=world.county + GUQUAN).values_list("seq", flat=True)[:2])
    chosen += [seq for seq in payments.values_list("seq", flat=True)[:2] if seq not in chosen][:2 - len(chosen)]
    return dict(zip(chosen, FAILURES, strict=False))


def _returned(content: bytes, fmt: BankFormat, failed: dict[int, str]) -> bytes:
    """The bank's return file of a CSV file sent: each payment line with the status and the reason after it, the
    title row with the two titles, the totals line as it was sent."""
    rows = list(csv.reader(io.StringIO(content.decode(fmt.encoding), newline=""), delimiter=fmt.delimiter or ","))
    totals = {0} if fmt.totals == "first" else {len(rows) - 1} if fmt.totals == "last" else set()
    header = (1 if fmt.totals == "first" else 0) if fmt.header else None
    seq_at = next(n for n, column in enumerate(fmt.columns) if column["field"] == "seq")
    success = fmt.success_values[0]
    out = []
    for n, row in enumerate(rows):
        if n in totals:
            out.append(row)
        elif n == header:
            out.append([*row, fmt.status_title, fmt.reason_title])
        else:
            reason = failed.get(int(row[seq_at]))
            out.append([*row, "失败" if reason else success, reason or ""])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=fmt.delimiter or ",", lineterminator="\r\n").writerows(out)
    return buffer.getvalue().encode(fmt.encoding)


def _dated(world: World, batch: PaymentBatch) -> None:
    """The batch's steps on working days of its month: generated on the 3rd, then a day for each step, the bank's
    return a week after the approval."""
    day = world.office_day(batch.month.replace(day=3))
    days = {"regenerate": day}
    for action in ("prepare", "check", "approve"):
        day = world.office_day(day + timedelta(days=1))
        days[action] = day
    days["record_return"] = world.office_day(day + timedelta(days=7))
    events = list(BatchEvent.objects.filter(batch=batch).order_by("id"))
    for minute, event in enumerate(events):
        event.at = _at(min(days.get(event.action, day), world.today), 9, minute)
    BatchEvent.objects.bulk_update(events, ["at"])
    PaymentBatch.objects.filter(pk=batch.pk).update(
        created_at=_at(days["regenerate"], 9), generated_at=_at(days["regenerate"], 9, 1),
        returned_at=_at(min(days["record_return"], world.today), 15))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- after the year ----------------------------------------------------------------------------------------------

def _regrade(world: World, person: Person | None) -> None:
    """Re-assessed from grade 6 to 4, effective three months back, confirmed now those months are paid: the running
    batch pays the difference as back-pay, and the 护理费 grade 4 brings from the same month."""
    if person is None:
        return
    person.refresh_from_db()
    code = person.station.region_code
    worker = world.worker_for(code)
    person_update(actor=worker, person=person, version=person.version, disability_grade=4)
    proposals.proposals_refresh(prefix=code, today=world.today)
    month = add_months(world.month, -REGRADE_BACK)
    for proposal in Proposal.objects.filter(person=person, state=Proposal.State.OPEN).order_by("id"):
        proposals.proposal_confirm(actor=worker, pk=proposal.pk, month=month, version=proposal.version,
                                   note=REGRADE_NOTE.format(month=f"{month:%Y-%m}"))


def _deaths(world: World) -> None:
    """Two deaths in the demo's second village, recorded this month: one settled by the station (the month paid
    after the death recovered, the 丧葬补助费 to the family), one waiting (the batch holds the person out)."""
    code = world.county + GAOZHUANG
    worker = world.worker_for(code)
    days = [add_months(world.month, -2).replace(day=20), add_months(world.month, -1).replace(day=25)]
    elderly = list(Person.objects.filter(station__region_code=code, status=Person.Status.ACTIVE,
                                         entitlements__state=Entitlement.State.ACTIVE,
                                         entitlements__item__period=BenefitItem.Period.MONTHLY,
                                         payment_accounts__active=True)
                   .exclude(pk__in=world.keep_apart).exclude(status_changes__date__gt=days[0])
                   .distinct().order_by("birth_date", "pk")[:2])
    for n, person in enumerate(elderly):
        status_change_record(actor=worker, person=person, kind=StatusChange.Kind.DEATH,
                             day=min(days[n], world.today), reason="病故")
        proposals.proposals_refresh(prefix=code, today=world.today)
        if n:
            continue
        family = person.household.order_by("id").first()
        for proposal in Proposal.objects.filter(person=person, state=Proposal.State.OPEN).select_related("item"):
            once = proposal.item.period == BenefitItem.Period.ONCE
            proposals.proposal_confirm(actor=worker, pk=proposal.pk, month=proposal.month, version=proposal.version,
                                       payee=family if once else None)
