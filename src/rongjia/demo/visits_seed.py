"""A year of visits in the demo county, with the gaps a real one has: most villages keep up, some fall behind,
a few priority people were never visited. A county regime (九必访) and a street that tightens it, a running
春节 campaign with a budget, visits owed (必访) of the last fortnight, 光荣牌 in every state and a few 喜报.

Written in bulk (35,000 people): the rules the services check hold by construction here — every visit is dated
after birth and before today, at the person's own station. Does nothing when the county has visits already.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.core.regions import VILLAGE
from rongjia.core.scoping import subtree_q
from rongjia.network.models import Grid
from rongjia.people.models import Person
from rongjia.visits import festivals, honours, regimes, services
from rongjia.visits.coverage import priority_q
from rongjia.visits.models import Campaign, DueVisit, HonourEntry, Merit, Plaque, Regime, Visit

FINDINGS = ["身体状况良好，生活稳定", "老伤偶有复发，已提醒按时复查", "家中老人需要照护，子女在外务工",
            "对优抚政策有疑问，已当面讲解", "希望了解就业创业扶持政策", "居住条件较差，屋顶漏雨",
            "思想稳定，积极参加社区志愿服务", "慢性病用药负担较重"]
COMPANIONS = ["网格员", "村（社区）退役军人服务站专干", "街道退役军人服务站站长", "村两委成员"]
# Share of a year's required contacts each village keeps up with: most keep up, some fall behind.
DILIGENCE = [0.95] * 6 + [0.8] * 3 + [0.45, 0.2]
# The demo accounts' villages (古泉社区, 高庄社区) are behind, and their first households were never visited,
# so that the grid worker's "today" list and the coverage show work to do whatever the day.
DEMO_VILLAGES = {"003004": 0.6, "003011": 0.45}
NEVER_VISITED_IN_DEMO_VILLAGES = 3
NEVER_VISITED_PRIORITY = 0.04
BATCH = 2000


def seed_visits(*, county_prefix: str, today: date | None = None) -> int:
    if Visit.objects.filter(subtree_q("region_code", county_prefix)).exists():
        return 0
    today = today or timezone.localdate()
    _households_in_grids(county_prefix)
    _regimes(county_prefix)
    campaign = _spring_campaign(county_prefix, today)
    recorders = {u.org_unit.region_code: u for u in User.objects.filter(username__in=("jn_grid", "jn_village2"))
                 .select_related("org_unit")}
    priority = set(Person.objects.filter(subtree_q("station__region_code", county_prefix)).filter(
        priority_q()).values_list("pk", flat=True))
    created = 0
    villages = OrgUnit.objects.filter(subtree_q("region_code", county_prefix), level=VILLAGE,
                                      kind=OrgUnit.Kind.STATION).order_by("region_code")
    for village in villages:
        rng = random.Random(f"visits-{village.region_code}")
        diligence = DEMO_VILLAGES.get(village.region_code[6:], rng.choice(DILIGENCE))
        people = list(Person.objects.filter(station=village, status=Person.Status.ACTIVE).order_by("id")
                      .only("pk", "birth_date"))
        if village.region_code[6:] in DEMO_VILLAGES:
            people = people[NEVER_VISITED_IN_DEMO_VILLAGES:]
        visits = [visit for person in people for visit in _year_of_visits(
            rng, person, village, person.pk in priority, diligence, today, recorders.get(village.region_code),
            campaign)]
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        created += len(visits)
    _owed(county_prefix, today)
    _plaques(county_prefix, today)
    _merits(county_prefix, today)
    _honour_wall(county_prefix)
    return created


def _year_of_visits(rng, person, village, is_priority, diligence, today, recorder, campaign) -> list[Visit]:
    if is_priority and rng.random() < NEVER_VISITED_PRIORITY:
        return []
    days = []
    if is_priority:  # a contact each quarter of the last year, a home visit among them
        days = [today - timedelta(days=rng.randint(quarter * 91, quarter * 91 + 90)) for quarter in range(4)
                if rng.random() < diligence]
    elif rng.random() < diligence:
        days = [today - timedelta(days=rng.randint(0, 420))]
    visits = []
    for day in days:
        if day <= person.birth_date:
            continue
        in_campaign = campaign is not None and campaign.starts_on <= day <= campaign.ends_on and is_priority
        visits.append(Visit(
            person_id=person.pk, station=village, region_code=village.region_code, visited_on=day,
            kind=Visit.Kind.FESTIVAL if in_campaign else rng.choice([Visit.Kind.REGULAR] * 4 + [Visit.Kind.POLICY]),
            place=Visit.Place.HOME if rng.random() < 0.7 else Visit.Place.PHONE, findings=rng.choice(FINDINGS),
            companions=rng.choice(COMPANIONS), recorded_by=recorder, campaign=campaign if in_campaign else None,
            money=Decimal(rng.choice([300, 500])) if in_campaign else None,
            fund="春节慰问金" if in_campaign else "", goods="米、油" if in_campaign else ""))
    return visits


def _households_in_grids(county_prefix: str) -> None:
    """Each village's households shared among its grids in turn (seed 002: 189 veterans in 7 grids)."""
    grids: dict[int, list[int]] = {}
    for grid_id, unit_id in Grid.objects.filter(subtree_q("unit__region_code", county_prefix)).order_by(
            "unit_id", "id").values_list("id", "unit_id"):
        grids.setdefault(unit_id, []).append(grid_id)
    people = Person.objects.filter(subtree_q("station__region_code", county_prefix), grid__isnull=True,
                                   station_id__in=grids).order_by("station_id", "address_detail", "id")
    placed = []
    for n, person in enumerate(people.only("pk", "station_id")):
        own = grids[person.station_id]
        person.grid_id = own[n % len(own)]
        placed.append(person)
    Person.objects.bulk_update(placed, ["grid"], batch_size=BATCH)


