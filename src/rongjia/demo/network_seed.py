"""The demo county's service network (SPEC C1): a profile, staff and their training, the 五有
and display checklists with photo evidence, and grids with their grid workers for each of its
centres and stations.

Deterministic: every unit draws from its own `random.Random` seeded by its region code (never
the global generator), so two fresh databases hold the same demo. Idempotent: each table is
filled only for the units that have no rows in it yet, so a second run creates nothing and
never overwrites what users changed.

This is a set-up command, not a user action: rows are written with bulk_create (one insert
per batch, no audit entry per row; seed_demo prints what it did). 600 grid-worker accounts
get an unusable password for the same reason: hashing each with argon2 would take minutes,
and the security administrator sets a password when one is needed.
"""

import random
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.core.models import OrgUnit
from rongjia.core.org_units import place_name
from rongjia.core.regions import COUNTY, STREET, VILLAGE
from rongjia.core.scoping import subtree_q
from rongjia.network.facts import ChecklistBook
from rongjia.network.models import ChecklistEntry, ChecklistItem, Grid, StaffMember, StationProfile, TrainingRecord
from rongjia.network.selectors import MAIN_KINDS

from .network_reference import load_network_reference

BATCH = 500

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN_NAMES = (
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平",
    "刚", "斌", "辉", "鹏", "华", "琳", "婷", "雪", "宇", "浩", "凯", "健", "秀英", "秀兰", "桂英", "建国",
    "建华", "国强", "志强", "海燕", "卫东", "红梅", "晓东", "文华", "德明", "振华", "玉兰", "春梅", "永刚",
    "俊杰", "建军", "立新", "红军", "保国", "卫国", "爱军", "海军", "国庆", "建平", "金龙", "小燕", "丽娟",
    "志刚", "明辉", "文斌", "雅琴", "晓梅", "新民", "长青", "学军", "兴华", "军辉",
)
MOBILE_PREFIXES = ("130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
                   "158", "159", "177", "180", "181", "182", "187", "188", "189", "191", "199")

COURSES = [  # (course, hours)
    ("退役军人优待政策解读", Decimal("4")),
    ("信访工作实务", Decimal("6")),
    ("心理疏导技能", Decimal("8")),
    ("退役军人就业创业扶持政策", Decimal("4")),
    ("矛盾纠纷排查化解", Decimal("6")),
    ("拥军优属与褒扬纪念工作", Decimal("3.5")),
    ("退役军人服务保障信息系统操作", Decimal("3")),
    ("档案与台账规范管理", Decimal("3")),
    ("应急救护（红十字救护员）", Decimal("8")),
    ("政治理论学习", Decimal("2")),
]

BRANDS = ("红色驿站", "老兵之家", "兵支书工作室", "戎耀之家", "拥军驿站", "双拥驿站", "军创先锋站", "老兵调解室",
          "退役军人之家", "戎创空间", "军旗红服务队", "老兵志愿服务站")
HONOURS = ("全国示范型退役军人服务站（2022）", "江苏省示范退役军人服务站（2021）",
           "南京市五星级退役军人服务站（2023）", "南京市四星级退役军人服务站（2022）")

# Three photos written once and shared by every entry that has evidence (name, label, colours).
EVIDENCE_FILES = [
    ("evidence/demo/nameplate.png", "门牌照片.png", (176, 32, 38), (245, 214, 120)),
    ("evidence/demo/display_wall.png", "展示墙照片.png", (36, 86, 160), (235, 235, 235)),
    ("evidence/demo/ledger.png", "工作台账照片.png", (60, 120, 70), (250, 245, 225)),
]


@dataclass
class NetworkSeedReport:
    profiles: int = 0
    staff: int = 0
    trainings: int = 0
    entries: int = 0
    grids: int = 0
    grid_accounts: int = 0
    evidence_files: int = 0


