"""Benchmark: a county's festival 关爱 distribution, 5,000 aid applications approved by the batch job
(`assistance.batch`), against one approval taken by hand through `services.application_transition`.

Everything happens inside one transaction that is rolled back (the job the batch queues on commit is therefore never
queued). The county's regions and units are loaded when the database lacks them; a county director (a bench
account) creates a 关爱基金 and gives it a budget allocation through `assistance.funds`; 5,000 people and their
关爱基金帮扶 applications are bulk-created already passed up by the village and the street and posted by the county,
their 公示 over ten days ago (a fast set-up: only the approval is measured). A few more, made the same way, are
approved one by one through the service first: that is the baseline, the cost of one approval by hand. Then
`batch.batch_start` lists the ready applications and the job's body `batch.run_batch` is called in process, its
progress read from its own `UPDATE … SET "done"` statements as it goes (a second connection could not see them inside
the bench's transaction).

Before any figure is reported the result is checked, so a fast wrong answer cannot pass: every application approved
for the amount proposed, one approval event, one ledger entry and one audit entry each, the fund's balance equal to
its income less every approval and to the last ledger entry's balance, and the progress moving by whole chunks.
"""

import re
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.assistance import batch, funds, services
from rongjia.assistance.models import AidApplication, AidEvent, AidKind, ApprovalBatch, FundEntry
from rongjia.core.idnumber import check_digit
from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import VILLAGE, pad_code
from rongjia.core.scoping import subtree_q
from rongjia.people.models import Person
from rongjia.people.services import id_index, initials

from .evaluation import _ensure_area
from .measure import Figure, percentile
from .worklist import Rollback

JIANGNING = "320115"
KIND = "节日关爱帮扶（批量审批基准测试）"
BY_HAND = 20  # approvals taken one at a time through the service: the baseline
AMOUNTS = (Decimal(1000), Decimal(1500), Decimal(2000))
TARGET_SECONDS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "卫东", "志强", "海军", "秀英", "国庆", "红军", "桂英"]


class BenchError(ValueError):
    pass


def bench_assistance(*, applications: int = 5000, county: str = JIANGNING, by_hand: int = BY_HAND) -> list[Figure]:
    """The batch approval of `applications` at `county`, checked, then rolled back."""
    figures: list[Figure] = []
    try:
        with transaction.atomic():
            figures = _measure(applications, county, by_hand)
            raise Rollback
    except Rollback:
        pass
    return figures


def _measure(count: int, county: str, by_hand: int) -> list[Figure]:
    units, load_seconds = _ensure_area(county)
    centre = OrgUnit.objects.filter(region_code=pad_code(county), kind=OrgUnit.Kind.CENTRE).first()
    villages = list(OrgUnit.objects.filter(subtree_q("region_code", county), level=VILLAGE,
                                           kind=OrgUnit.Kind.STATION).select_related("region").order_by("region_code"))
    if centre is None or not villages:
        raise BenchError(f"the bench needs {county}'s centre and its village stations")
    director = _director(centre)
    # a kind of the county's own, as a jurisdiction adds one for a festival: the batch takes every ready
    # application of its kind, and no application already in the database is of this one
    kind = AidKind.objects.create(jurisdiction_code=county, name=KIND, who_may_apply="辖区内困难退役军人",
                                  documents=["申请书"], cap=Decimal(5000), levels=[5, 4, 3], publicity_days=5)
    started = time.perf_counter()
    fund = funds.fund_create(actor=director, name="批量审批基准测试关爱基金", kind="care")
    income = sum(AMOUNTS) * (count + by_hand)  # more than enough: every approval is paid
    funds.fund_income(actor=director, fund=fund, source="allocation", amount=income, on=timezone.localdate(),
                      note="bench")
    hand_ids = _applications(by_hand, villages, kind, director, first=0)
    ids = _applications(count, villages, kind, director, first=by_hand)
    setup_seconds = time.perf_counter() - started
    hand = []
    for pk in hand_ids:
        started = time.perf_counter()
        services.application_transition(actor=director, application=pk, action="approve",
                                        note="公示期满无异议，同意救助", data={"fund": fund.pk})
        hand.append(time.perf_counter() - started)
    started = time.perf_counter()
    approval = batch.batch_start(actor=director, kind=kind, fund=fund)
    start_seconds = time.perf_counter() - started
    with _progress_seen(approval.pk) as progress:
        run_started = time.perf_counter()
        approval = batch.run_batch(approval.pk)
        run_seconds = time.perf_counter() - run_started
    _check(approval, ids, hand_ids, fund, income, progress)
    name = Region.objects.get(code=pad_code(county)).name
    return _figures(name, count, len(villages), units, hand, (load_seconds, setup_seconds, start_seconds, run_seconds),
                    [run_started, *[at for at, _done in progress]], progress)


