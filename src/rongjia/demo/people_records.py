"""Demo dossiers beyond the basics: books, service history, awards, disability, household, tags,
and a year of activity (deaths, moves, lost contact, transfers) plus a few duplicates to merge.

Everything is bulk-created for speed and derived from each person's own data with a seeded
random generator, so two runs on two machines give the same demo.
"""

import random
from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from rongjia.core.idnumber import check_digit
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import subtree_q
from rongjia.people.models import (
    Award,
    HouseholdMember,
    Person,
    PersonCategory,
    ServiceRecord,
    StatusChange,
    Tag,
    Transfer,
)
from rongjia.people.services import id_index

Kind = StatusChange.Kind
FAMILY_ONLY = {"烈士遗属", "因公牺牲遗属", "病故军人遗属", "现役军人家属"}
DISCHARGE_BY_CATEGORY = {"转业干部": "transfer", "军休干部": "retire", "复员军人": "demob", "残疾军人": "supported"}
BRANCHES = (["army"] * 12 + ["navy"] * 2 + ["air_force"] * 2 + ["pap"] * 2 + ["rocket", "second_art", "logistics"])
SPOUSE_NAMES = "秀英 桂英 玉兰 丽 敏 静 建国 志强 海燕 红梅".split()


def seed_people_records(*, county_prefix: str, today: date | None = None) -> None:
    today = today or timezone.localdate()
    people = list(Person.objects.filter(subtree_q("station__region_code", county_prefix))
                  .select_related("station").annotate(since=Min("category_spans__start_date"))
                  .order_by("pk"))
    spans = {span.person_id: span.category.name for span in
             PersonCategory.objects.filter(person__in=people).select_related("category")}
    rng = random.Random(f"records-{county_prefix}")
    _books(rng, people, today)
    _service_and_awards(rng, people, spans)
    _disability(rng, people, spans)
    _household(rng, people)
    _tags(rng, people)
    _activity(rng, people, today)
    _duplicates(rng, people, today)


def _registered(rng, person: Person, today: date) -> date:
    """Between 2019 and 400 days ago, before any of the past year's activity."""
    latest = today - timedelta(days=400)
    return min(latest, max(date(2019, 1, 1), person.since or date(2019, 1, 1)) + timedelta(days=rng.randint(0, 300)))


def _books(rng, people, today: date) -> None:
    """Every dossier's first line: 新增, on a day between 2019 and a year ago."""
    StatusChange.objects.bulk_create([
        StatusChange(person=p, kind=Kind.NEW, date=_registered(rng, p, today), reason="建档",
                     station=p.station, region_code=p.station.region_code) for p in people], batch_size=2000)


def _service_and_awards(rng, people, spans) -> None:
    records, awards = [], []
    for person in people:
        category = spans.get(person.pk, "")
        if category in FAMILY_ONLY or person.since is None:
            continue
        discharged = person.since
        enlisted = max(person.birth_date + timedelta(days=365 * rng.randint(18, 22)),
                       discharged - timedelta(days=365 * rng.randint(2, 16)))
        mode = DISCHARGE_BY_CATEGORY.get(category) or rng.choice(["self", "self", "self", "assigned", "demob"])
        records.append(ServiceRecord(person=person, enlisted_on=min(enlisted, discharged), discharged_on=discharged,
                                     branch=rng.choice(BRANCHES), unit=f"{rng.randint(31000, 96999)}部队",
                                     rank=rng.choice(["上等兵", "下士", "中士", "上士", "中尉", "上尉", "少校"]),
                                     discharge_mode=mode))
        if rng.random() < 0.03:
            awards.append(Award(person=person, kind=rng.choice(["third"] * 8 + ["second", "honour"]),
                                awarded_on=discharged - timedelta(days=rng.randint(100, 700)),
                                awarded_by="所在部队", title="" if rng.random() < 0.9 else "优秀士兵"))
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    Award.objects.bulk_create(awards, batch_size=2000)


def _disability(rng, people, spans) -> None:
    disabled = [p for p in people if spans.get(p.pk) == "残疾军人"]
    for person in disabled:
        person.disability_grade = rng.choice([5, 6, 7, 7, 8, 8, 9, 9, 10, 10, 4, 3])
        person.disability_cause = rng.choice(["war", "duty", "duty", "illness"])
        person.disability_certificate = f"苏残军{rng.randint(100000, 999999)}"
    Person.objects.bulk_update(disabled, ["disability_grade", "disability_cause", "disability_certificate"],
                               batch_size=1000)


def _household(rng, people) -> None:
    members = []
    for person in people:
        if rng.random() < 0.5:
            continue
        spouse_born = person.birth_date + timedelta(days=rng.randint(-1500, 1500))
        members.append(_member(rng, person, "spouse", spouse_born))
        if rng.random() < 0.6:
            members.append(_member(rng, person, "child", person.birth_date + timedelta(days=365 * rng.randint(22, 32))))
    HouseholdMember.objects.bulk_create(members, batch_size=2000)


def _member(rng, person: Person, relationship: str, born: date) -> HouseholdMember:
    first17 = f"{person.id_number[:6]}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    number = first17 + check_digit(first17)
    name = person.name[0] + rng.choice(SPOUSE_NAMES) if relationship == "child" else rng.choice(
        "王李张刘陈杨") + rng.choice(SPOUSE_NAMES)
    return HouseholdMember(person=person, name=name, relationship=relationship, id_number=number,
                           id_hash=id_index(number), phone=f"139{rng.randint(0, 99_999_999):08d}")


