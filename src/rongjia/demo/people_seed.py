"""Demo served people: about 35,000 in Jiangning (seed 002 keeps 3.5万 dossiers).

Deterministic (each station's own random.Random), spread by station size, with valid GB 11643
numbers, encrypted ID numbers and phones with their blind indexes, and categories. A set-up
command: rows are bulk-created (no audit entry each); a second run adds nobody.
"""

import random
from datetime import date, timedelta

from rongjia.core.idnumber import check_digit
from rongjia.core.models import OrgUnit
from rongjia.core.regions import VILLAGE
from rongjia.core.scoping import subtree_q
from rongjia.people.models import Category, Person, PersonCategory
from rongjia.people.services import id_index, initials, phone_index

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "建国",
         "建军", "志强", "海军", "卫东", "国庆", "红军", "建华", "永刚", "德明", "秀英", "桂英", "丽", "敏", "静",
         "玉兰", "晓燕"]
# How the categories are shared out: most are 退役士兵; the rest as seed 002's ledgers suggest.
CATEGORY_WEIGHTS = {"退役士兵": 60, "转业干部": 6, "复员军人": 5, "军休干部": 2, "残疾军人": 3, "烈士遗属": 1,
                    "因公牺牲遗属": 1, "病故军人遗属": 2, "现役军人家属": 10, "带病回乡退伍军人": 2,
                    "参战参试退役人员": 3, "60周岁以上农村籍退役士兵": 5}


def seed_people(*, county_prefix: str, total: int = 35_000, today: date | None = None) -> int:
    """Give every village station of the county its people, unless it has some already."""
    today = today or date.today()
    villages = list(OrgUnit.objects.filter(subtree_q("region_code", county_prefix), level=VILLAGE,
                                           kind=OrgUnit.Kind.STATION).select_related("region"))
    if not villages or Person.objects.filter(subtree_q("station__region_code", county_prefix)).exists():
        return 0
    categories = {c.name: c for c in Category.objects.all()}
    per_station = max(total // len(villages), 1)
    created = 0
    for village in villages:
        rng = random.Random(f"people-{village.region_code}")
        count = max(1, int(per_station * rng.uniform(0.6, 1.4)))
        people = [_person(rng, village, county_prefix, n, today) for n in range(count)]
        Person.objects.bulk_create(people, batch_size=1000)
        spans = [PersonCategory(person=p, category=_category(rng, categories), start_date=_discharge(rng, p))
                 for p in people]
        PersonCategory.objects.bulk_create(spans, batch_size=1000)
        created += count
    return created


def _person(rng: random.Random, village: OrgUnit, county: str, n: int, today: date) -> Person:
    born = today - timedelta(days=rng.randint(20 * 365, 90 * 365))
    first17 = f"{county}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    number = first17 + check_digit(first17)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
    return Person(
        station=village, name=name, name_initials=initials(name), id_number=number, id_hash=id_index(number),
        birth_date=born, sex="M" if int(number[16]) % 2 else "F", phone=phone, phone_hash=phone_index(phone),
        address_region=village.region, address_detail=f"{n % 40 + 1}号", ethnicity="01" if rng.random() > 0.02
        else "04", political_status=rng.choice(["01", "01", "13", "13", "13", "03"]),
    )


def _category(rng: random.Random, categories: dict) -> Category:
    names = list(CATEGORY_WEIGHTS)
    return categories[rng.choices(names, weights=[CATEGORY_WEIGHTS[n] for n in names])[0]]


def _discharge(rng: random.Random, person: Person) -> date:
    """Roughly when service ended: between 20 and 30 years of age, and never after last month."""
    ended = person.birth_date + timedelta(days=rng.randint(20 * 365, 30 * 365))
    return min(ended, date.today() - timedelta(days=rng.randint(30, 400)))