def _regimes(county_prefix: str) -> None:
    name, occasions = regimes.TEMPLATES["nine"]
    Regime.objects.get_or_create(jurisdiction_code=county_prefix, defaults={
        "name": f"江宁区常态化联系机制（{name}）", "occasions": occasions, "trigger_days": 7})
    Regime.objects.get_or_create(jurisdiction_code=county_prefix + "001", defaults={
        "name": "东山街道：重点对象每季度两次联系", "priority_contacts_per_quarter": 2, "trigger_days": 5})


def _spring_campaign(county_prefix: str, today: date) -> Campaign | None:
    """The coming 春节's campaign, already running: launched early so the demo shows it under way."""
    centre = OrgUnit.objects.filter(region_code=county_prefix.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE).first()
    if centre is None:
        return None
    festival = festivals.next_festival(Campaign.Kind.SPRING, today)
    starts_on = min(festivals.default_window(festival)[0], today - timedelta(days=21))
    return Campaign.objects.create(
        unit=centre, jurisdiction_code=county_prefix, name=f"{festival.year}年春节走访慰问", kind=Campaign.Kind.SPRING,
        festival_on=festival, starts_on=starts_on, ends_on=festivals.default_window(festival)[1],
        budget_per_person=Decimal(500))


def _owed(county_prefix: str, today: date) -> None:
    rng = random.Random(f"owed-{county_prefix}")
    people = list(Person.objects.filter(subtree_q("station__region_code", county_prefix),
                                        status=Person.Status.ACTIVE).select_related("station").order_by("id")[:4000])
    occasions = [DueVisit.Occasion.HOSPITALISED, DueVisit.Occasion.BEREAVED, DueVisit.Occasion.HARDSHIP,
                 DueVisit.Occasion.DISPUTE, DueVisit.Occasion.RETURNED]
    rule = regimes.effective_for(county_prefix)
    for person in rng.sample(people, min(60, len(people))):
        services.due_visit_add(person, rng.choice(occasions), today - timedelta(days=rng.randint(0, 14)), rule=rule)
    services.birthday_visits_raise(today=today, prefix=county_prefix)