def _tags(rng, people) -> None:
    tags = {tag.name: tag for tag in Tag.objects.all()}
    through, priority = Person.tags.through, []
    links = []
    for person in people:
        age = (date.today() - person.birth_date).days // 365
        if person.political_status in ("01", "02"):
            links.append(through(person=person, tag=tags["党员"]))
        if age < 50 and rng.random() < 0.08:
            links.append(through(person=person, tag=tags["就业需求"]))
        if rng.random() < 0.03:
            links.append(through(person=person, tag=tags[rng.choice(["生活困难", "因病致困", "低保"])]))
            person.priority = True
            priority.append(person)
        if age > 70 and rng.random() < 0.2:
            links.append(through(person=person, tag=tags["慢性病"]))
    through.objects.bulk_create(links, batch_size=2000)
    Person.objects.bulk_update(priority, ["priority"], batch_size=1000)


def _activity(rng, people, today: date) -> None:
    """A year on the books: the oldest die, some move away or lose contact, some move between stations."""
    oldest = sorted(people, key=lambda p: p.birth_date)[:80]
    oldest_ids = {p.pk for p in oldest}
    rest = [p for p in people if p.pk not in oldest_ids]
    picks = rng.sample(rest, min(len(rest), 260))
    changes = []

    def day() -> date:
        return today - timedelta(days=rng.randint(1, 330))

    for person in oldest[:60]:
        changes.append(_change(person, Kind.DEATH, day(), "病故"))
        person.status, person.deceased_on = Person.Status.DECEASED, changes[-1].date
    for person in picks[:40]:
        changes.append(_change(person, Kind.MOVE_OUT, day(), "随子女迁往外省"))
        person.status = Person.Status.MOVED_OUT
    for person in picks[40:70]:
        changes.append(_change(person, Kind.LOST, day(), "电话停机，多次上门未见"))
        person.status = Person.Status.LOST
    Person.objects.bulk_update(oldest[:60] + picks[:70], ["status", "deceased_on"], batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    _transfers(rng, picks[70:], today)


def _change(person: Person, kind: str, day: date, reason: str) -> StatusChange:
    return StatusChange(person=person, kind=kind, date=day, reason=reason, station=person.station,
                        region_code=person.station.region_code)


def _transfers(rng, people, today: date) -> None:
    """Hand-overs to another village station of the same street: most accepted, some refused, some open."""
    stations = {}
    for unit in OrgUnit.objects.filter(subtree_q("region_code", people[0].station.region_code[:6] if people else "-"),
                                       level=5, kind=OrgUnit.Kind.STATION):
        stations.setdefault(unit.region_code[:9], []).append(unit)
    transfers, changes, moved = [], [], []
    for n, person in enumerate(people[:150]):
        others = [u for u in stations.get(person.station.region_code[:9], []) if u.pk != person.station_id]
        if not others:
            continue
        target = rng.choice(others)
        proposed = timezone.now() - timedelta(days=rng.randint(4, 300))  # decided 3 days later: never after today
        state = "proposed" if n < 20 else "refused" if n < 35 else "accepted"
        transfer = Transfer(person=person, from_station=person.station, to_station=target, state=state,
                            reason=rng.choice(["随子女居住", "购房搬迁", "户籍迁移"]),
                            decided_at=None if state == "proposed" else proposed + timedelta(days=3),
                            decision_note="查无此人，请核实住址" if state == "refused" else "")
        transfers.append(transfer)
        if state == "accepted":
            day = timezone.localdate(transfer.decided_at)
            changes += [_change(person, Kind.MOVE_OUT, day, transfer.reason)]
            person.station = target
            changes += [_change(person, Kind.MOVE_IN, day, transfer.reason)]
            moved.append(person)
    Transfer.objects.bulk_create(transfers)
    Transfer.objects.filter(pk__in=[t.pk for t in transfers]).update(proposed_at=timezone.now() - timedelta(days=30))
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    Person.objects.bulk_update(moved, ["station"], batch_size=1000)


def _duplicates(rng, people, today: date) -> None:
    """About thirty people registered twice, at two stations of one street: the duplicates report's content."""
    active = [p for p in people if p.status == Person.Status.ACTIVE]
    stations = list(OrgUnit.objects.filter(subtree_q("region_code", people[0].station.region_code[:6] if people
                                                     else "-"), level=5, kind=OrgUnit.Kind.STATION))
    copies = []
    for person in rng.sample(active, min(len(active), 30)):
        others = [u for u in stations if u.region_code[:9] == person.station.region_code[:9]
                  and u.pk != person.station_id]
        if not others:
            continue
        target = rng.choice(others)
        copies.append(Person(station=target, name=person.name, name_initials=person.name_initials,
                             id_number=person.id_number, id_hash=person.id_hash, birth_date=person.birth_date,
                             sex=person.sex, phone=person.phone, phone_hash=person.phone_hash,
                             address_region=target.region, address_detail="", political_status=person.political_status))
    copies = Person.objects.bulk_create(copies)
    StatusChange.objects.bulk_create([
        StatusChange(person=p, kind=Kind.NEW, date=today - timedelta(days=rng.randint(30, 200)), reason="重复建档",
                     station=p.station, region_code=p.station.region_code) for p in copies])
