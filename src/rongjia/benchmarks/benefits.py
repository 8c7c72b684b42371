"""Benchmark: a month's payment batch (优抚金代发) of Gansu's largest county — the county with the most villages in
the region files (武都区, 701) — for 40,000 recipients with one or two items each, generated, checked and approved.
The issue's goal: the batch generated and checked in under a minute on the 2-core machine.

Everything happens inside one transaction that is rolled back (the generation job `batch_create` queues on commit
is therefore never queued). The county's regions and units are loaded when the database lacks them; the persons
are bulk-created across its village stations with their categories, disability grades and causes, a recipient
record, a Luhn-valid account and their entitlements to the national items (migration benefits/0002), already
confirmed: a set-up, not measured. A few are made exceptions on purpose: no account yet (1 %), payment suspended for
want of a life certification (0.5 %), and 1 % confirmed from three months back (three months of back-pay each).

Then, as the county's three bench users: the 经办 creates the batch and its job's body `batches.run_generation` runs
in process (the generation, with the check's exceptions: they are found while generating); the 复核 opens the batch's
page (exceptions by kind, the first page of payments, the totals that reconcile); the steps prepare and check; the
director approves (`batches.settle`: the batch recomputed and compared with what was checked); the bank file is
written. The baselines: one plain SELECT of the rows the generation reads, and one SELECT of the payments' count and
sum and the exceptions by kind beside the page.

Before any figure is reported the batch is checked, so a fast wrong answer cannot pass: its total equals the sum of
its payments and the sum of its lines; the bench's persons paid are exactly those with an account and no exception,
each with its items' lines (four per item for those confirmed three months back); the exceptions are the persons
without an account and those suspended; after the approval the periods paid are settled and those of the persons
left out still marked to recompute.
"""

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.benefits import bankfiles, batches
from rongjia.benefits.accounts import account_hash
from rongjia.benefits.models import (
    BankFormat,
    BatchException,
    BenefitItem,
    Entitlement,
    Payment,
    PaymentAccount,
    PaymentBatch,
    PaymentLine,
    Recipient,
)
from rongjia.benefits.periods import add_months, month_of
from rongjia.core.idnumber import check_digit
from rongjia.core.models import OrgUnit, Region
from rongjia.core.region_import import RegionFileError, read_region_files
from rongjia.core.regions import COUNTY, PREFIX_LENGTH, VILLAGE, pad_code
from rongjia.core.scoping import subtree_q
from rongjia.people.models import Category, Person, PersonCategory
from rongjia.people.services import id_index, initials

from .dashboard import _timed
from .evaluation import _ensure_area, _upper
from .measure import Figure, percentile
from .worklist import GANSU, Rollback

PEOPLE = 40_000
TARGET_SECONDS = 60
PAGE_REQUESTS = 5
CHUNK = 2000
FORMAT = "农业银行代发（CSV）"
BANK, CARD_BIN = "中国农业银行", "622823"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "卫东", "志强", "海军", "秀英", "国庆", "红军", "桂英"]
RURAL_OLD = "60周岁以上农村籍退役士兵"
# person n's categories by n % 10: (category names, item codes owed). 残疾军人 of grade 1-4 are owed the 护理费 too.
PATTERNS = [
    (["残疾军人"], ["disability-pension"]), (["残疾军人"], ["disability-pension"]),
    (["烈士遗属"], ["survivor-pension"]), (["因公牺牲遗属"], ["survivor-pension"]),
    (["病故军人遗属"], ["survivor-pension"]),
    (["复员军人"], ["living-allowance"]), (["带病回乡退伍军人"], ["living-allowance"]),
    (["参战参试退役人员", RURAL_OLD], ["living-allowance", "old-soldier-allowance"]),
    ([RURAL_OLD], ["old-soldier-allowance"]), (["复员军人", RURAL_OLD], ["living-allowance", "old-soldier-allowance"]),
]
CAUSES = ("war", "duty", "illness")
BACK_MONTHS = 3  # those confirmed from three months back: three periods of back-pay and this month's

