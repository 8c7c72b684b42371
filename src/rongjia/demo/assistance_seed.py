"""Assistance 帮扶援助 in the demo county (SPEC C5, issue 21): the hardship ledger of about three hundred households
across the county's villages (some key persons, some reviews overdue, a few households out of hardship), pairings
(seed 002's army academy and the solar panels on the roofs of 龙尚村's five hardest-up veterans, the county's
人武部, staff members, outstanding veterans from the dossiers, companies, social organisations) with the help
given, the county's 关爱基金 and emergency budget line with their allocations, company donations and payments, aid
applications in every state, a festival batch approval, and referrals to 民政 and other departments.

Everything goes through the module's services as the demo's staff, so the history, the ledger and the audit
trail are real: `jn_village`, `jn_village2` and `jn_street` where the demo has them, elsewhere a station worker
of each street and village station created here (`jn_staff_<code>`, an unusable password, named after one of the
station's staff, as network_seed does for grid workers), the county centre's staff for the money and `jn_county`
for the county's steps. The services date every step today; a demo needs a year behind it, so each application's
steps are afterwards moved back to the days its plan gives (registration, each level's opinion, the 公示, the
approval, the payment) with queryset updates, in an order that keeps them possible: an application is taken
past its 公示 by moving the 公示's dates back before it is approved, and the money moves in date order so each
fund's ledger reads in date order with the balance after each entry. The audit entries keep the seed's own time.

Deterministic (one seeded random.Random) and idempotent: does nothing when the county has a hardship ledger.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.assistance import batch, funds, services
from rongjia.assistance.models import (
    AidApplication,
    AidDocument,
    AidEvent,
    AidKind,
    AidObjection,
    ApprovalBatch,
    Fund,
    FundEntry,
    HardshipEntry,
    HardshipKind,
    Pairing,
    Referral,
    ReferralEvent,
)
from rongjia.assistance.workflow import publicity_end
from rongjia.core.deadlines import WorkCalendar
from rongjia.core.models import OrgUnit
from rongjia.core.regions import STREET, VILLAGE
from rongjia.core.scoping import subtree_q
from rongjia.network.models import StaffMember
from rongjia.people.models import Award, Person

from .network_seed import png

BATCH = 500
GUQUAN, GAOZHUANG, LONGSHANG, TANGSHAN = "003004", "003011", "003202", "003"  # seed 002's street and villages

# --- the hardship ledger ---------------------------------------------------------------------------------------

KIND_WEIGHTS = {"因病": 38, "因残": 12, "因灾": 6, "因学": 10, "失业": 14, "住房": 10, "其他": 10}
CAUSES = {
    "因病": ["本人患肺癌，正在化疗，医保报销后自付费用较高", "妻子患尿毒症，每周透析三次", "本人突发脑梗，右侧肢体偏瘫",
           "本人患糖尿病并发症，常年服药", "儿子患白血病，已做骨髓移植", "本人患冠心病，去年做心脏支架手术",
           "妻子患乳腺癌，术后长期复查用药", "本人老伤复发，腰椎间盘突出无法从事重体力劳动"],
    "因残": ["本人因战致残（七级），劳动能力受限", "本人因公致残，行动不便", "儿子智力残疾二级，需长期照护",
           "妻子肢体残疾，生活不能完全自理"],
    "因灾": ["去年汛期房屋进水，家具家电损毁", "家中失火，房屋部分烧毁", "台风导致养殖大棚倒塌，损失严重"],
    "因学": ["两个子女同时上大学，学费、生活费负担重", "女儿考上研究生，家庭无力承担学费", "儿子读高中寄宿，开支较大"],
    "失业": ["原单位破产，本人失业一年多", "本人年龄偏大，失业后再就业困难", "疫情后经营的小饭店关停，收入中断",
           "夫妻二人均在企业裁员中失业"],
    "住房": ["居住的老房子为危房，屋顶漏雨", "无自有住房，长期租住简易房", "房屋年久失修，墙体开裂"],
    "其他": ["独居老兵，年老体弱，无子女照顾", "配偶去世，独自抚养两个未成年子女", "父母年迈多病，需长期照顾"],
}
FACTS = ["夫妻二人，儿子在外务工，收入不稳定", "一家三口，女儿在读初中", "本人独居，无子女", "一家四口，两个孩子在上学",
         "与年迈的母亲同住，母亲常年卧床", "夫妻二人均无固定工作，靠打零工维持生活", "三代同堂，家中主要劳动力只有本人",
         "妻子在家务农，儿子在读大学"]
REVIEW_NOTES = ["入户复核，家庭情况无明显变化，继续纳入台账", "复核发现医疗支出增加，困难程度加重",
                "子女已参加工作，家庭收入有所提高，困难程度减轻", "复核时电话联系，本人在外住院，情况属实"]
OUT_OF_HARDSHIP = "家庭成员实现稳定就业，人均收入超过当地低保标准，经复核退出困难台账"
# per level: household income per month (yuan), the share of key persons (重点困难对象)
LEVELS = {"extreme": ((600, 1500), 1.0), "serious": ((1200, 2600), 0.25), "ordinary": ((2000, 4200), 0.0)}


@dataclass
class Seeding:
    county: str
    today: date
    rng: random.Random
    director: User
    centre_staff: User
    workers: dict[int, User]  # station worker per unit id (street and village stations)
    street_of: dict[str, User] = field(default_factory=dict)  # street prefix (9 digits) -> its station's worker
    entries: list[HardshipEntry] = field(default_factory=list)
    calendar: WorkCalendar | None = None

    def village_worker(self, entry: HardshipEntry) -> User:
        return self.workers[entry.station_id]

    def street_worker(self, entry: HardshipEntry) -> User:
        return self.street_of[entry.region_code[:9]]

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def office_day(self, day: date, back: bool = False) -> date:
        """Rest days and holidays (core's calendar) move to the working day before (back) or after."""
        while not self.calendar.is_working(day):
            day += timedelta(days=-1 if back else 1)
        return day


def seed_assistance(*, county_prefix: str, today: date | None = None) -> int:
    if HardshipEntry.objects.filter(subtree_q("region_code", county_prefix)).exists():
        return 0
    director = User.objects.filter(username="jn_county", is_active=True).select_related("org_unit__region").first()
    if director is None or director.org_unit.region_code != county_prefix.ljust(12, "0"):
        return 0
    today = today or timezone.localdate()
    workers = _station_workers(county_prefix)
    world = Seeding(county=county_prefix, today=today, rng=random.Random(f"assistance-{county_prefix}"),
                    director=director, centre_staff=_centre_staff(director.org_unit), workers=workers,
                    calendar=WorkCalendar.load(today - timedelta(days=800), today + timedelta(days=60)))
    world.street_of = {user.org_unit.region_code[:9]: user for user in workers.values()
                       if user.org_unit.level == STREET}
    _ledger(world)
    _pairings(world)
    _aid(world)
    _referrals(world)
    return len(world.entries)


# --- the staff who act ---------------------------------------------------------------------------------------

def _station_workers(county: str) -> dict[int, User]:
    """A station worker for every street and village station: the demo's own where it has one, else one created
    here with an unusable password (the security administrator sets a password when one is needed)."""
    stations = list(OrgUnit.objects.filter(subtree_q("region_code", county), level__in=(STREET, VILLAGE),
                                           kind=OrgUnit.Kind.STATION))
    role = Role.objects.get(code="station_worker")

    def workers() -> dict[int, User]:
        found = {}
        for user in User.objects.filter(org_unit__in=stations, roles=role, is_active=True).select_related(
                "org_unit").order_by("-id"):
            found[user.org_unit_id] = user  # the oldest account of a station wins
        return found

    have = workers()
    _accounts([unit for unit in stations if unit.pk not in have], role, "专干")
    return workers()


def _centre_staff(centre: OrgUnit) -> User:
    role = Role.objects.get(code="centre_staff")
    # its own 专干 account: the centre's other staff (the benefits 经办 and 复核) keep their own books
    user = User.objects.filter(username=f"jn_staff_{centre.region_code}", org_unit=centre, roles=role,
                               is_active=True).select_related("org_unit").first()
    if user is None:
        _accounts([centre], role, "专干")
        user = User.objects.select_related("org_unit").get(username=f"jn_staff_{centre.region_code}")
    return user


def _accounts(units: list[OrgUnit], role: Role, post: str) -> None:
    names = {}
    for unit_id, name, its_post in StaffMember.objects.filter(unit__in=units, active=True).order_by(
            "unit_id", "id").values_list("unit_id", "name", "post"):
        if unit_id not in names or (its_post == post and names[unit_id][1] != post):
            names[unit_id] = (name, its_post)
    taken = set(User.objects.filter(username__in=[f"jn_staff_{u.region_code}" for u in units]).values_list(
        "username", flat=True))
    new = []
    for unit in units:
        username = f"jn_staff_{unit.region_code}"
        if username in taken:
            continue
        user = User(username=username, full_name=names.get(unit.pk, (f"{unit.name[:2]}专干",))[0], org_unit=unit,
                    must_change_password=True)
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH)
    created = User.objects.filter(username__in=[u.username for u in new]).values_list("pk", flat=True)
    User.roles.through.objects.bulk_create([User.roles.through(user_id=pk, role_id=role.pk) for pk in created],
                                           batch_size=BATCH)


