"""Demo petitions: a few hundred in the county, across every state, some overdue, some in 复查.

Made through the services (so repeats, 集体访 and the books of steps are real), then dated back
so deadlines fall in the past, the present and the future.
"""

import random
from datetime import timedelta

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.core.regions import STREET, VILLAGE
from rongjia.core.scoping import subtree_q
from rongjia.people.models import Person
from rongjia.petitions.legal_aid.services import lawyer_save, referral_create, referral_step
from rongjia.petitions.mailbox.services import feedback_answer, feedback_submit
from rongjia.petitions.models import Petition, PetitionReply
from rongjia.petitions.services import petition_register, petition_transition

SUBJECTS = {"placement": ["安置待遇未落实", "转业安置岗位争议"], "preferential": ["优抚金发放延迟", "伤残等级评定异议"],
            "employment": ["就业推荐无回音", "创业补贴申请"], "medical": ["医疗费用报销困难", "慢性病就医补助"],
            "housing": ["住房困难求助", "危房改造申请"], "social": ["社保接续问题", "养老保险缴费年限"],
            "other": ["服务站态度问题", "政策咨询"]}
# How far each petition goes: (the steps taken in order, weight). The county centre registers and accepts;
# it assigns to a station, which takes it on with its own clock (Art. 23). A station's answer is reviewed
# by the level directly above it and rechecked by the one above that (Arts. 35–36): the review paths are
# assigned to a street, so the county reviews and the city rechecks.
ANSWERED = ("accept", "assign", "take_on", "reply", "deliver")
PATHS = [((), 30), (("accept",), 40), (("accept", "assign"), 30), (("accept", "assign", "take_on"), 40),
         (("accept", "assign", "take_on", "reply"), 30), ((*ANSWERED, "revisit", "close"), 60), (("reject",), 15),
         (("accept", "reply", "deliver"), 20), ((*ANSWERED, "request_review"), 15),
         ((*ANSWERED, "request_review", "review_reply"), 10),
         ((*ANSWERED, "request_review", "review_reply", "deliver", "request_recheck", "recheck_reply"), 5)]
DELIVERY = ("in_person", "post", "electronic")

REPLIES = {"support": "经调查核实，你反映的情况属实。本机关已协调相关部门，按政策予以落实。",
           "explain": "经调查核实，现将有关政策规定向你解释说明如下：相关待遇按现行标准执行，已向你当面说明。",
           "refuse": "经调查核实，你提出的请求不符合现行政策规定，本机关不予支持。"}


def seed_petitions(*, county_prefix: str, total: int = 280) -> int:
    actor = User.objects.filter(username="jn_county").first()
    city = User.objects.filter(username="nj_city").first()  # 复核 comes from above the county's 复查
    if city is None or actor is None or Petition.objects.filter(subtree_q("region_code", county_prefix)).exists():
        return 0
    rng = random.Random(f"petitions-{county_prefix}")
    centre = OrgUnit.objects.get(region_code=f"{county_prefix}000000", kind=OrgUnit.Kind.CENTRE)
    stations = {level: list(OrgUnit.objects.filter(subtree_q("region_code", county_prefix), level=level,
                                                   kind=OrgUnit.Kind.STATION)) for level in (STREET, VILLAGE)}
    people = list(Person.objects.filter(subtree_q("station__region_code", county_prefix)).order_by("?")[:400])
    made = 0
    for _n in range(total):
        category = rng.choice(list(SUBJECTS))
        channel = rng.choice(["visit", "letter", "online", "phone"])
        # now and then a 集体访: a dozen people came, three representatives named (Art. 18)
        crowd = {"channel": "visit", "headcount": 12} if rng.random() < 0.04 else {"channel": channel}
        petitioners = [_petitioner(rng, people) for _ in range(3 if "headcount" in crowd else 1)]
        # a ledger's subject names who raised it: the same subject at the centre is then the same matter
        subject = f"{petitioners[0]['name']}反映{rng.choice(SUBJECTS[category])}"
        petition = petition_register(actor=actor, unit=centre, type="claim", category=category, subject=subject,
                                     petitioners=petitioners, **crowd)
        path = rng.choices([p for p, _w in PATHS], weights=[w for _p, w in PATHS])[0]
        station = rng.choice(stations[STREET if "request_review" in path else VILLAGE])
        for action in path:
            petition = petition_transition(actor=city if action == "recheck_reply" else actor, petition=petition,
                                           action=action, note="演示", **_step_data(rng, action, station))
        _date_back(petition, rng.randint(0, 90))
        made += 1
    _seed_legal_aid(actor, county_prefix, rng)
    _seed_mailbox(actor, city, county_prefix, rng)
    return made