# What the generation reads, in one plain SELECT: the county's entitlements with each person's station, status,
# residence, suspension and account in use.
ROWS_SQL = """
SELECT e.id, e.person_id, e.item_id, e.state, e.start_month, e.end_month, e.category_id, e.grade, e.cause,
       e.recompute_from, s.region_code, p.status, p.deceased_on, r.residence, r.suspended_from, a.id, a.number_hash
FROM benefits_entitlement e
JOIN people_person p ON p.id = e.person_id
JOIN core_orgunit s ON s.id = p.station_id
LEFT JOIN benefits_recipient r ON r.person_id = p.id
LEFT JOIN benefits_paymentaccount a ON a.person_id = p.id AND a.active
WHERE s.region_code >= %s AND s.region_code < %s AND e.start_month <= %s
"""
SUMMARY_SQL = ["SELECT COUNT(*), SUM(amount) FROM benefits_payment WHERE batch_id = %s",
               "SELECT kind, COUNT(*) FROM benefits_batchexception WHERE batch_id = %s GROUP BY kind"]


class BenchError(ValueError):
    pass


@dataclass
class Plan:
    """The bench's persons and what the batch must make of them."""

    ids: list[int] = field(default_factory=list)
    items: dict[int, int] = field(default_factory=dict)  # person -> items owed
    without: set[int] = field(default_factory=set)  # no account
    suspended: set[int] = field(default_factory=set)
    marked: set[int] = field(default_factory=set)  # confirmed from three months back

    def lines_of(self, person: int) -> int:
        return self.items[person] * (BACK_MONTHS + 1 if person in self.marked else 1)

    @property
    def paid(self) -> set[int]:
        return set(self.ids) - self.without - self.suspended


def largest_county(province: str = GANSU) -> str:
    """The county of the province with the most villages in the region files."""
    counts: dict[str, int] = {}
    try:
        regions = read_region_files(settings.REGION_DATA_DIR, prefix=province)
    except RegionFileError as exc:
        raise BenchError(f"the region files cannot be read: {exc.errors[0]}") from None
    for code, (_name, level, _parent) in regions.items():
        if level == VILLAGE:
            counts[code[:PREFIX_LENGTH[COUNTY]]] = counts.get(code[:PREFIX_LENGTH[COUNTY]], 0) + 1
    if not counts:
        raise BenchError(f"the region files have no villages under {province}")
    return max(sorted(counts), key=counts.get)


def bench_benefits(*, people: int = PEOPLE, county: str = "") -> list[Figure]:
    """The batch of `people` recipients at `county` (default: Gansu's largest), checked, then rolled back."""
    started = time.perf_counter()
    county = county or largest_county()
    choose_seconds = time.perf_counter() - started
    figures: list[Figure] = []
    try:
        with transaction.atomic():
            figures = _measure(people, county, choose_seconds)
            raise Rollback
    except Rollback:
        pass
    return figures


