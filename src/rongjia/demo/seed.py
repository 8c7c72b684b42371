"""The demo network: a real county's centres and stations, their profiles, staff, checklists
and grids (network_seed), and one account per demo role.

Idempotent: a second run creates nothing, keeps what users changed, and prints the accounts.
"""

import zlib
from dataclasses import dataclass, field

from rongjia.accounts import two_factor
from rongjia.accounts.models import Role, User
from rongjia.accounts.services import user_create
from rongjia.core.models import OrgUnit, Region
from rongjia.core.org_units import org_units_create_missing, place_name
from rongjia.core.regions import pad_code
from rongjia.core.scoping import subtree_q
from rongjia.core.services import org_unit_create_extra

from .assistance_seed import seed_assistance
from .benefits_seed import BENEFITS_ACCOUNTS, seed_benefits
from .employment_seed import seed_employment
from .evaluation_seed import seed_evaluation
from .network_seed import NetworkSeedReport, seed_network
from .people_records import seed_people_records
from .people_seed import seed_people
from .petitions_backlog_seed import seed_backlog
from .petitions_outreach_seed import seed_mediation, seed_outreach
from .petitions_seed import seed_petitions
from .training_seed import seed_training
from .visits_seed import seed_visits
from .worklist_seed import seed_worklist

# Meets the password rules (8+ characters, 3 character classes); printed by seed_demo.
DEMO_PASSWORD = "Rongjia#2026"

# username, full name, role, region code of the account's unit (seed 002's Jiangning stations)
DEMO_ACCOUNTS = [
    ("jn_county", "陈志强", "centre_director", "{county}000000"),
    ("jn_street", "刘海燕", "station_worker", "{county}003000"),
    ("jn_village", "张卫东", "station_worker", "{county}003004"),
    ("jn_village2", "李秀英", "station_worker", "{county}003011"),
    ("jn_grid", "吴建军", "grid_worker", "{county}003004"),  # keeps 古泉社区's first grid
    ("jn_leader", "周振华", "leader", "{county}000000"),
    ("jn_assessor", "何静", "evaluator", "{county}000000"),  # a third-party evaluator: only the stations it is given
    ("nj_city", "郑国华", "centre_director", "{city}00000000"),  # answers 复核 and the county's mailbox
    ("sys_admin", "王磊", "sys_admin", "{county}000000"),
    ("js_sys_admin", "冯立", "sys_admin", "{province}0000000000"),  # country-wide reference data: the province
    ("sec_admin", "赵敏", "sec_admin", "{county}000000"),
    ("sec_admin2", "钱进", "sec_admin", "{county}000000"),  # the second of the two-person rule (decision 0010)
    ("audit_admin", "孙丽", "audit_admin", "{county}000000"),
    *BENEFITS_ACCOUNTS,  # the 经办 and 复核 of the county's payment batches (jn_county approves)
]

# 派驻站 hosted by institutions, and one mobile station (street suffix, kind, name)
EXTRA_UNITS = [
    ("001000", OrgUnit.Kind.RESIDENT, "江宁医院退役军人服务派驻站", "南京市江宁区鼓山路169号"),
    ("003000", OrgUnit.Kind.RESIDENT, "汤山矿坑公园退役军人服务派驻站", "南京市江宁区汤山街道温泉路"),
    ("006000", OrgUnit.Kind.RESIDENT, "江宁高级中学退役军人服务派驻站", "南京市江宁区文靖东路"),
    ("000000", OrgUnit.Kind.MOBILE, "江宁区退役军人流动服务站（服务车）", "南京市江宁区"),
]


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: str
    totp_secret: str = ""  # the roles that need a second factor get an authenticator
    totp_uri: str = ""


@dataclass
class DemoReport:
    units_created: int = 0
    units_total: int = 0
    accounts_created: int = 0
    accounts: list["DemoAccount"] = field(default_factory=list)
    network: NetworkSeedReport = field(default_factory=NetworkSeedReport)
    people: int = 0
    petitions: int = 0
    visits: int = 0
    tasks: int = 0