# (name, firm, specialities, ISO duty days) at the county centre's 法律援助工作站
LAWYERS = [("韩立新", "江苏天衡律师事务所", ["placement", "preferential"], [1, 3]),
           ("沈雅琴", "江苏金陵律师事务所", ["social", "medical"], [2, 4]),
           ("钱卫国", "江宁区法律援助中心", ["employment", "housing", "other"], [5]),
           ("杨晓东", "江苏苏源律师事务所", ["placement", "housing"], [1, 2, 3, 4, 5])]


def _seed_legal_aid(actor, county_prefix: str, rng) -> None:
    centre = OrgUnit.objects.get(region_code=county_prefix.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE)
    lawyers = [lawyer_save(actor=actor, station=centre, name=name, firm=firm, specialities=specialities,
                           duty_days=days, phone=f"025-5{rng.randint(1, 9999999):07d}")
               for name, firm, specialities, days in LAWYERS]
    candidates = list(Petition.objects.filter(subtree_q("region_code", county_prefix),
                                              state__in=["accepted", "assigned", "review"])[:12])
    for n, petition in enumerate(candidates):
        referral = referral_create(actor=actor, petition=petition, lawyer=lawyers[n % len(lawyers)],
                                   question="请律师就信访人的诉求提供法律意见，并协助其依法维权。")
        if n % 3 == 1:
            referral_step(actor=actor, referral=referral, action="take_on")
        elif n % 3 == 2:
            referral_step(actor=actor, referral=referral, action="conclude",
                          outcome="律师已向信访人解答相关法律规定，建议通过劳动仲裁途径解决。")


FEEDBACK = [("attitude", "satisfied", "工作人员热情耐心，帮我把优待证的事情办好了。"),
            ("efficiency", "unsatisfied", "补贴申请交上去一个多月了还没有消息，希望加快办理。"),
            ("overall", "fairly", "服务站环境不错，就是周末没有人值班。"),
            ("suggestion", "fairly", "建议在服务站增加就业信息公告栏。")]


def _seed_mailbox(actor, city, county_prefix: str, rng) -> None:
    """Feedback on stations (answered by the county) and on the county centre (answered by the city)."""
    stations = list(OrgUnit.objects.filter(subtree_q("region_code", county_prefix), kind=OrgUnit.Kind.STATION)[:30])
    centre = OrgUnit.objects.get(region_code=county_prefix.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE)
    for n in range(24):
        topic, rating, content = FEEDBACK[n % len(FEEDBACK)]
        about = centre if n % 8 == 7 else rng.choice(stations)
        feedback, _receipt = feedback_submit(about=about, topic=topic, rating=rating, content=content,
                                             source="terminal" if n % 2 else "portal")
        if n % 3 == 0:
            feedback_answer(actor=city if about == centre else actor, feedback=feedback,
                            answer="感谢您的反馈，我们已核实情况并督促改进。")


def _petitioner(rng, people) -> dict:
    person = rng.choice(people)
    return {"name": person.name, "id_number": person.id_number, "person_id": person.pk}


def _step_data(rng, action, unit) -> dict:
    if action == "assign":
        return {"unit": unit}
    if action in ("reply", "review_reply", "recheck_reply"):
        outcome = rng.choice(["support", "explain", "refuse"])
        return {"outcome": outcome, "reply_text": REPLIES[outcome]}
    if action == "deliver":
        return {"delivery_method": rng.choice(DELIVERY), "delivered_on": timezone.localdate()}
    if action == "revisit":
        return {"satisfaction": rng.choice(["satisfied", "satisfied", "fairly", "unsatisfied"])}
    return {}


def _date_back(petition: Petition, days: int) -> None:
    """Move the petition's dates `days` into the past, so some deadlines have passed."""
    shift = timedelta(days=days)
    names = ("registered_on", "accepted_on", "assigned_on", "taken_on", "replied_on", "reply_delivered_on",
             "review_requested_on", "recheck_requested_on", "due_on")
    Petition.objects.filter(pk=petition.pk).update(
        **{name: getattr(petition, name) - shift for name in names if getattr(petition, name)})
    for reply in PetitionReply.objects.filter(petition=petition):
        for name in ("replied_on", "due_on", "delivered_on"):
            if getattr(reply, name):
                setattr(reply, name, getattr(reply, name) - shift)
        reply.save(update_fields=["replied_on", "due_on", "delivered_on"])
