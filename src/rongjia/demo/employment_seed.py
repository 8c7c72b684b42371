"""就业创业 in the demo county (SPEC C7, issue 23): seekers from the dossiers, 30 拥军企业 with their postings,
referrals with their outcomes, a job fair held last month and one today, courses with completions and a few
businesses with their loans — everything through the module's services, as the county's workers would enter it.

- This year's returning soldiers: forty young dossiers have their discharge moved into the last ten months (the
  people seed discharges everyone more than a year ago), so the nightly review has 返乡 to offer.
- `services_seekers.offer_profiles` then offers a profile to everyone with an employment, business or training need
  or discharged this year; the station workers confirm a few hundred of them with the work, skills, places and
  licences they want (the rest stay offered, the queue a station meets on its workbench).
- The county's centre (`jn_county`) registers the employers and their postings; the village and street workers
  refer their seekers to the best-ranked postings; outcomes follow, some hired eight months ago so their six-month
  follow-up is due.
- A fair last month (its guests checked in on the day: rows written as the check-in writes them, dated that day,
  because a check-in is refused on any other day) with offers; today's fair with invitations, and a few guests
  already through the door.
- Courses: an adaptive course finished, an electricians' course finished with certificates, a forklift course
  running and a degree course starting next month.
- A handful of businesses with 创业担保贷款, incubator places and follow-ups.

Deterministic (one seeded random.Random) and idempotent: does nothing when the county has employers already.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import Region
from rongjia.core.scoping import code_in_subtree, subtree_q
from rongjia.employment import (
    matching,
    services_business,
    services_courses,
    services_fairs,
    services_postings,
    services_referrals,
    services_seekers,
)
from rongjia.employment.models import (
    Course,
    Employer,
    Enrolment,
    FairGuest,
    MilitarySpeciality,
    Posting,
    Referral,
    Sector,
    Seeker,
    Skill,
)
from rongjia.people.models import Person, ServiceRecord

CONFIRMED = 320  # seekers the stations confirm with a full profile
RETURNING = 40  # dossiers discharged within the last year

EMPLOYER_WORDS = ["恒通", "金陵", "华宁", "东山", "秣陵", "汤泉", "天印", "禄口", "方山", "牛首", "湖熟", "淳化",
                  "横溪", "谷里", "麒麟", "江南", "新港", "紫金", "远航", "卫华", "拥军", "同心", "长江", "宁泰",
                  "鑫盛", "众安", "锦程", "安达", "瑞丰", "启明"]
# sector name → (company suffix, postings: (title, skills, lowest education, licence, pay from, pay to))
TRADES = {
    "交通运输、仓储和邮政业": ("物流有限公司", [("货车司机", ["汽车驾驶"], "junior", "B2", 6500, 9000),
                                   ("仓库管理员", ["物流仓储", "叉车操作"], "senior", "", 4500, 6000)]),
    "租赁和商务服务业（含保安服务）": ("保安服务有限公司", [("安保队长", ["安保", "消防"], "senior", "", 5500, 7500),
                                        ("安保员", ["安保"], "junior", "", 4200, 5200)]),
    "制造业": ("机械制造有限公司", [("数控机床操作工", ["机械操作"], "senior", "", 5500, 8000),
                             ("焊工", ["焊工"], "junior", "", 6000, 9000)]),
    "电力、热力、燃气及水生产和供应业": ("电力工程有限公司", [("电工", ["电工"], "senior", "", 6000, 8500)]),
    "信息传输、软件和信息技术服务业": ("信息技术有限公司", [
        ("网络运维工程师", ["网络运维", "计算机操作"], "college", "", 7000, 11000)]),
    "住宿和餐饮业": ("餐饮管理有限公司", [("厨师", ["厨师"], "junior", "", 5000, 7000)]),
    "建筑业": ("建设工程有限公司", [("施工员", ["建筑施工", "工程测量"], "college", "", 6500, 9500)]),
    "卫生和社会工作": ("康养服务中心", [("护理员", ["护理", "急救"], "senior", "", 4500, 6500)]),
    "居民服务、修理和其他服务业": ("汽车服务有限公司", [("汽车维修工", ["汽车维修"], "junior", "", 5500, 8000)]),
}
NOT_HIRED = ["岗位要求夹班，本人不接受", "薪资未达预期", "面试未通过", "通勤距离较远，本人放弃"]


def seed_employment(*, county_prefix: str) -> int:
    """The county's employment work; the number of seekers confirmed (0 when the county has employers already)."""
    if Employer.objects.filter(subtree_q("jurisdiction_code", county_prefix)).exists():
        return 0
    director = User.objects.filter(username="jn_county", is_active=True).first()
    if director is None:
        return 0
    rng = random.Random(f"employment-{county_prefix}")
    today = timezone.localdate()
    _returning_soldiers(rng, county_prefix, today)
    services_seekers.offer_profiles(prefix=county_prefix, today=today)
    workers = _station_workers(county_prefix)
    seekers = _confirm_profiles(rng, county_prefix, workers)
    postings = _employers_and_postings(rng, director, county_prefix, today)
    _referrals(rng, seekers, postings, workers, today)
    _fairs(rng, director, seekers, postings, workers, today)
    _courses(rng, director, seekers, workers, today)
    _businesses(rng, seekers, workers, today)
    return len(seekers)