def _measure(count: int, county: str, choose_seconds: float) -> list[Figure]:
    units, load_seconds = _ensure_area(county)
    centre = OrgUnit.objects.filter(region_code=pad_code(county), kind=OrgUnit.Kind.CENTRE).first()
    villages = list(OrgUnit.objects.filter(subtree_q("region_code", county), level=VILLAGE,
                                           kind=OrgUnit.Kind.STATION).select_related("region").order_by("region_code"))
    fmt = BankFormat.objects.filter(name=FORMAT, active=True).first()
    if centre is None or not villages or fmt is None:
        raise BenchError(f"the bench needs {county}'s centre, its village stations and the bank format {FORMAT}")
    month = month_of(timezone.localdate())
    if PaymentBatch.objects.filter(unit=centre, month__gte=month).exists():
        raise BenchError(f"{county} already has a batch for {month:%Y-%m} or later")
    preparer, checker, director = (_user(f"bench_benefits_{name}", role, centre) for name, role in (
        ("preparer", "centre_staff"), ("checker", "centre_staff"), ("director", "centre_director")))
    started = time.perf_counter()
    plan = _people(count, villages, month)
    if connection.vendor == "postgresql":  # as autovacuum would after this many new rows: plans from real counts
        with connection.cursor() as cursor:
            for table in ("people_person", "benefits_entitlement", "benefits_recipient", "benefits_paymentaccount"):
                cursor.execute(f"ANALYZE {table}")
    setup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batch = batches.batch_create(actor=preparer, month=month, bank_format=fmt)
    batch = batches.run_generation(batch.pk, actor=preparer)
    generate_seconds = time.perf_counter() - started
    _check_generated(batch, plan)
    rows, select_seconds = _plain_select(county, month)

    client = Client()
    client.force_login(checker)
    url = reverse("benefits:batch_detail", args=[batch.pk])

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise BenchError(f"the batch's page answered {response.status_code}, not 200")

    page_ms = _timed(page, PAGE_REQUESTS)
    summary_ms = _timed(lambda: _summary(batch.pk), PAGE_REQUESTS)
    started = time.perf_counter()
    _step(preparer, batch, "prepare")
    _step(checker, batch, "check")
    steps_seconds = time.perf_counter() - started
    started = time.perf_counter()
    batch = _step(director, batch, "approve")
    approve_seconds = time.perf_counter() - started
    _check_settled(batch, plan)
    started = time.perf_counter()
    content, _name = bankfiles.write_bank_file(batch, fmt)
    file_seconds = time.perf_counter() - started
    name = Region.objects.get(code=pad_code(county)).name
    return _figures(name=name, county=county, batch=batch, plan=plan, villages=len(villages), units=units,
                    rows=rows, page_ms=page_ms, summary_ms=summary_ms, file_bytes=len(content),
                    seconds={"choose": choose_seconds, "load": load_seconds, "setup": setup_seconds,
                             "generate": generate_seconds, "select": select_seconds, "steps": steps_seconds,
                             "approve": approve_seconds, "file": file_seconds})


def _user(username: str, role: str, centre: OrgUnit) -> User:
    user = User.objects.create(username=username, full_name=username, org_unit=centre, must_change_password=False,
                               password_changed_at=timezone.now())
    user.roles.set(Role.objects.filter(code=role))
    return user


def _card(n: int) -> str:
    stem = f"{CARD_BIN}{n:012d}"
    total = sum(int(c) if i % 2 else (2 * int(c) - 9 if int(c) > 4 else 2 * int(c))
                for i, c in enumerate(reversed(stem)))
    return stem + str(-total % 10)


def _people(count: int, villages: list[OrgUnit], month: date) -> Plan:
    """`count` persons, one at each village in turn, with their categories, recipient, account and entitlements."""
    categories = {category.name: category for category in Category.objects.all()}
    items = {item.code: item for item in BenefitItem.objects.all()}
    missing = {name for names, _codes in PATTERNS for name in names} - set(categories)
    if missing or not {code for _names, codes in PATTERNS for code in codes} | {"nursing-allowance"} <= set(items):
        raise BenchError(f"the bench needs the national categories and items (missing: {sorted(missing)})")
    plan, born = Plan(), date(timezone.localdate().year - 66, 3, 1)
    since, back = date(2015, 7, 1), add_months(month, -BACK_MONTHS)
    for first in range(0, count, CHUNK):
        people = [_person(n, villages[n % len(villages)], born) for n in range(first, min(count, first + CHUNK))]
        Person.objects.bulk_create(people, batch_size=CHUNK)
        spans, recipients, accounts, entitlements = [], [], [], []
        for n, person in enumerate(people, start=first):
            names, codes = PATTERNS[n % len(PATTERNS)]
            codes = codes + (["nursing-allowance"] if person.disability_grade and person.disability_grade <= 4 else [])
            marked = n % 100 == 5
            start = back if marked else since
            spans += [PersonCategory(person=person, category=categories[name], start_date=since) for name in names]
            suspended = n % 200 == 11
            recipients.append(Recipient(person=person, residence="rural", certified_on=date(month.year - 1, 6, 1),
                                        certification_due=date(month.year, 6, 1),
                                        suspended_from=month if suspended else None,
                                        suspension_reason="基准测试：未按期认证" if suspended else ""))
            if n % 100 != 37:
                number = _card(n)
                accounts.append(PaymentAccount(person=person, bank=BANK, number=number,
                                               number_hash=account_hash(number), last_digits=number[-4:],
                                               holder_name=person.name))
            else:
                plan.without.add(person.pk)
            for code in codes:
                category = categories[RURAL_OLD if code == "old-soldier-allowance" else names[0]]
                entitlements.append(Entitlement(person=person, item=items[code], start_month=start,
                                                category=category, grade=person.disability_grade,
                                                cause=person.disability_cause, reason="基准测试",
                                                recompute_from=start if marked else None))
            plan.ids.append(person.pk)
            plan.items[person.pk] = len(codes)
            if marked:
                plan.marked.add(person.pk)
            if suspended:
                plan.suspended.add(person.pk)
        PersonCategory.objects.bulk_create(spans, batch_size=CHUNK)
        Recipient.objects.bulk_create(recipients, batch_size=CHUNK)
        PaymentAccount.objects.bulk_create(accounts, batch_size=CHUNK)
        Entitlement.objects.bulk_create(entitlements, batch_size=CHUNK)
    return plan