def _director(centre: OrgUnit) -> User:
    user = User.objects.create(username="bench_assistance_director", full_name="批量审批基准", org_unit=centre,
                               must_change_password=False, password_changed_at=timezone.now())
    user.roles.set(Role.objects.filter(code="centre_director"))
    if not user.can(batch.APPROVE):
        raise BenchError("a centre director may not approve aid here (assistance.approve): the bench cannot run")
    return user


def _applications(count: int, villages: list[OrgUnit], kind: AidKind, director: User, *, first: int) -> list[int]:
    """`count` people, one at each village in turn, and an application each, posted and past its 公示."""
    today = timezone.localdate()
    born = date(today.year - 50, 6, 1)
    people = []
    for n in range(first, first + count):
        village = villages[n % len(villages)]
        first17 = f"{village.region_code[:6]}{born:%Y%m%d}{n % 1000:03d}"
        number = first17 + check_digit(first17)
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[n // len(SURNAMES) % len(GIVEN)]
        people.append(Person(station=village, name=name, name_initials=initials(name), id_number=number,
                             id_hash=id_index(number), birth_date=born, sex="M", address_region=village.region,
                             address_detail=f"基准测试{n}号"))
    Person.objects.bulk_create(people, batch_size=1000)
    applications = [
        AidApplication(person=person, station=person.station, region_code=person.station.region_code, kind=kind,
                       reason="节日关爱帮扶", amount_requested=AMOUNTS[n % 3], amount_proposed=AMOUNTS[n % 3],
                       state=AidApplication.State.PUBLICITY, level=kind.levels[-1], levels=kind.levels,
                       registered_on=today - timedelta(days=30), publicity_from=today - timedelta(days=20),
                       publicity_until=today - timedelta(days=10), registered_by=director)
        for n, person in enumerate(people)]
    AidApplication.objects.bulk_create(applications, batch_size=1000)
    return [application.pk for application in applications]


@contextmanager
def _progress_seen(batch_id: int):
    """The batch's progress as the job writes it: (seconds, done) for each UPDATE of the batch's done count."""
    seen: list[tuple[float, int]] = []
    marker = re.compile(r'"done" = %s')

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        found = marker.search(sql) if sql.startswith('UPDATE "assistance_approvalbatch"') else None
        if found and params and params[-1] == batch_id:
            seen.append((time.perf_counter(), int(params[sql[:found.start()].count("%s")])))
        return result

    with connection.execute_wrapper(watch):
        yield seen


def _check(approval: ApprovalBatch, ids: list[int], hand_ids: list[int], fund, income: Decimal,
           progress: list[tuple[float, int]]) -> None:
    total = len(ids)
    if (approval.state, approval.total, approval.done, approval.approved) != (ApprovalBatch.State.DONE, total,
                                                                             total, total) or approval.refused:
        raise BenchError(f"the batch ended {approval.state} with {approval.approved} of {approval.total} approved "
                         f"({len(approval.refused)} refused), not {total}")
    if sorted(approval.application_ids) != sorted(ids):
        raise BenchError(f"the batch took {len(approval.application_ids)} applications, not the {total} ready")
    steps = [done for _at, done in progress]
    wanted = [*range(batch.CHUNK, total, batch.CHUNK), total]
    if steps != wanted:
        raise BenchError(f"the progress moved {steps[:6]}…, not by chunks of {batch.CHUNK} to {total}")
    approved = AidApplication.objects.filter(pk__in=ids, state=AidApplication.State.APPROVED, fund=fund)
    if approved.count() != total or approved.exclude(amount_approved=F("amount_proposed")).exists():
        raise BenchError(f"{approved.count()} of {total} applications approved for the amount proposed")
    everything = ids + hand_ids
    events = AidEvent.objects.filter(application_id__in=everything, action="approve").count()
    entries = FundEntry.objects.filter(application_id__in=everything, fund=fund)
    audited = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(AidApplication),
                                      object_id__in=ids).count()
    if events != len(everything) or entries.count() != len(everything) or audited != total:
        raise BenchError(f"{events} approval events, {entries.count()} ledger entries and {audited} audit entries "
                         f"for {len(everything)} approvals")
    fund.refresh_from_db()
    paid = -(entries.aggregate(total=Sum("amount"))["total"] or 0)
    granted = AidApplication.objects.filter(pk__in=everything).aggregate(total=Sum("amount_approved"))["total"]
    last = FundEntry.objects.filter(fund=fund).order_by("-id").values_list("balance_after", flat=True).first()
    if not (paid == granted and fund.balance == income - paid == last and approval.amount == paid - _hand_paid(
            hand_ids)):
        raise BenchError(f"the fund's balance {fund.balance} is not its income {income} less {granted} granted "
                         f"(ledger: {paid} paid, last balance {last})")


