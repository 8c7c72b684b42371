"""The demo county's training (seed 003 (五)): this year's two courses of the district centre (one finished, its
participants' records written; one under way), and 随岗锻炼 done by part of the street stations' staff, so the
training pages show work done and the gaps left. Through the services. Does nothing when the county has courses."""

import random
from datetime import date, timedelta

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.scoping import subtree_q
from rongjia.network import services_training
from rongjia.network.models import Course, StaffMember


def seed_training(*, county_prefix: str, today: date | None = None) -> int:
    if Course.objects.filter(subtree_q("organiser_code", county_prefix)).exists():
        return 0
    director = User.objects.filter(username="jn_county").select_related("org_unit").first()
    if director is None:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(20261204)
    staff = list(StaffMember.objects.filter(subtree_q("unit__region_code", county_prefix), active=True)
                 .select_related("unit").order_by("id"))
    finished = services_training.course_create(
        actor=director, title=f"{today.year}年退役军人服务站业务骨干培训班（第一期）", place="区委党校",
        starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=58), hours=16)
    participants = rng.sample(staff, min(40, len(staff)))
    services_training.enrol(actor=director, course_id=finished.pk, staff_ids=[m.pk for m in participants])
    completed = list(finished.enrolments.order_by("id").values_list("pk", flat=True))[:34]
    services_training.complete(actor=director, course_id=finished.pk, enrolment_ids=completed,
                               completed_on=finished.ends_on)
    running = services_training.course_create(
        actor=director, title=f"{today.year}年政策法规和心理健康专题培训班（第二期）", place="区退役军人服务中心",
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), hours=12)
    services_training.enrol(actor=director, course_id=running.pk,
                            staff_ids=[m.pk for m in rng.sample(staff, min(25, len(staff)))])
    street_staff = [m for m in staff if m.unit.level == 4]
    for member in rng.sample(street_staff, len(street_staff) // 2):
        starts = today - timedelta(days=rng.randint(60, 300))
        services_training.placement_record(actor=director, staff_id=member.pk, starts_on=starts,
                                           ends_on=starts + timedelta(days=rng.choice([20, 30, 31, 45])))
    return 2