def _station_workers(county_prefix: str) -> dict[str, User]:
    """{station region code: a worker of it} for the demo's station accounts; the county director elsewhere."""
    users = User.objects.filter(subtree_q("org_unit__region_code", county_prefix), is_active=True,
                                roles__code__in=["station_worker", "centre_director"]).select_related("org_unit")
    return {user.org_unit.region_code: user for user in users}


def _worker_for(workers: dict[str, User], region_code: str) -> User:
    """The station's own worker if the demo has one, else the street's, else the county's director."""
    for code in (region_code, region_code[:9] + "000", region_code[:6] + "000000"):
        if code in workers:
            return workers[code]
    raise LookupError(region_code)


def _returning_soldiers(rng, county_prefix: str, today) -> None:
    young = list(ServiceRecord.objects.filter(
        subtree_q("person__station__region_code", county_prefix), person__status=Person.Status.ACTIVE,
        person__birth_date__gte=today.replace(year=today.year - 27)).order_by("person_id")[:RETURNING])
    for record in young:
        record.discharged_on = today - timedelta(days=rng.randint(20, 300))
        record.enlisted_on = min(record.enlisted_on, record.discharged_on - timedelta(days=730))
    ServiceRecord.objects.bulk_update(young, ["discharged_on", "enlisted_on"])


def _confirm_profiles(rng, county_prefix: str, workers) -> list[Seeker]:
    """The stations confirm a few hundred offered profiles, the demo villages' first."""
    sectors = list(Sector.objects.all())
    specialities = list(MilitarySpeciality.objects.all())
    skills = list(Skill.objects.all())
    county = Region.objects.get(code=county_prefix.ljust(12, "0"))
    offered = list(Seeker.objects.filter(subtree_q("region_code", county_prefix), status=Seeker.Status.OFFERED)
                   .select_related("person").order_by("-region_code", "id"))
    demo_villages = {code for code in workers if code.endswith(("003004", "003011"))}
    offered.sort(key=lambda seeker: (seeker.region_code not in demo_villages, seeker.pk))
    confirmed = []
    for seeker in offered[:CONFIRMED]:
        worker = _worker_for(workers, seeker.region_code)
        carried = rng.sample(specialities, rng.choice([0, 1, 1, 2]))
        changes = {
            "status": Seeker.Status.SEEKING,
            "wanted_work": rng.choice(["驾驶员", "安保", "技术工人", "仓储物流", "管理岗位", "不限"]),
            "wanted_sectors": rng.sample(sectors, rng.choice([0, 1, 2])),
            "wanted_place": county if rng.random() < 0.6 else None,
            "wanted_pay": rng.choice([4000, 5000, 6000, 7000, None]),
            "skills": rng.sample(skills, rng.choice([0, 1, 2])),
            "specialities": carried,
            "driving_licence": rng.choice(["", "", "C1", "C1", "B2", "A1"]),
        }
        confirmed.append(services_seekers.seeker_update(actor=worker, seeker=seeker, version=seeker.version,
                                                        **changes))
    return confirmed


def _employers_and_postings(rng, director, county_prefix: str, today) -> list[Posting]:
    sectors = {sector.name: sector for sector in Sector.objects.all()}
    skills = {skill.name: skill for skill in Skill.objects.all()}
    places = list(Region.objects.filter(subtree_q("code", county_prefix), level=4).order_by("code"))
    postings = []
    trades = list(TRADES.items())
    for index, word in enumerate(EMPLOYER_WORDS):
        sector_name, (suffix, jobs) = trades[index % len(trades)]
        place = places[index % len(places)]
        employer = services_postings.employer_create(
            actor=director, name=f"南京{word}{suffix}", sector=sectors[sector_name], place=place,
            address=f"南京市江宁区{place.name}{rng.randint(1, 300)}号",
            contact_name=rng.choice("王李张刘陈杨赵黄") + "经理", contact_phone=f"139{rng.randint(0, 99_999_999):08d}",
            commitments="优先招录退役军人；同等条件下优先晋升；为退役军人员工提供岗前培训",
            committed_on=today - timedelta(days=rng.randint(30, 600)))
        for title, wanted, education, licence, pay_min, pay_max in jobs:
            opens = today - timedelta(days=rng.randint(5, 60))
            closes = today + timedelta(days=rng.randint(-3, 45))  # a few closed already
            postings.append(services_postings.posting_create(
                actor=director, employer=employer, title=title, place=place, pay_min=pay_min, pay_max=pay_max,
                places=rng.randint(1, 6), opens_on=opens, closes_on=max(closes, opens), min_education=education,
                driving_licence=licence, skills=[skills[name] for name in wanted],
                requirements="退役军人优先；身体健康，服从安排；"
                + rng.choice(["能适应倒班", "有相关经验者优先", "吃苦耐劳"])))
    return postings


