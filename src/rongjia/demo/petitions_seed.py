"""Demo petitions: a few hundred in the county, across every state, some overdue, some in 复查.

Made through the services (so repeats, 集体访 and the books of steps are real), then dated back
so deadlines fall in the past, the present and the future.
"""

import random
from datetime import timedelta

from django.core.exceptions import ValidationError

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.people.models import Person
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register, petition_transition

SUBJECTS = {"placement": ["安置待遇未落实", "转业安置岗位争议"], "preferential": ["优抚金发放延迟", "伤残等级评定异议"],
            "employment": ["就业推荐无回音", "创业补贴申请"], "medical": ["医疗费用报销困难", "慢性病就医补助"],
            "housing": ["住房困难求助", "危房改造申请"], "social": ["社保接续问题", "养老保险缴费年限"],
            "other": ["服务站态度问题", "政策咨询"]}
# How far each petition goes: (the steps taken in order, weight)
PATHS = [((), 30), (("accept",), 40), (("accept", "assign"), 60), (("accept", "assign", "reply"), 40),
         (("accept", "assign", "reply", "revisit", "close"), 60), (("reject",), 15),
         (("accept", "reply", "request_review"), 20), (("accept", "reply", "request_review", "review_reply"), 10),
         (("accept", "reply", "request_review", "review_reply", "request_recheck", "recheck_reply"), 5)]


def seed_petitions(*, county_prefix: str, total: int = 280) -> int:
    actor = User.objects.filter(username="jn_county").first()
    if actor is None or Petition.objects.filter(region_code__startswith=county_prefix).exists():
        return 0
    rng = random.Random(f"petitions-{county_prefix}")
    villages = list(OrgUnit.objects.filter(region_code__startswith=county_prefix, level=5,
                                           kind=OrgUnit.Kind.STATION))
    people = list(Person.objects.filter(station__region_code__startswith=county_prefix).order_by("?")[:400])
    made = 0
    for _n in range(total):
        unit = rng.choice(villages)
        category = rng.choice(list(SUBJECTS))
        crowd = 6 if rng.random() < 0.04 else 1
        petitioners = [_petitioner(rng, people) for _ in range(crowd)]
        try:
            petition = petition_register(actor=actor, unit=unit, type="claim", category=category,
                                         channel=rng.choice(["visit", "letter", "online", "phone"]),
                                         subject=rng.choice(SUBJECTS[category]), petitioners=petitioners)
        except ValidationError:  # the same matter after 复核: refused, as it should be
            continue
        path = rng.choices([p for p, _w in PATHS], weights=[w for _p, w in PATHS])[0]
        for action in path:
            petition = petition_transition(actor=actor, petition=petition, action=action, note="演示",
                                           **_step_data(rng, action, unit))
        _date_back(petition, rng.randint(0, 90))
        made += 1
    return made


def _petitioner(rng, people) -> dict:
    person = rng.choice(people)
    return {"name": person.name, "id_number": person.id_number, "person_id": person.pk}


def _step_data(rng, action, unit) -> dict:
    if action == "assign":
        return {"unit": unit}
    if action in ("reply", "review_reply", "recheck_reply"):
        return {"outcome": rng.choice(["support", "explain", "refuse"])}
    if action == "revisit":
        return {"satisfaction": rng.choice(["satisfied", "satisfied", "fairly", "unsatisfied"])}
    return {}


def _date_back(petition: Petition, days: int) -> None:
    """Move the petition's dates `days` into the past, so some deadlines have passed."""
    shift = timedelta(days=days)
    fields = {name: getattr(petition, name) - shift for name in ("registered_on", "accepted_on", "assigned_on",
                                                                "replied_on", "due_on") if getattr(petition, name)}
    Petition.objects.filter(pk=petition.pk).update(**fields)