def _hand_paid(hand_ids: list[int]) -> Decimal:
    return AidApplication.objects.filter(pk__in=hand_ids).aggregate(total=Sum("amount_approved"))["total"] or 0


def _figures(name, count, villages, units, hand, timings, marks, progress) -> list[Figure]:
    load_seconds, setup_seconds, start_seconds, run_seconds = timings
    each_by_hand = percentile(hand, 50)
    each_in_batch = run_seconds / count
    chunks = [later - earlier for earlier, later in zip(marks, marks[1:], strict=False)]
    steps = " → ".join(f"{done:,}" for _at, done in progress[:2])
    steps += f" → … → {count:,}" if len(progress) > 3 else "".join(f" → {done:,}" for _at, done in progress[2:])
    whole = start_seconds + run_seconds
    verdict = "met" if whole < TARGET_SECONDS else "MISSED"
    return [
        Figure(f"batch approval of {count:,} aid applications at {name} ({villages:,} villages): the job",
               f"{run_seconds:,.1f} s ({count / run_seconds:,.0f} approvals/s)",
               f"{each_by_hand * count:,.1f} s ({count:,} × one approval by hand, {each_by_hand * 1000:,.1f} ms)",
               each_in_batch / each_by_hand,
               f"the ratio is the cost per application, batch / by hand; target < {TARGET_SECONDS} s with the start: "
               f"{verdict} ({whole:,.1f} s); listing the ready ones (batch_start) {start_seconds:.2f} s; loading "
               f"{units:,} units took {load_seconds:.0f} s, the fund and the applications {setup_seconds:.1f} s"),
        Figure(f"  each chunk of {batch.CHUNK} ({len(chunks)} chunk{'s' if len(chunks) > 1 else ''}), p50 / max",
               f"{percentile(chunks, 50):.2f} / {max(chunks):.2f} s", "—", None,
               f"progress written on the batch after each chunk: done {steps}"),
        Figure(f"  one approval by hand ({len(hand)} applications), p50 / p95",
               f"{each_by_hand * 1000:,.1f} / {percentile(hand, 95) * 1000:,.1f} ms", "—", None,
               "services.application_transition as the county director: the engine's approve step, the fund's "
               "lock, a ledger entry, an event and an audit entry"),
    ]