def _open(postings, today) -> list[Posting]:
    return [posting for posting in postings if posting.is_open(today)]


def _referrals(rng, seekers, postings, workers, today) -> None:
    """Each open posting refers its best few seekers, on a day of the last nine months; outcomes follow."""
    for posting in _open(postings, today)[:25]:
        worker = _worker_for(workers, posting.employer.registered_by.region_code)
        for seeker in matching.ranked_seekers(worker, posting, today)[:3]:
            if services_referrals.refusal_for_posting(posting, today):  # its places filled by the hires before
                break
            seeker_worker = _worker_for(workers, seeker.region_code)
            referral = services_referrals.referral_create(actor=seeker_worker, seeker=seeker, posting=posting)
            # the services date a referral today: moved back to the day it was made, as the ledger has it
            referral.referred_on = today - timedelta(days=rng.choice([2, 10, 20, 45, 90, 200, 230, 260]))
            Referral.objects.filter(pk=referral.pk).update(referred_on=referral.referred_on)
            _outcome(rng, referral, seeker_worker, today)


def _outcome(rng, referral: Referral, worker, today) -> None:
    roll = rng.random()
    if roll < 0.3:
        return  # still waiting
    interview = min(today, referral.referred_on + timedelta(days=rng.randint(1, 7)))
    referral = services_referrals.referral_step(actor=worker, referral=referral, action="interview",
                                                version=referral.version, data={"interview_on": interview})
    if roll < 0.5:
        return
    if roll < 0.75:
        services_referrals.referral_step(actor=worker, referral=referral, action="not_hired", version=referral.version,
                                         note=rng.choice(NOT_HIRED))
        return
    start = min(today, interview + timedelta(days=rng.randint(3, 14)))
    services_referrals.referral_step(actor=worker, referral=referral, action="hire", version=referral.version,
                                     data={"start_date": start})


def _fairs(rng, director, seekers, postings, workers, today) -> None:
    open_postings = _open(postings, today)
    employers = list({posting.employer_id: posting.employer for posting in open_postings}.values())
    last_month = services_fairs.fair_create(
        actor=director, title="江宁区退役军人专场招聘会", date=today - timedelta(days=30),
        venue="江宁区退役军人服务中心一楼大厅", employers=employers[:12],
        postings=[p for p in open_postings if p.employer in employers[:12]],
        note="区人社局、区退役军人事务局联合举办")
    # Invited a week before and checked in on the day, the rows fair_invite and fair_check_in wrote then (both refuse
    # a fair in the past today).
    held = timezone.make_aware(datetime.combine(last_month.date, time(9, 0)))
    guests = [FairGuest(fair=last_month, seeker=seeker, region_code=seeker.region_code,
                        invited_at=held - timedelta(days=7)) for seeker in rng.sample(seekers, min(60, len(seekers)))]
    for index, guest in enumerate(guests[:42]):
        guest.checked_in_at = held + timedelta(minutes=2 * index)
        guest.checked_in_by = director
    FairGuest.objects.bulk_create(guests)
    door = guests[:42]
    fair_postings = list(last_month.postings.all())
    for guest in door[:8]:
        seeker = Seeker.objects.get(pk=guest.seeker_id)  # as it is now: some were hired since
        posting = rng.choice(fair_postings)
        if (seeker.status == Seeker.Status.SEEKING and not services_referrals.refusal_for_posting(posting, today)
                and not Referral.objects.filter(seeker=seeker, posting=posting).exists()):
            services_fairs.fair_offer(actor=_worker_for(workers, seeker.region_code), fair=last_month,
                                      seeker=seeker, posting=posting)
    today_fair = services_fairs.fair_create(
        actor=director, title="“春风行动”退役军人就业服务专场", date=today, venue="汤山街道综合服务中心",
        employers=employers[12:24], postings=[p for p in open_postings if p.employer in employers[12:24]])
    seeking = Seeker.objects.filter(pk__in=[s.pk for s in seekers], status=Seeker.Status.SEEKING).order_by("pk")
    invited = [s for s in seeking if code_in_subtree(s.region_code, director.org_unit.region_code[:6])][:40]
    if invited:  # a demo of a few hundred people may have nobody seeking work in the county's own streets
        services_fairs.fair_invite(actor=director, fair=today_fair, seekers=invited)
    for seeker in invited[:6]:
        services_fairs.fair_check_in(actor=director, fair=today_fair, code=services_fairs.check_in_code(seeker),
                                     today=today)


