"""Helper D's small employment world for the ledger, the statistics and the contributions, built through the
services: in the home village 李强 (discharged 100 days ago, hired through a referral today), 赵六 (200 days ago,
seeking), 钱七 (three years ago, seeking, completed a course today), 孙八 (no profile, a business registered today
with a loan), 周九 (30 days ago, a profile and a business registered today: running a business); in the sibling
village 赵磊 (50 days ago, seeking); in the outsider county 孙涛 (a profile, 10 days ago)."""

from datetime import timedelta

from rongjia.employment import services_business, services_courses, services_referrals
from rongjia.employment.models import Support
from rongjia.people.models import ServiceRecord
from tests.employment.conftest import sector, seeker_for
from tests.factories import person_at


def discharged(person, days_ago: int, today):
    ServiceRecord.objects.create(person=person, enlisted_on=today - timedelta(days=days_ago + 800),
                                 discharged_on=today - timedelta(days=days_ago), branch="army")


def build(cast, posting, seeker, sibling_seeker, outsider_seeker, today) -> dict:
    village = cast.village_worker
    discharged(seeker.person, 100, today)
    referral = services_referrals.referral_create(actor=village, seeker=seeker, posting=posting)
    referral = services_referrals.referral_step(actor=village, referral=referral, action="hire",
                                                version=referral.version, data={"start_date": today})
    zhao = seeker_for(village, name="赵六", seq=511)
    discharged(zhao.person, 200, today)
    qian = seeker_for(village, name="钱七", seq=512)
    discharged(qian.person, 3 * 365, today)
    course = services_courses.course_create(actor=cast.county_director, kind="skill", title="叉车培训",
                                            provider="江宁职校", starts_on=today, ends_on=today + timedelta(days=10),
                                            places=5, certificate="叉车证")
    enrolment = services_courses.enrol(actor=village, course=course, seeker=qian)
    services_courses.enrolment_complete(actor=village, enrolment=enrolment, completed_on=today,
                                        certificate_number="CC-1", version=enrolment.version)
    sun = person_at(village, name="孙八", seq=513)
    shop = services_business.business_create(actor=village, person=sun, name="孙八便利店",
                                             sector=sector("批发和零售业"), registered_on=today)
    services_business.support_add(actor=village, business=shop, kind=Support.Kind.LOAN, given_on=today,
                                  amount=100000, term_months=24, provider="江宁农商行")
    zhou = seeker_for(village, name="周九", seq=514)
    discharged(zhou.person, 30, today)
    farm = services_business.business_create(actor=village, person=zhou.person, name="周九农场",
                                             sector=sector("农、林、牧、渔业"), registered_on=today)
    discharged(sibling_seeker.person, 50, today)
    discharged(outsider_seeker.person, 10, today)
    return {"li": seeker, "zhao": zhao, "qian": qian, "sun": sun, "zhou": zhou, "sibling": sibling_seeker,
            "outsider": outsider_seeker, "referral": referral, "course": course, "enrolment": enrolment,
            "shop": shop, "farm": farm}