def _plaques(county_prefix: str, today: date) -> None:
    rng = random.Random(f"plaques-{county_prefix}")
    people = Person.objects.filter(subtree_q("station__region_code", county_prefix), status=Person.Status.ACTIVE)
    plaques = []
    for person_id, code in people.values_list("pk", "station__region_code").iterator(chunk_size=5000):
        if rng.random() > 0.7:
            continue
        issued = today - timedelta(days=rng.randint(60, 2000))
        state = rng.choices(list(Plaque.State.values), weights=[35, 62, 3])[0]
        plaques.append(Plaque(person_id=person_id, region_code=code, state=state, issued_on=issued,
                              hung_on=issued + timedelta(days=rng.randint(1, 30)) if state != "issued" else None,
                              ceremony="街道、社区干部上门悬挂" if state != "issued" else "",
                              withdrawn_on=today - timedelta(days=30) if state == "withdrawn" else None,
                              withdraw_reason="受到刑事处罚" if state == "withdrawn" else ""))
    Plaque.objects.bulk_create(plaques, batch_size=BATCH)


# soldier, military unit, merit, family contact, days since the award, delivered yet
MERITS = [("陈浩", "某部", Merit.Level.SECOND, "陈国强", 40, True),
          ("刘洋", "某旅", Merit.Level.THIRD, "刘建华", 25, False),
          ("孙宇", "某部", Merit.Level.THIRD, "孙玉梅", 10, False),
          ("杨帆", "某舰", Merit.Level.FIRST, "杨志成", 60, True),
          ("黄磊", "某部", Merit.Level.SECOND, "黄丽", 5, False)]


def _merits(county_prefix: str, today: date) -> None:
    villages = list(OrgUnit.objects.filter(subtree_q("region_code", county_prefix), level=VILLAGE,
                                           kind=OrgUnit.Kind.STATION).order_by("region_code")[:50])
    for n, (soldier, unit, level, family, days_ago, delivered) in enumerate(MERITS):
        village = villages[(n * 11) % len(villages)]
        awarded = today - timedelta(days=days_ago)
        Merit.objects.create(
            soldier_name=soldier, military_unit=unit, level=level, awarded_on=awarded, family_name=family,
            family_region_id=village.region_id, region_code=village.region_code,
            delivering_unit=honours.delivering_unit(level, village.region_code),
            state=Merit.State.DELIVERED if delivered else Merit.State.REGISTERED,
            delivered_on=awarded + timedelta(days=7) if delivered else None,
            ceremony="敲锣打鼓送喜报上门，召开座谈会" if delivered else "")


# name, honour, story: the honour wall of the demo's village (古泉社区)
HONOUR_WALL = [
    ("王振国", "二等功臣", "1979年参加边境作战荣立二等功。退役后四十年如一日义务巡河护林，带出老兵志愿服务队。"),
    ("李红梅", "江苏省最美退役军人", "退役后返乡创办果蔬合作社，带动社区二十三户困难家庭增收，优先招用退役军人。"),
    ("陈建军", "全国模范退役军人", "退役不褪色，担任社区网格员十二年，汛期连续七昼夜值守堤防，转移群众一百余人。"),
]


def _honour_wall(county_prefix: str) -> None:
    village = OrgUnit.objects.filter(region_code=f"{county_prefix}003004", kind=OrgUnit.Kind.STATION).first()
    if village is None:
        return
    HonourEntry.objects.bulk_create(HonourEntry(unit=village, region_code=village.region_code, name=name,
                                                title=title, story=story, position=n)
                                    for n, (name, title, story) in enumerate(HONOUR_WALL))