def _courses(rng, director, seekers, workers, today) -> None:
    skills = {skill.name: skill for skill in Skill.objects.all()}
    plans = [
        (Course.Kind.ADAPTIVE, "退役士兵适应性培训（第一期）", "江宁区退役军人服务中心", -90, -86, 60, 4, "", None),
        (Course.Kind.SKILL, "低压电工作业培训", "江宁区职业技能培训中心", -75, -45, 30, 10,
         "特种作业操作证（低压电工）", skills["电工"]),
        (Course.Kind.SKILL, "叉车司机培训", "南京交通技师学院", -10, 20, 25, 12, "特种设备作业人员证（叉车）",
         skills["叉车操作"]),
        (Course.Kind.DEGREE, "退役军人学历提升（大专）", "江苏开放大学江宁学院", 30, 760, 40, 60, "大专毕业证书", None),
    ]
    pool = list(Seeker.objects.filter(pk__in=[s.pk for s in seekers], status=Seeker.Status.SEEKING).order_by("pk"))
    for kind, title, provider, start, end, places, sessions, certificate, skill in plans:
        course = services_courses.course_create(
            actor=director, kind=kind, title=title, provider=provider, starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end), places=places, sessions=sessions, certificate=certificate, skill=skill)
        chosen = rng.sample(pool, min(places - rng.randint(0, 5), len(pool)))
        if end < 0:  # enrolled before it began (enrol refuses a course that has ended): the rows enrol wrote then
            Enrolment.objects.bulk_create([Enrolment(course=course, seeker=seeker, region_code=seeker.region_code,
                                                     enrolled_by=director) for seeker in chosen])
            for enrolment in Enrolment.objects.filter(course=course).select_related("seeker"):
                _finish(rng, _worker_for(workers, enrolment.region_code), course, enrolment,
                        today + timedelta(days=end))
            continue
        for seeker in chosen:
            worker = _worker_for(workers, seeker.region_code)
            enrolment = services_courses.enrol(actor=worker, course=course, seeker=seeker)
            if start < 0:
                services_courses.attendance_record(actor=worker, enrolment=enrolment, version=enrolment.version,
                                                   sessions_attended=rng.randint(3, 6))


def _finish(rng, worker, course, enrolment, last_day) -> None:
    if rng.random() < 0.1:
        services_courses.enrolment_drop(actor=worker, enrolment=enrolment, version=enrolment.version,
                                        note="因找到工作未能继续参加")
        return
    enrolment = services_courses.attendance_record(actor=worker, enrolment=enrolment, version=enrolment.version,
                                                   sessions_attended=course.sessions - rng.choice([0, 0, 0, 1]))
    number = f"T{course.pk:03d}{enrolment.pk:05d}" if course.certificate else ""
    services_courses.enrolment_complete(actor=worker, enrolment=enrolment, version=enrolment.version,
                                        completed_on=last_day, certificate_number=number)


def _businesses(rng, seekers, workers, today) -> None:
    sectors = {sector.name: sector for sector in Sector.objects.all()}
    plans = [
        ("博轩学历提升咨询工作室", "教育", 1000 * rng.randint(400, 600), 8, 3),
        ("老兵快修汽车服务部", "居民服务、修理和其他服务业", 200_000, 5, 2),
        ("戎耀农业专业合作社", "农、林、牧、渔业", 300_000, 12, 4),
        ("铁军安防科技有限公司", "租赁和商务服务业（含保安服务）", 500_000, 20, 9),
        ("军旅印象餐饮店", "住宿和餐饮业", 150_000, 6, 1),
    ]
    owners = [s for s in seekers if s.status == Seeker.Status.SEEKING][-len(plans):]
    for (name, sector, loan, employees, veterans), seeker in zip(plans, owners, strict=False):
        worker = _worker_for(workers, seeker.region_code)
        registered = today - timedelta(days=rng.randint(200, 700))
        business = services_business.business_create(
            actor=worker, person=seeker.person, name=name, sector=sectors[sector], registered_on=registered,
            employees=employees, veterans_employed=veterans)
        services_business.support_add(actor=worker, business=business, kind="loan", given_on=registered,
                                      amount=loan, term_months=36, provider="江苏银行江宁支行")
        if rng.random() < 0.6:
            services_business.support_add(actor=worker, business=business, kind="incubator",
                                          given_on=registered + timedelta(days=10),
                                          provider="江宁区退役军人创业孵化基地")
        services_business.business_follow_up(actor=worker, business=business, on=registered + timedelta(days=180),
                                             operating=True, employees=employees, note="经营正常，按期还款")