def seed_network(*, county_prefix: str, first_grid_workers: dict[str, User] | None = None) -> NetworkSeedReport:
    """Fill the network tables for the county's main units that have no rows in them yet.

    `first_grid_workers` maps a village station's region code to the account that keeps its
    first grid (the printed demo grid worker); the other grids get bulk accounts.
    """
    load_network_reference(county_prefix)
    report = NetworkSeedReport()
    units = list(
        OrgUnit.objects.filter(subtree_q("region_code", county_prefix), kind__in=MAIN_KINDS)
        .select_related("region").order_by("region_code")
    )
    report.evidence_files = _evidence_files()
    report.profiles = _profiles(county_prefix, units)
    report.staff, report.trainings = _staff(units)
    report.entries = _checklist_entries(units)
    report.grids, report.grid_accounts = _grids(units, first_grid_workers or {})
    return report


def _rng(code: str, purpose: str) -> random.Random:
    """One generator per unit and table: a unit's data never depends on which others exist."""
    return random.Random(f"{code}/{purpose}")


def _money(value: int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _area(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) + Decimal(rng.choice(("0", "0", "0.5")))


def short_place(unit: OrgUnit) -> str:
    """汤山街道 → 汤山, 古泉社区居委会 → 古泉, 江宁区 → 江宁: the place word of a brand."""
    name = re.sub(r"（.*?）|\(.*?\)", "", place_name(unit.region.name))
    suffixes = ("区", "县", "市") if unit.level <= COUNTY else ("街道", "社区", "村", "林场", "镇", "乡")
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


# --- profiles --------------------------------------------------------------------------------

def _profiles(county_prefix: str, units: list[OrgUnit]) -> int:
    have = set(StationProfile.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    # Which stations are small is drawn once for the county, so "a few" is a few, not luck.
    county_rng = _rng(county_prefix, "small")
    streets = [u.pk for u in units if u.level == STREET]
    villages = [u.pk for u in units if u.level == VILLAGE]
    small = set(county_rng.sample(streets, min(2, len(streets))))
    small |= set(county_rng.sample(villages, round(len(villages) * 0.1)))
    new = [_profile(unit, unit.pk in small) for unit in units if unit.pk not in have]
    StationProfile.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _profile(unit: OrgUnit, small: bool) -> StationProfile:
    rng = _rng(unit.region_code, "profile")
    place = short_place(unit)
    if unit.level <= COUNTY:
        area, posts = _area(rng, 300, 800), rng.randint(10, 15)
        funding = _money(rng.randint(50, 150) * 10_000 + rng.choice((0, 5_000)))
        brand, honours = f"{place}·{rng.choice(BRANDS)}", "江苏省示范退役军人服务中心（2021）"
    elif unit.level == STREET:
        area = _area(rng, 60, 95) if small else _area(rng, 100, 700)
        posts, funding = rng.randint(1, 4), _money(rng.randint(50, 300) * 1_000)
        brand = f"{place}·{rng.choice(BRANDS)}" if rng.random() < 0.7 else ""
        honours = rng.choice(HONOURS) if rng.random() < 0.3 and not small else ""
    else:
        area = _area(rng, 40, 49) if small else _area(rng, 50, 200)
        posts, funding = rng.choice((0, 0, 0, 1, 1, 2)), _money(rng.randint(10, 50) * 1_000)
        brand = f"{place}·{rng.choice(BRANDS)}" if rng.random() < 0.25 else ""
        honours = rng.choice(HONOURS[1:]) if rng.random() < 0.1 and not small else ""
    return StationProfile(unit=unit, area_m2=area, established_posts=posts, annual_funding=funding,
                          brand_name=brand, honours=honours)


# --- staff and training ----------------------------------------------------------------------

def _staff(units: list[OrgUnit]) -> tuple[int, int]:
    have = set(StaffMember.objects.filter(unit__in=units).values_list("unit_id", flat=True).distinct())
    new = [member for unit in units if unit.pk not in have for member in _unit_staff(unit)]
    # SQLite (3.35+) and PostgreSQL return the new keys, which the training rows need.
    StaffMember.objects.bulk_create(new, batch_size=BATCH)
    today = timezone.localdate()
    trainings = [record for member in new for record in _trainings(member, today)]
    TrainingRecord.objects.bulk_create(trainings, batch_size=BATCH)
    return len(new), len(trainings)


def _posts(unit: OrgUnit, rng: random.Random) -> list[tuple[str, str]]:
    """(post, employment) of everyone in post at the unit."""
    full, part = StaffMember.Employment.FULL_TIME, StaffMember.Employment.PART_TIME
    if unit.level <= COUNTY:
        n = rng.randint(15, 18)
        part_timers = [("志愿者联络员", part), ("法律顾问", part)][: rng.randint(1, 2)]
        heads = [("主任", full), ("副主任", full), ("副主任", full)]
        return heads + [("专干", full)] * (n - len(heads) - len(part_timers)) + part_timers
    if unit.level == STREET:
        n_full = rng.randint(2, 5)
        heads = [("站长", full)] + ([("副站长", full)] if n_full >= 4 else [])
        part_timers = rng.sample([("网格员", part), ("志愿者联络员", part), ("专干", part)], rng.randint(0, 3))
        return heads + [("专干", full)] * (n_full - len(heads)) + part_timers
    # A village station: one full-time 专干; the 站长 is usually the village head, part-time.
    return [("专干", full), ("站长", part)] + ([(rng.choice(("网格员", "志愿者联络员")), part)]
                                               if rng.random() < 0.5 else [])


def _unit_staff(unit: OrgUnit) -> list[StaffMember]:
    rng = _rng(unit.region_code, "staff")
    veteran_share = rng.choice((0.1, 0.25, 0.35, 0.45, 0.55))
    posts = _posts(unit, rng)
    left = rng.random() < 0.08  # someone who left: kept on the books, not counted
    names = _names(rng, len(posts) + left)
    return [
        StaffMember(unit=unit, name=name, post=post, employment=employment, is_veteran=rng.random() < veteran_share,
                    phone=_mobile(rng), active=i < len(posts))
        for i, ((post, employment), name) in enumerate(zip(posts + [("专干", "full_time")] * left, names, strict=True))
    ]


def _names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if name not in names:
            names.append(name)
    return names


def full_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _trainings(member: StaffMember, today) -> list[TrainingRecord]:
    rng = _rng(f"{member.unit.region_code}/{member.name}", "training")
    return [
        TrainingRecord(staff=member, date=today - timedelta(days=rng.randint(7, 360)), course=course, hours=hours)
        for course, hours in rng.sample(COURSES, rng.randint(1, 3))
    ]


# --- 五有 and the display checklist, with photo evidence ----------------------------------------

def png(width: int, height: int, frame: tuple[int, int, int], panel: tuple[int, int, int]) -> bytes:
    """A real PNG (a framed panel under a light sky), written with zlib and struct alone."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            inside = width // 6 <= x < width * 5 // 6 and height // 4 <= y < height * 3 // 4
            border = width // 8 <= x < width * 7 // 8 and height // 5 <= y < height * 4 // 5
            sky = (200 - y, 220 - y // 2, 245)
            row += bytes(panel if inside else frame if border else sky)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def _evidence_files() -> int:
    """Write the shared photos through the evidence field's storage where they are missing."""
    storage = ChecklistEntry._meta.get_field("evidence").storage
    written = 0
    for name, _label, frame, panel in EVIDENCE_FILES:
        if not storage.exists(name):
            saved = storage.save(name, ContentFile(png(160, 120, frame, panel)))
            assert saved == name, saved
            written += 1
    return written


def _checklist_entries(units: list[OrgUnit]) -> int:
    """Every item of a unit's lists gets an entry: met with a photo, met without one, or not met."""
    have = set(ChecklistEntry.objects.filter(unit__in=units).values_list("unit_id", "item__kind").distinct())
    books = {kind: ChecklistBook(kind) for kind in ChecklistItem.Kind.values}
    new = []
    for unit in units:
        for kind, book in books.items():
            if (unit.pk, kind) not in have:
                new += _entries(unit, kind, book.items_for(unit.region_code))
    ChecklistEntry.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _entries(unit: OrgUnit, kind: str, items: list[ChecklistItem]) -> list[ChecklistEntry]:
    rng = _rng(unit.region_code, kind)
    if not items:
        return []
    if kind == ChecklistItem.Kind.FIVE_HAVE:
        # Most stations have all five; the gaps are usually posts (编制), funding or support.
        r = rng.random()
        gaps = 0 if r < 0.55 else 1 if r < 0.85 else rng.randint(2, 3)
        weights = [1, 4, 1, 3, 2][: len(items)] + [1] * max(0, len(items) - 5)
        missing: set[int] = set()
        while len(missing) < min(gaps, len(items)):
            missing.add(rng.choices(range(len(items)), weights=weights)[0])
    else:
        most = {COUNTY: 1, STREET: 3}.get(unit.level, 5)
        missing = set(rng.sample(range(len(items)), rng.randint(0, most)))
    entries = []
    for i, item in enumerate(items):
        name, label, _frame, _panel = EVIDENCE_FILES[i % len(EVIDENCE_FILES)]
        if i not in missing:
            entries.append(ChecklistEntry(unit=unit, item=item, met=True, evidence=name, evidence_name=label))
        elif rng.random() < 0.4:
            entries.append(ChecklistEntry(unit=unit, item=item, met=True, note="照片待上传"))
        else:
            entries.append(ChecklistEntry(unit=unit, item=item, met=False, note=rng.choice(("正在落实", "待整改", ""))))
    return entries


# --- grids and their grid workers -------------------------------------------------------------

GRID_NUMBERS = "一二三四"


def grid_username(unit: OrgUnit, n: int) -> str:
    return f"jn_grid_{unit.region_code}_{n}"


def _grids(units: list[OrgUnit], first_workers: dict[str, User]) -> tuple[int, int]:
    villages = [u for u in units if u.level == VILLAGE]
    have = set(Grid.objects.filter(unit__in=villages).values_list("unit_id", flat=True).distinct())
    plans = {u.pk: _grid_plan(u) for u in villages if u.pk not in have}
    wanted = {
        grid_username(unit, n): (unit, name)
        for unit in villages if unit.pk in plans
        for n, (name, _description) in enumerate(plans[unit.pk], start=1)
        if not (n == 1 and unit.region_code in first_workers)
    }
    created = _grid_accounts(wanted)
    workers = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    grids = []
    for unit in villages:
        for n, (name, description) in enumerate(plans.get(unit.pk, []), start=1):
            worker = first_workers.get(unit.region_code) if n == 1 else None
            grids.append(Grid(unit=unit, name=name, description=description,
                              worker=worker or workers.get(grid_username(unit, n))))
    Grid.objects.bulk_create(grids, batch_size=BATCH)
    return len(grids), created


def _grid_plan(unit: OrgUnit) -> list[tuple[str, str]]:
    rng = _rng(unit.region_code, "grids")
    n = rng.randint(2, 4)
    community = unit.region.name.endswith(("社区居委会", "居委会"))
    plan, start = [], 1
    for i in range(n):
        size = rng.randint(3, 8) if community else rng.randint(2, 5)
        what = f"{start}–{start + size - 1}幢及沿街商户" if community else f"第{start}–{start + size - 1}村民小组"
        plan.append((f"第{GRID_NUMBERS[i]}网格", what))
        start += size
    return plan


def _grid_accounts(wanted: dict[str, tuple[OrgUnit, str]]) -> int:
    """Grid-worker accounts that don't exist yet: unusable password, role grid_worker."""
    existing = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    role = Role.objects.get(code="grid_worker")
    new = []
    for username, (unit, _grid) in wanted.items():
        if username in existing:
            continue
        user = User(username=username, full_name=full_name(_rng(username, "name")), org_unit=unit,
                    must_change_password=True)
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH)
    created = list(User.objects.filter(username__in=[u.username for u in new]).values_list("pk", flat=True))
    User.roles.through.objects.bulk_create([User.roles.through(user_id=pk, role_id=role.pk) for pk in created],
                                           batch_size=BATCH)
    return len(new)