def seed_demo(*, county_prefix: str, people: int = 35_000) -> DemoReport:
    county = Region.objects.filter(code=pad_code(county_prefix)).first()
    if county is None:
        raise LookupError(f"区划 {county_prefix} 尚未导入：请先运行 manage.py import_regions --prefix {county_prefix}")
    report = DemoReport()
    for ancestor in county.ancestors():  # the province and city centres above the county: that code alone
        report.units_created += org_units_create_missing(prefix=ancestor.code)
    report.units_created += org_units_create_missing(prefix=county_prefix)
    report.units_created += _extra_units(county_prefix)
    _fill_contact_details(county_prefix, county.name)
    report.units_total = OrgUnit.objects.filter(subtree_q("region_code", county_prefix)).count()
    _demo_accounts(county_prefix, report)
    grid_worker = User.objects.filter(username="jn_grid", org_unit__region_code=f"{county_prefix}003004").first()
    report.network = seed_network(
        county_prefix=county_prefix,
        first_grid_workers={grid_worker.org_unit.region_code: grid_worker} if grid_worker else {},
    )
    seed_training(county_prefix=county_prefix)
    report.people = seed_people(county_prefix=county_prefix, total=people) if people else 0
    if report.people:
        seed_people_records(county_prefix=county_prefix)
        report.petitions = seed_petitions(county_prefix=county_prefix)
        seed_backlog(county_prefix=county_prefix)
        seed_outreach(county_prefix=county_prefix)
        seed_mediation(county_prefix=county_prefix)
        report.visits = seed_visits(county_prefix=county_prefix)
        report.tasks = seed_worklist(county_prefix=county_prefix)
        seed_evaluation(county_prefix=county_prefix)
        seed_assistance(county_prefix=county_prefix)
        seed_benefits(county_prefix=county_prefix)
        seed_employment(county_prefix=county_prefix)
    return report


def _extra_units(county_prefix: str) -> int:
    created = 0
    for suffix, kind, name, address in EXTRA_UNITS:
        region = Region.objects.filter(code=county_prefix + suffix).first()
        if region and not OrgUnit.objects.filter(region=region, name=name).exists():
            org_unit_create_extra(actor=None, region=region, kind=kind, name=name, address=address,
                                  opening_hours="周一至周五 9:00-16:30")
            created += 1
    return created


def _fill_contact_details(county_prefix: str, county_name: str) -> None:
    """Plausible addresses, phones and hours where a unit has none (never overwrites)."""
    blank = list(OrgUnit.objects.filter(subtree_q("region_code", county_prefix), phone="").select_related("region"))
    for unit in blank:
        digits = zlib.crc32(unit.name.encode()) % 10_000_000
        unit.phone = f"025-5{digits:07d}"[:12]
        unit.address = unit.address or f"南京市{county_name}{place_name(unit.region.name)}综合服务中心一楼"
        unit.opening_hours = unit.opening_hours or "周一至周五 8:30-12:00，13:30-17:30"
    OrgUnit.objects.bulk_update(blank, ["phone", "address", "opening_hours"], batch_size=500)


def _demo_accounts(county_prefix: str, report: DemoReport) -> None:
    roles = {role.code: role for role in Role.objects.all()}
    for username, full_name, role_code, unit_code in DEMO_ACCOUNTS:
        code = unit_code.format(county=county_prefix, city=county_prefix[:4], province=county_prefix[:2])
        unit = OrgUnit.objects.get(region_code=code, kind__in=["centre", "station"])
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=None, username=username, password=DEMO_PASSWORD, org_unit=unit, roles=[roles[role_code]],
                full_name=full_name, must_change_password=False,
            )
            report.accounts_created += 1
        user = User.objects.get(username=username)
        device = two_factor.provisioned_device(user) if two_factor.totp_required(user) else None
        report.accounts.append(DemoAccount(username, str(roles[role_code]), unit.name,
                                           two_factor.secret_of(device) if device else "",
                                           two_factor.provisioning_uri(device) if device else ""))