# --- the ledger ---------------------------------------------------------------------------------------------

def _entries_wanted(rng: random.Random, village: OrgUnit) -> int:
    suffix = village.region_code[6:]
    if suffix in (GUQUAN, GAOZHUANG, LONGSHANG):
        return {GUQUAN: 14, GAOZHUANG: 12, LONGSHANG: 10}[suffix]
    if suffix.startswith(TANGSHAN):
        return 4
    return rng.choice([0, 1, 1, 2])


def _ledger(world: Seeding) -> None:
    rng = world.rng
    kinds = {kind.name: kind for kind in HardshipKind.objects.filter(active=True)}
    names = [name for name in KIND_WEIGHTS if name in kinds]
    villages = [unit for unit in OrgUnit.objects.filter(subtree_q("region_code", world.county), level=VILLAGE,
                                                        kind=OrgUnit.Kind.STATION).order_by("region_code")
                if unit.pk in world.workers]
    wanted = {village.pk: _entries_wanted(rng, village) for village in villages}
    people: dict[int, list[int]] = {}
    for pk, station_id in Person.objects.filter(station_id__in=[v for v, n in wanted.items() if n],
                                                          status=Person.Status.ACTIVE).order_by(
            "station_id", "-priority", "id").values_list("pk", "station_id"):
        people.setdefault(station_id, []).append(pk)
    for village in villages:
        candidates = people.get(village.pk, [])
        chosen = candidates[:wanted[village.pk] // 2] + rng.sample(
            candidates[wanted[village.pk] // 2:], min(len(candidates[wanted[village.pk] // 2:]),
                                                      wanted[village.pk] - wanted[village.pk] // 2))
        worker = world.workers[village.pk]
        for n, person_pk in enumerate(chosen):
            hardest = village.region_code.endswith(LONGSHANG) and n < 5  # seed 002's five hardest-up
            kind = rng.choices(names, weights=[KIND_WEIGHTS[k] for k in names])[0]
            level = "extreme" if hardest else rng.choices(list(LEVELS), weights=[15, 35, 50])[0]
            world.entries.append(_entry(rng, world, worker, person_pk, kinds[kind], level, hardest).pk)
    world.entries = list(HardshipEntry.objects.filter(pk__in=world.entries).select_related("kind").order_by("id"))


def _entry(rng, world: Seeding, worker: User, person_pk: int, kind: HardshipKind, level: str,
           hardest: bool) -> HardshipEntry:
    today = world.today
    (low, high), key_share = LEVELS[level]
    since = world.ago(rng.randint(900, 1500) if hardest else rng.randint(40, 1800))
    overdue = rng.random() < 0.09
    due = world.ago(rng.randint(3, 75)) if overdue else today + timedelta(days=rng.randint(5, 180))
    reviewed_on = max(since + timedelta(days=30), due - timedelta(days=182))
    review = since < world.ago(120) and reviewed_on < today and rng.random() < 0.5
    size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
    entry = services.hardship_create(
        actor=worker, person=person_pk, kind=kind, cause=rng.choice(CAUSES.get(kind.name, CAUSES["其他"])),
        level=level, since=since, household_size=size,
        monthly_income=Decimal(rng.randrange(low, high, 50) * (1 + size // 3)),
        household_facts=rng.choice(FACTS), key=rng.random() < key_share,
        review_due=reviewed_on if review else due)
    closing = not hardest and since < world.ago(400) and rng.random() < 0.05
    if closing:
        services.hardship_review(actor=worker, entry=entry, version=entry.version, level=level,
                                 note=OUT_OF_HARDSHIP, on=reviewed_on, closed=True)
    elif review:
        found = "serious" if level == "ordinary" and rng.random() < 0.2 else level
        services.hardship_review(actor=worker, entry=entry, version=entry.version, level=found,
                                 note=rng.choice(REVIEW_NOTES), on=reviewed_on, next_due=due)
    return entry


# --- pairings ---------------------------------------------------------------------------------------------

ACADEMY = ("陆军炮兵学院南京校区", "学院政治工作部 025-84470000",
           "与龙尚村5户困难退役军人结对：在困难户房顶安装光伏发电设施，发电收益与困难户共享；学院每季度组织官兵走访一次。")
ARMED_FORCES_DEPT = ("江宁区人民武装部", "区人武部政工科 025-52110000",
                     "人武部机关干部与困难退役军人一对一结对，每季度走访，帮助协调就医、子女就学。")
COMPANIES = [("江苏戎商建设集团有限公司（退役军人创办）", "人力资源部 025-52760000",
              "为家庭成员提供就业岗位，逢年过节送慰问金。", ("job", "安排其儿子到公司工地任施工员，月薪5200元", None)),
             ("南京宁拥物流有限公司", "行政部 025-52890000", "优先招用困难退役军人及其子女，资助子女上学。",
              ("money", "资助子女上学助学金", "3000")),
             ("南京方山食品有限公司", "工会 025-52130000", "每季度送生活物资，提供灵活就业岗位。",
              ("goods", "送去米、油、肉等生活物资", "800"))]
ORGANISATIONS = [("江宁区退役军人志愿服务协会", "会长 139-1234-5678", "老兵志愿者每月上门陪护、代购药品，节日送温暖。",
                  ("goods", "送去冬衣、棉被和取暖器", "1200")),
                 ("江宁区慈善协会", "秘书处 025-52280000", "纳入慈善助医项目，帮助申请慈善医疗救助。",
                  ("money", "慈善助医项目资助", "5000"))]


def _pairings(world: Seeding) -> None:
    rng, open_entries = world.rng, [entry for entry in world.entries if entry.until is None]
    hardest = [e for e in open_entries if e.region_code.endswith(LONGSHANG) and e.level == "extreme"][:5]
    for entry in hardest:
        _solar(world, entry)
    pool = sorted((e for e in open_entries if e not in hardest and e.level != "ordinary"),
                  key=lambda e: (not e.region_code[6:].startswith(TANGSHAN), e.pk))
    others = pool[:30]
    rng.shuffle(others)
    for entry in others[:2]:
        _paired(world, entry, "army", *ARMED_FORCES_DEPT,
                help_=("visit", "人武部干部上门走访，帮助联系医院专家会诊", None))
    for entry in others[2:9]:
        staff = _staff_of(entry) or _staff_of(entry, street=True)
        if staff is None:
            continue
        name, post, phone, unit_name = staff
        _paired(world, entry, "staff", f"{name}（{unit_name}{post}）", phone,
                "每月至少上门走访一次，帮助申请救助，协调解决就医和子女上学问题。",
                help_=("visit", "上门走访，帮助整理救助申请材料", None))
    veterans = _decorated_veterans(world.county)
    for entry in others[9:]:
        veteran = next((pk for pk in veterans.get(entry.station_id, []) if pk != entry.person_id), None)
        if veteran is None:
            continue
        veterans[entry.station_id].remove(veteran)
        _paired(world, entry, "veteran", "", "", "老兵帮老兵：每月电话联系，每季度上门一次，帮助对接就业和医疗资源。",
                helper_person=veteran, help_=("visit", "结对老兵上门谈心，帮助联系社区医生定期上门", None))
    rest = [e for e in pool[30:] if e.region_code[6:].startswith(TANGSHAN) or rng.random() < 0.3]
    for entry, (name, contact, plan, help_) in zip(rest, COMPANIES + ORGANISATIONS, strict=False):
        kind = "company" if (name, contact, plan, help_) in COMPANIES else "organisation"
        _paired(world, entry, kind, name, contact, plan, help_=help_)


def _solar(world: Seeding, entry: HardshipEntry) -> None:
    rng, since = world.rng, world.ago(640)
    worker = world.village_worker(entry)
    pairing = services.pairing_create(actor=worker, entry=entry, helper_kind="army", helper_name=ACADEMY[0],
                                      helper_contact=ACADEMY[1], plan=ACADEMY[2], since=since)
    services.help_record(actor=worker, pairing=pairing, kind="project", on=since + timedelta(days=48),
                         description="屋顶光伏发电设施安装并网发电（5千瓦），由学院出资建设", amount=Decimal("32000"))
    for quarter_end in _quarter_ends(since + timedelta(days=48), world.today):
        quarter = f"{quarter_end.year}年第{(quarter_end.month - 1) // 3 + 1}季度"
        services.help_record(actor=worker, pairing=pairing, kind="money", on=quarter_end + timedelta(days=10),
                             description=f"光伏发电收益分红（{quarter}）",
                             amount=Decimal(rng.randrange(560, 820, 10)))
    services.help_record(actor=worker, pairing=pairing, kind="visit", on=world.ago(rng.randint(20, 60)),
                         description="学院官兵上门走访，检修光伏板，送去米、油")


def _quarter_ends(since: date, today: date) -> list[date]:
    ends, year = [], since.year
    while year <= today.year:
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = date(year, month, day)
            if since < end and end + timedelta(days=10) <= today:
                ends.append(end)
        year += 1
    return ends[-6:]


def _paired(world: Seeding, entry, kind, name, contact, plan, *, help_, helper_person=None) -> Pairing:
    rng = world.rng
    since = max(entry.since, world.ago(rng.randint(60, 500)))
    worker = world.village_worker(entry)
    pairing = services.pairing_create(actor=worker, entry=entry, helper_kind=kind, helper_name=name,
                                      helper_contact=contact, plan=plan, since=since, helper_person=helper_person)
    help_kind, description, amount = help_
    first = min(world.today, since + timedelta(days=rng.randint(5, 30)))
    services.help_record(actor=worker, pairing=pairing, kind=help_kind, on=first, description=description,
                         amount=Decimal(amount) if amount else None)
    if (world.today - first).days > 60:
        services.help_record(actor=worker, pairing=pairing, kind="goods", on=first + timedelta(days=45),
                             description="节日走访，送去慰问品", amount=Decimal(rng.choice([300, 500])))
    if rng.random() < 0.25 and (world.today - since).days > 200:
        pairing.refresh_from_db()
        services.pairing_end(actor=worker, pairing=pairing, version=pairing.version,
                             until=since + timedelta(days=180))
    return pairing


def _staff_of(entry: HardshipEntry, street: bool = False):
    code = entry.region_code[:9] + "000" if street else entry.region_code
    member = StaffMember.objects.filter(unit__region_code=code, unit__kind=OrgUnit.Kind.STATION, active=True).exclude(
        post="网格员").select_related("unit").order_by("id").first()
    return (member.name, member.post, member.phone, member.unit.name) if member else None


def _decorated_veterans(county: str) -> dict[int, list[int]]:
    """Dossiers with a merit or an honour, by station: the outstanding veterans who pair with a neighbour."""
    found: dict[int, list[int]] = {}
    for pk, station_id in Award.objects.filter(subtree_q("person__station__region_code", county),
                                               person__status=Person.Status.ACTIVE).order_by(
            "person_id").values_list("person_id", "person__station_id"):
        if pk not in found.setdefault(station_id, []):
            found[station_id].append(pk)
    return found


# --- aid: funds, applications, the money in date order -------------------------------------------------------

REASONS = {
    "大病医疗救助": ["患肺癌，今年住院化疗四次，医保报销后自付医疗费用4.2万元",
                "突发脑梗住院治疗，自付医疗费用2.8万元，家庭无力承担",
                "患尿毒症长期透析，全年自付医疗费用约3.5万元", "妻子患乳腺癌手术治疗，自付费用3.6万元"],
    "临时救助": ["房屋受暴雨损坏，屋顶漏雨需维修，生活暂时困难", "家中失火，衣物家具被毁，急需生活用品",
             "失业半年，子女学费无着落", "儿子车祸受伤住院，家庭收入中断"],
    "应急救助": ["突发交通事故致腿部骨折，无法务工，家庭基本生活陷入困境", "暴雨导致房屋部分倒塌，全家临时借住亲戚家",
             "本人突发心梗抢救，家中积蓄用尽"],
    "关爱基金帮扶": ["老伤复发，常年服药，家庭收入低，生活困难", "独居老兵，年老体弱，生活困难",
               "家中两个子女上学，妻子无固定收入，生活困难", "参战退役军人，身体多病，家庭生活困难"],
}
AMOUNTS = {"大病医疗救助": (5000, 20000, 1000), "临时救助": (1000, 5000, 500), "应急救助": (3000, 10000, 1000),
           "关爱基金帮扶": (2000, 5000, 500)}
FUND_OF = {"大病医疗救助": "care", "关爱基金帮扶": "care", "临时救助": "emergency", "应急救助": "emergency"}
FESTIVAL_AMOUNTS = [1000, 1500, 2000]

# The states the demo shows, each an application's steps (a step "@5" is taken at that level). "Running" ones are
# still in their 公示 today; the others are past it.
PASSED_UP = ["register", "recommend", "recommend"]
STEPS = {
    "village": ["register"],
    "refused_village": ["register", "reject"],
    "street": ["register", "recommend"],
    "withdrawn": ["register", "recommend", "withdraw"],
    "refused_street": ["register", "recommend", "reject"],
    "county": PASSED_UP,
    "posted": [*PASSED_UP, "agree"],
    "objected": [*PASSED_UP, "agree", "object"],
    "cleared": [*PASSED_UP, "agree", "object", "answer"],
    "ready": [*PASSED_UP, "agree"],
    "refused_upheld": [*PASSED_UP, "agree", "object", "answer", "reject"],
    "approved": [*PASSED_UP, "agree", "approve"],
    "bank": [*PASSED_UP, "agree", "approve", "pay"],
    "cash": [*PASSED_UP, "agree", "approve", "pay"],
    "festival": [*PASSED_UP, "agree", "approve", "pay"],
}
RUNNING = {"posted", "objected"}
# (state, kind, where, registered days ago); where: a village suffix, "tangshan" (its other villages) or "county"
CASES = [
    ("village", "临时救助", GUQUAN, 2), ("village", "大病医疗救助", GAOZHUANG, 4),
    ("village", "关爱基金帮扶", "county", 3),
    ("street", "大病医疗救助", GUQUAN, 7), ("street", "应急救助", "tangshan", 6), ("street", "临时救助", "county", 8),
    ("county", "关爱基金帮扶", GAOZHUANG, 12), ("county", "大病医疗救助", "tangshan", 11),
    ("county", "临时救助", "county", 13),
    ("posted", "大病医疗救助", GUQUAN, 0), ("posted", "临时救助", LONGSHANG, 0),
    ("posted", "关爱基金帮扶", "county", 0),
    ("objected", "关爱基金帮扶", GAOZHUANG, 0),
    ("cleared", "关爱基金帮扶", "tangshan", 34),
    *[("ready", "关爱基金帮扶", where, 30 + n)
      for n, where in enumerate([GUQUAN, "tangshan", "county", "county", "tangshan"])],
    ("approved", "大病医疗救助", GAOZHUANG, 26), ("approved", "应急救助", "county", 28),
    *[("bank", kind, where, days) for kind, where, days in [
        ("大病医疗救助", GUQUAN, 290), ("临时救助", "tangshan", 260), ("应急救助", "county", 230),
        ("大病医疗救助", "county", 200), ("临时救助", GAOZHUANG, 170), ("关爱基金帮扶", LONGSHANG, 150),
        ("大病医疗救助", "tangshan", 120), ("临时救助", "county", 95), ("应急救助", GUQUAN, 70),
        ("大病医疗救助", "county", 52), ("临时救助", "county", 45)]],
    ("cash", "临时救助", GUQUAN, 180), ("cash", "应急救助", "tangshan", 110), ("cash", "关爱基金帮扶", "county", 60),
    ("refused_village", "临时救助", "county", 40), ("refused_street", "临时救助", "tangshan", 75),
    ("refused_upheld", "关爱基金帮扶", "county", 100), ("withdrawn", "大病医疗救助", GAOZHUANG, 50),
    *[("festival", "关爱基金帮扶", where, 0) for where in [GUQUAN, GUQUAN, GAOZHUANG, GAOZHUANG, LONGSHANG,
                                                        "tangshan", "tangshan", "tangshan", "county", "county",
                                                        "county", "county"]],
]
OPINIONS = {
    "recommend@5": "经入户核实，家庭情况属实，材料齐全，同意上报",
    "recommend@4": "经街道审核，符合救助条件，同意上报，建议按核定金额救助",
    "agree": "经区退役军人服务中心审核，同意予以公示",
    "approve": "公示期满无异议，同意救助",
}
REFUSALS = {
    "refused_village": "经入户核实，申请人已于今年3月实现稳定就业，月收入6000元，不符合临时救助条件",
    "refused_street": ("申请人本年度已因同一事由获得临时救助2000元，不予重复救助；"
                       "建议待医疗费用票据齐全后申请大病医疗救助"),
    "refused_upheld": "公示期间群众反映申请人经营农家乐，经核实年收入约15万元，家庭收入高于救助标准，不予批准",
    "withdrawn": "申请人所在单位已为其报销大部分医疗费用，本人申请撤回",
}
OBJECTIONS = {
    "objected": ("村民（署名）", "反映申请人儿子在城区有两套住房，家庭经济条件较好，不应享受帮扶"),
    "cleared": ("匿名来电", "反映申请人家中新买了轿车，生活并不困难"),
    "refused_upheld": ("同村村民", "反映申请人在村里经营农家乐，生意很好，收入较高"),
}
ANSWERS = {
    "cleared": ("经入户调查，所称轿车为其女婿所有，申请人家庭收入情况属实，反映问题不成立", False),
    "refused_upheld": ("经调查核实，申请人经营农家乐年收入约15万元，反映情况属实", True),
}
DOCUMENT_TITLES = {"申请书": "Application form", "困难情况证明": "Certificate of hardship",
                   "诊断证明": "Medical diagnosis", "医疗费用票据": "Medical bills"}


@dataclass
class Case:
    state: str
    kind: AidKind
    entry: HardshipEntry
    days: list[date]  # one day per step, in order
    amount: Decimal
    proposed: Decimal
    publicity: tuple[date, date] | None = None
    application: AidApplication | None = None


def _aid(world: Seeding) -> None:
    kinds = {kind.name: kind for kind in AidKind.objects.filter(jurisdiction_code="", name__in=list(REASONS))}
    cases = _cases(world, kinds)
    care, emergency = _funds(world)
    fund_for = {"care": care, "emergency": emergency}
    for case in cases:  # everything but money
        _until_money(world, case)
    festival = [case for case in cases if case.state == "festival"]
    money: list[tuple[date, int, object]] = [(day, n, action) for n, (day, action) in enumerate(_incomes(world, care,
                                                                                                        emergency))]
    for case in cases:
        if "approve" in STEPS[case.state] and case.state != "festival":
            day = case.days[STEPS[case.state].index("approve")]
            money.append((day, len(money), lambda case=case, day=day: _approve(world, case, fund_for, day)))
    if festival:
        day = festival[0].days[STEPS["festival"].index("approve")]
        money.append((day, len(money), lambda: _festival_batch(world, festival, care, day)))
    for _day, _n, action in sorted(money, key=lambda item: (item[0], item[1])):
        action()
    for case in cases:
        if "pay" in STEPS[case.state]:
            _pay(world, case)
        _dated(world, case)


def _cases(world: Seeding, kinds: dict[str, AidKind]) -> list[Case]:
    rng, used = world.rng, set()
    open_entries = [e for e in world.entries if e.until is None]
    festival_day = world.office_day(world.ago(70), back=True)
    cases = []
    for state, kind_name, where, days_ago in CASES:
        kind = kinds.get(kind_name)
        entry = _applicant(rng, open_entries, where, kind_name, used)
        if kind is None or entry is None:
            continue
        used.add(entry.person_id)
        if state == "festival":
            amount = Decimal(rng.choice(FESTIVAL_AMOUNTS))
            proposed = amount
        else:
            low, high, step = AMOUNTS[kind_name]
            amount = Decimal(rng.randrange(low, high + 1, step))
            proposed = amount if rng.random() < 0.6 else max(Decimal(low), (amount * Decimal("0.8")).quantize(
                Decimal("100")))
        days, publicity = _timeline(world, state, kind, days_ago, festival_day)
        cases.append(Case(state, kind, entry, days, amount, proposed, publicity))
    return cases


def _applicant(rng, entries, where, kind_name, used) -> HardshipEntry | None:
    def here(entry):
        suffix = entry.region_code[6:]
        if where == "county":
            return not suffix.startswith(TANGSHAN)
        if where == "tangshan":
            return suffix.startswith(TANGSHAN) and suffix not in (GUQUAN, GAOZHUANG, LONGSHANG)
        return suffix == where

    wanted = {"大病医疗救助": ("因病",), "临时救助": ("因灾", "失业", "住房", "因学"), "应急救助": ("因灾", "因病")}
    pool = [e for e in entries if here(e) and e.person_id not in used]
    fitting = [e for e in pool if e.kind.name in wanted.get(kind_name, (e.kind.name,))]
    choice = fitting or pool
    return rng.choice(choice) if choice else None


def _timeline(world: Seeding, state: str, kind: AidKind, days_ago: int, festival_day: date):
    """The day of each of the case's steps, none after today; the 公示's first and last day if it has one."""
    rng, steps, today = world.rng, STEPS[state], world.today
    gaps = {"recommend": rng.randint(1, 4), "withdraw": rng.randint(2, 6), "reject": rng.randint(1, 4),
            "agree": rng.randint(1, 4), "object": rng.randint(1, 3), "answer": rng.randint(2, 5),
            "approve": rng.randint(1, 3), "pay": rng.randint(2, 7)}
    start = world.ago(days_ago)
    if state in RUNNING:  # still in its 公示: posted in the last few days
        start = today - timedelta(days=rng.randint(0, 2) + 2 * gaps["recommend"] + gaps["agree"])
    elif state == "festival":
        start = festival_day - timedelta(days=rng.randint(28, 36))
    for _attempt in range(12):
        days, publicity, day = [], None, world.office_day(start)
        for action in steps:
            if action == "register":
                pass
            elif action == "approve":
                day = festival_day if state == "festival" else world.office_day(publicity[1] + timedelta(
                    days=gaps["approve"]))
            elif action == "reject" and state == "refused_upheld":
                day = world.office_day(day + timedelta(days=1))
            else:
                day = world.office_day(day + timedelta(days=gaps[action]))
            if action == "agree":
                publicity = (day, publicity_end(day, kind.publicity_days, calendar=world.calendar))
            days.append(day)
        if state == "objected":
            days[-1] = min(days[-1], today)  # an objection raised today at the latest
        late = max(days) - today
        if late > timedelta(0):
            start -= late
            continue
        if state == "festival" and publicity[1] >= festival_day:
            start -= timedelta(days=7)
            continue
        if state in RUNNING and publicity[1] < today:
            start += timedelta(days=3)
            continue
        if state in ("cleared", "ready") and publicity[1] >= today:
            start -= timedelta(days=7)
            continue
        return days, publicity
    raise ValueError(f"no timeline fits {state} registered {days_ago} days ago")


def _funds(world: Seeding) -> tuple[Fund, Fund]:
    director = world.director
    county = director.org_unit.region.name
    care = funds.fund_create(actor=director, name=f"{county}退役军人关爱基金", kind="care",
                             note="区财政每年拨款，接受企业和社会各界捐赠，专项用于困难退役军人帮扶援助。")
    emergency = funds.fund_create(actor=director, name="困难退役军人应急救助资金", kind="emergency",
                                  note="区财政预算安排，用于应急救助和临时救助。")
    first = world.ago(335)
    Fund.objects.filter(pk__in=[care.pk, emergency.pk]).update(created_at=_at(first, 9))
    return care, emergency


def _incomes(world: Seeding, care: Fund, emergency: Fund):
    """The funds' income and visit money, each a (day, action) for the money timeline."""
    staff = world.centre_staff

    def income(fund, source, amount, day, donor="", restriction="", note=""):
        def action():
            entry = funds.fund_income(actor=staff, fund=fund, source=source, amount=amount, on=day, donor=donor,
                                      restriction=restriction, note=note)
            FundEntry.objects.filter(pk=entry.pk).update(created_at=_at(day, 10))
        return day, action

    def visit_money(day, households, each):
        def action():
            entry = funds.fund_spend(actor=staff, fund=care, source="visit", amount=households * each, on=day,
                                     note=f"春节走访慰问困难退役军人{households}户，每户{each}元")
            FundEntry.objects.filter(pk=entry.pk).update(created_at=_at(day, 15))
        return day, action

    year_start = world.office_day(world.ago(330))
    return [
        income(care, "allocation", "300000", year_start, note=f"{year_start.year}年度区财政拨款（关爱基金）"),
        income(emergency, "allocation", "200000", year_start, note=f"{year_start.year}年度区财政预算（应急救助）"),
        visit_money(world.office_day(world.ago(300)), 72, 500),
        income(care, "donation", "100000", world.office_day(world.ago(280)), donor="江苏戎商建设集团有限公司",
               note="“八一”前夕企业捐赠仪式"),
        income(care, "donation", "50000", world.office_day(world.ago(205)), donor="南京宁拥物流有限公司",
               restriction="定向用于大病医疗救助"),
        income(care, "donation", "30000", world.office_day(world.ago(150)), donor="江宁区退役军人创业协会",
               restriction="定向用于汤山街道困难退役军人"),
        income(care, "donation", "20000", world.office_day(world.ago(95)), donor="南京方山食品有限公司",
               restriction="定向用于中秋、国庆关爱帮扶"),
        income(emergency, "allocation", "50000", world.office_day(world.ago(88)), note="年中追加预算"),
        income(care, "donation", "5000", world.office_day(world.ago(40)), donor="王振国（退役军人）"),
        income(care, "donation", "80000", world.office_day(world.ago(12)), donor="南京江宁科学园发展有限公司"),
    ]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(title: str) -> bytes:
    """A one-page PDF: a stand-in for a scanned form."""
    text = f"BT /F1 20 Tf 72 760 Td (Demo scan: {title}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _documents(kind: AidKind) -> dict:
    return {name: SimpleUploadedFile(f"{name}.pdf", _pdf(DOCUMENT_TITLES.get(name, "Document")),
                                     content_type="application/pdf") for name in kind.documents}


def _step(world: Seeding, case: Case, actor: User, action: str, note: str = "", **data) -> None:
    case.application = services.application_transition(actor=actor, application=case.application.pk, action=action,
                                                       note=note, version=case.application.version, data=data)


def _until_money(world: Seeding, case: Case) -> None:
    """Register and take every step before the approval; a 公示 that must be over is moved back to its planned
    days (a queryset update: the service posts from today)."""
    village, street = world.village_worker(case.entry), world.street_worker(case.entry)
    county = world.director
    case.application = services.application_register(
        actor=village, person=case.entry.person_id, kind=case.kind, amount=case.amount,
        reason=world.rng.choice(REASONS[case.kind.name]), documents=_documents(case.kind))
    steps = STEPS[case.state]
    for n, action in enumerate(steps[1:], start=1):
        if action in ("approve", "pay"):
            break
        if action == "recommend":
            at_village = case.application.level == 5
            _step(world, case, village if at_village else street, action,
                  OPINIONS["recommend@5" if at_village else "recommend@4"],
                  amount=str(case.amount if at_village else case.proposed))
        elif action == "agree":
            _step(world, case, county, action, OPINIONS["agree"], amount=str(case.proposed))
            AidApplication.objects.filter(pk=case.application.pk).update(publicity_from=case.publicity[0],
                                                                         publicity_until=case.publicity[1])
        elif action == "object":
            raised_by, content = OBJECTIONS[case.state]
            _step(world, case, county, action, content, raised_by=raised_by)
            AidObjection.objects.filter(application=case.application).update(received_on=case.days[n])
        elif action == "answer":
            note, upheld = ANSWERS[case.state]
            _step(world, case, county, action, note, upheld="1" if upheld else "")
            AidObjection.objects.filter(application=case.application).update(resolved_on=case.days[n])
        elif action in ("reject", "withdraw"):
            actor = {5: village, 4: street}.get(case.application.level, county)
            _step(world, case, actor, action, REFUSALS[case.state])
        case.application.refresh_from_db()


def _approve(world: Seeding, case: Case, fund_for: dict[str, Fund], day: date) -> None:
    case.application.refresh_from_db()
    _step(world, case, world.director, "approve", OPINIONS["approve"], fund=fund_for[FUND_OF[case.kind.name]].pk)
    _approved_on(case.application.pk, day)


def _approved_on(pk, day: date) -> None:
    """The approval and its ledger entry moved back to the planned day (the service approves today)."""
    AidApplication.objects.filter(pk=pk).update(approved_on=day)
    FundEntry.objects.filter(application_id=pk).update(on=day, created_at=_at(day, 11))


def _festival_batch(world: Seeding, cases: list[Case], care: Fund, day: date) -> None:
    """A festival 关爱 distribution approved as one batch; the job runs here, as a worker would (the job queued
    when the seed commits then finds the batch done)."""
    started = batch.batch_start(actor=world.director, kind=cases[0].kind, fund=care,
                                application_ids=[case.application.pk for case in cases])
    batch.run_batch(started.pk)
    ApprovalBatch.objects.filter(pk=started.pk).update(started_at=_at(day, 9, 30), finished_at=_at(day, 9, 31))
    for case in cases:
        _approved_on(case.application.pk, day)
        case.application.refresh_from_db()


def _pay(world: Seeding, case: Case) -> None:
    day = case.days[-1]
    case.application.refresh_from_db()
    worker = world.director  # the county pays out (its last level)
    if case.state == "cash":
        receipt = SimpleUploadedFile(f"{AidDocument.RECEIPT}.png", png(240, 160, (90, 90, 90), (250, 250, 245)),
                                     content_type="image/png")
        case.application = services.application_transition(
            actor=worker, application=case.application.pk, action="pay", note="现金发放，申请人当面签收",
            version=case.application.version, data={"method": "cash", "paid_on": day.isoformat()}, receipt=receipt)
    else:
        _step(world, case, worker, "pay", "已通过银行转账发放至申请人社保卡账户", method="bank",
              reference=f"JN{day:%Y%m%d}{case.application.pk:05d}", paid_on=day.isoformat())


def _dated(world: Seeding, case: Case) -> None:
    """Each step's event moved back to its planned day, in office hours; the application's own dates with it."""
    application, rng = case.application, world.rng
    events = list(AidEvent.objects.filter(application_id=application.pk).order_by("id"))
    if len(events) != len(case.days):
        raise ValueError(f"{application.pk}: {len(events)} events for {len(case.days)} planned steps")
    for event, day in zip(events, case.days, strict=True):
        event.on, event.at = day, _at(day, rng.randint(8, 16), rng.randint(0, 59))
    AidEvent.objects.bulk_update(events, ["on", "at"])
    registered = case.days[0]
    AidApplication.objects.filter(pk=application.pk).update(registered_on=registered,
                                                            created_at=events[0].at)
    AidDocument.objects.filter(application_id=application.pk).exclude(requirement=AidDocument.RECEIPT).update(
        uploaded_at=events[0].at)
    AidDocument.objects.filter(application_id=application.pk, requirement=AidDocument.RECEIPT).update(
        uploaded_at=events[-1].at)


# --- referrals ------------------------------------------------------------------------------------------------

# department, what is asked for, the request, the state it ends in, sent days ago, where
REFERRALS = [
    ("civil", "低保", "申请人患癌症，家庭人均收入低于低保标准，请民政部门审核纳入城乡低保", "closed", 240, GAOZHUANG),
    ("civil", "低保", "家庭主要劳动力因病丧失劳动能力，申请纳入低保", "closed", 190, "county"),
    ("civil", "低保", "夫妻二人均失业，无稳定收入，申请低保", "answered", 60, GUQUAN),
    ("civil", "低保", "独居老兵，收入仅靠少量养老金，申请低保", "sent", 40, "tangshan"),
    ("civil", "低保", "子女上学负担重，家庭收入低，申请低保", "sent", 9, "county"),
    ("civil", "特困供养", "无劳动能力、无生活来源、无法定赡养人，申请特困人员救助供养", "closed", 150, LONGSHANG),
    ("civil", "特困供养", "年满70周岁，无子女，生活不能自理，申请特困供养", "sent", 33, "county"),
    ("civil", "特困供养", "重度残疾，无法定赡养人，申请特困供养", "answered", 45, "tangshan"),
    ("civil", "临时救助", "家中失火，急需临时生活救助", "closed", 120, GUQUAN),
    ("civil", "临时救助", "突发重病住院，家庭生活暂时困难，请民政部门给予临时救助", "sent", 22, GAOZHUANG),
    ("civil", "临时救助", "房屋受暴雨损坏，申请临时救助", "sent", 5, "county"),
    ("civil", "临时救助", "车祸致伤，家庭收入中断，申请临时救助", "answered", 35, "county"),
    ("medical", "大病保险二次报销", "全年自付医疗费用超过起付线，请医保部门办理大病保险二次报销", "closed", 130,
     "county"),
    ("medical", "医疗救助", "低保对象住院，申请医疗救助", "sent", 26, "tangshan"),
    ("disabled", "残疾评定", "因战致残，申请办理残疾人证和护理补贴", "answered", 70, GUQUAN),
    ("hrss", "就业援助", "失业一年以上，就业困难，请人社部门纳入就业援助对象", "closed", 160, "county"),
    ("hrss", "公益性岗位", "年龄偏大，申请安置公益性岗位", "sent", 18, GAOZHUANG),
    ("justice", "法律援助", "在外务工被拖欠工资2.3万元，申请法律援助", "answered", 55, "county"),
    ("housing", "危房改造", "居住房屋经鉴定为C级危房，申请农村危房改造", "sent", 30, LONGSHANG),
]
OUTCOMES = {"medical": [("granted", "已办理大病保险二次报销")],
            "disabled": [("granted", "已评定为七级残疾，办理残疾人证")],
            "hrss": [("granted", "已纳入就业援助对象，推荐至公益性岗位")],
            "justice": [("granted", "已指派法律援助律师，代理讨薪诉讼")],
            "housing": [("not_eligible", "经核查房屋已列入拆迁范围")]}
CIVIL_ANSWERS = {"低保": ("granted", "经审核符合条件，已纳入城乡低保，每月发放低保金"),
                 "特困供养": ("granted", "经审核符合条件，纳入分散供养特困人员"),
                 "临时救助": ("partly", "经审核给予临时救助2000元")}


def _referrals(world: Seeding) -> None:
    rng, used = world.rng, set()
    open_entries = [e for e in world.entries if e.until is None]
    for department, service, request, state, days_ago, where in REFERRALS:
        entry = _applicant(rng, open_entries, where, "", used)
        if entry is None:
            continue
        used.add(entry.person_id)
        worker = world.village_worker(entry)
        sent = world.office_day(world.ago(days_ago), back=True)
        referral = services.referral_create(actor=worker, person=entry.person_id, department=department,
                                            service=service, request=request, sent_on=sent)
        days = [sent]
        if state == "sent" and days_ago > 20:  # overdue: chased once
            referral = services.referral_transition(actor=worker, referral=referral, action="chase",
                                                    note="电话催办，对方答复正在审核", version=referral.version)
            days.append(min(world.today, world.office_day(sent + timedelta(days=17))))
            Referral.objects.filter(pk=referral.pk).update(chased_on=days[-1])
        if state in ("answered", "closed"):
            outcome, answer = CIVIL_ANSWERS[service] if department == "civil" else rng.choice(OUTCOMES[department])
            answered = world.office_day(sent + timedelta(days=rng.randint(8, 25)))
            answered = min(answered, world.today)
            referral = services.referral_transition(actor=worker, referral=referral, action="answer", note=answer,
                                                    version=referral.version,
                                                    data={"outcome": outcome, "answered_on": answered.isoformat()})
            days.append(answered)
        if state == "closed":
            referral = services.referral_transition(actor=worker, referral=referral, action="close",
                                                    note="已落实，结案", version=referral.version)
            days.append(min(world.today, world.office_day(days[-1] + timedelta(days=3))))
        events = list(ReferralEvent.objects.filter(referral=referral).order_by("id"))
        for event, day in zip(events, days, strict=True):
            event.on, event.at = day, _at(day, rng.randint(8, 16), rng.randint(0, 59))
        ReferralEvent.objects.bulk_update(events, ["on", "at"])
        Referral.objects.filter(pk=referral.pk).update(created_at=events[0].at)