def _person(n: int, village: OrgUnit, born: date) -> Person:
    first17 = f"{village.region_code[:6]}{born:%Y%m%d}{n % 1000:03d}"
    number = first17 + check_digit(first17)
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[n // len(SURNAMES) % len(GIVEN)]
    grade = cause = None
    if PATTERNS[n % len(PATTERNS)][0] == ["残疾军人"]:
        grade = 1 + (n // len(PATTERNS)) % 10
        cause = CAUSES[n % 3] if grade <= 6 else CAUSES[n % 2]  # 因病 is rated 1 to 6 only
    return Person(station=village, name=name, name_initials=initials(name), id_number=number, id_hash=id_index(number),
                  birth_date=born, sex="M", address_region=village.region, address_detail=f"基准测试{n}号",
                  disability_grade=grade, disability_cause=cause or "")


def _step(actor: User, batch: PaymentBatch, action: str) -> PaymentBatch:
    batch.refresh_from_db(fields=["version"])
    return batches.batch_step(actor=actor, pk=batch.pk, action=action, version=batch.version)


def _plain_select(county: str, month: date) -> tuple[int, float]:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, [pad_code(county), pad_code(_upper(county)), month])
        rows = len(cursor.fetchall())
    return rows, time.perf_counter() - started


def _summary(batch_id: int) -> None:
    with connection.cursor() as cursor:
        for sql in SUMMARY_SQL:
            cursor.execute(sql, [batch_id])
            cursor.fetchall()


# --- the checks ------------------------------------------------------------------------------------------------

def _check_generated(batch: PaymentBatch, plan: Plan) -> None:
    if batch.running or batch.state != PaymentBatch.State.DRAFT:
        raise BenchError(f"the batch ended {batch.state} (running: {batch.running}), not generated")
    payments = Payment.objects.filter(batch=batch)
    lines = PaymentLine.objects.filter(payment__batch=batch)
    # added up here: SQLite's SUM of decimal columns is a floating-point sum, a fen or two off over 40,000 rows
    paid_sum = sum(payments.values_list("amount", flat=True), Decimal(0))
    line_sum = sum(lines.values_list("amount", flat=True), Decimal(0))
    if not (batch.total == paid_sum == line_sum) or batch.payment_count != payments.count():
        raise BenchError(f"the batch's total {batch.total} is not the sum of its {payments.count()} payments "
                         f"({paid_sum}) and of its lines ({line_sum})")
    ours = set(plan.ids)
    paid = set(payments.filter(person__in=plan.ids).values_list("person_id", flat=True))
    if paid != plan.paid:
        raise BenchError(f"{len(paid)} of the bench's persons paid, not the {len(plan.paid)} with an account and "
                         f"no exception ({len(paid - plan.paid)} too many, {len(plan.paid - paid)} missing)")
    counted = dict(lines.filter(payment__person__in=plan.ids).values_list("payment__person_id").annotate(
        n=Count("id")).values_list("payment__person_id", "n"))
    wrong = [person for person in plan.paid if counted.get(person) != plan.lines_of(person)]
    if wrong:
        raise BenchError(f"{len(wrong)} persons with the wrong number of lines (the first: {counted.get(wrong[0])} "
                         f"for {plan.lines_of(wrong[0])} owed)")
    found: dict[str, set[int]] = {}
    for person, kind in batch.exceptions.values_list("person_id", "kind"):
        if person in ours:
            found.setdefault(kind, set()).add(person)
    wanted = {kind: people for kind, people in ((BatchException.Kind.NO_ACCOUNT, plan.without),
                                                (BatchException.Kind.SUSPENDED, plan.suspended)) if people}
    if found != wanted:
        counts = ", ".join(f"{kind} {len(people)}" for kind, people in sorted(found.items()))
        raise BenchError(f"the exceptions found ({counts or 'none'}) are not the persons without an account "
                         f"({len(plan.without)}) and those suspended ({len(plan.suspended)})")


def _check_settled(batch: PaymentBatch, plan: Plan) -> None:
    if batch.state != PaymentBatch.State.APPROVED:
        raise BenchError(f"the batch is {batch.state} after the approval")
    marked = Entitlement.objects.filter(person__in=plan.ids, recompute_from__isnull=False)
    still = set(marked.values_list("person_id", flat=True))
    left_out = plan.without | plan.suspended
    if still != left_out:
        raise BenchError(f"after the approval {len(still)} persons are marked to recompute, not the {len(left_out)} "
                         f"left out ({len(still - left_out)} paid ones not settled)")


def _figures(*, name, county, batch, plan, villages, units, rows, page_ms, summary_ms, file_bytes,
             seconds) -> list[Figure]:
    lines, payments, exceptions = batch.line_count, batch.payment_count, batch.exception_count
    checked = seconds["generate"] + percentile(page_ms, 50) / 1000 + seconds["steps"]
    verdict = "met" if checked < TARGET_SECONDS else "MISSED"
    people = len(plan.ids)
    return [
        Figure(f"payment batch of {name} ({county}, {villages:,} villages), {people:,} recipients: generated",
               f"{seconds['generate']:,.1f} s ({lines:,} lines, {payments:,} payments, {exceptions:,} exceptions; "
               f"{seconds['generate'] / people * 1000:.2f} ms a person)",
               f"{seconds['select']:,.2f} s (one plain SELECT of the {rows:,} rows it reads)",
               seconds["generate"] / seconds["select"],
               f"target: generated and checked < {TARGET_SECONDS} s: {verdict} ({checked:,.1f} s with the page and the "
               f"prepare and check steps); total ¥{batch.total:,}; choosing the county {seconds['choose']:.0f} s, "
               f"loading {units:,} units {seconds['load']:.0f} s, the recipients {seconds['setup']:.0f} s"),
        Figure(f"  the check: the batch's page as the 复核 ({PAGE_REQUESTS} requests), p50 / max",
               f"{percentile(page_ms, 50):,.0f} / {max(page_ms):,.0f} ms",
               f"{percentile(summary_ms, 50):,.1f} ms (SQL: the payments' count and sum, the exceptions by kind)",
               percentile(page_ms, 50) / max(percentile(summary_ms, 50), 0.001),
               f"exceptions by kind, the first page of payments with their lines, the totals that reconcile; the "
               f"prepare and check steps {seconds['steps'] * 1000:,.0f} ms"),
        Figure("  the approval (the batch recomputed and compared, the periods settled)",
               f"{seconds['approve']:,.1f} s", f"{seconds['generate']:,.1f} s (the generation)",
               seconds["approve"] / seconds["generate"],
               f"three bench users: 经办, 复核, 负责人; then the bank file of {payments:,} transfers "
               f"({file_bytes / 1024:,.0f} KB) written in {seconds['file']:.1f} s"),
    ]
