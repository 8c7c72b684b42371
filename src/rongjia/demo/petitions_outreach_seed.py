"""Demo outreach and mediation for the Jiangning county: 约访 and 下访 (some held, some planned), the leaders'
reception days, a sensitive period, and one 人民调解 case with two sessions and an agreement.

Made through the services, as a worker would; the meetings held in the past are planned for today, held, then
dated back (a meeting is never planned for a past day). Each function does nothing when its records exist.
"""

from datetime import time, timedelta

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.core.scoping import subtree_q
from rongjia.petitions.mediation.models import Mediation
from rongjia.petitions.mediation.services import mediation_open, mediation_step, session_add
from rongjia.petitions.models import Petition
from rongjia.petitions.outreach.models import Meeting, SensitivePeriod
from rongjia.petitions.outreach.services import meeting_plan, meeting_step, reception_day_save, sensitive_period_save

# (kind, petitioner, place, leader, days from today (negative: held), what was said, outcome)
MEETINGS = [
    ("appointment", "王建国", "区退役军人服务中心接待室", "副局长 孙立平", -12,
     "反映转业安置待遇未落实，出示原始档案。", "约定一个月内书面答复，已转安置科核实。"),
    ("visit", "赵德明", "秣陵街道古泉社区信访人家中", "局长 何建新", -6,
     "老伤复发就医报销困难，家庭收入低。", "当场讲解医疗保障政策，协调街道站帮助申请临时救助。"),
    ("visit", "钱树林", "汤山街道退役军人服务站", "副局长 孙立平", 0, "", ""),
    ("appointment", "李秀兰", "区退役军人服务中心接待室", "中心主任 陈志强", 3, "", ""),
    ("appointment", "周永福", "区退役军人服务中心接待室", "副局长 孙立平", 8, "", ""),
]


def seed_outreach(*, county_prefix: str) -> int:
    """Meetings, reception days and a sensitive period at the county centre; returns the meetings made."""
    actor = User.objects.filter(username="jn_county").first()
    centre = OrgUnit.objects.filter(region_code=county_prefix.ljust(12, "0"), kind=OrgUnit.Kind.CENTRE).first()
    if actor is None or centre is None or Meeting.objects.filter(subtree_q("region_code", county_prefix)).exists():
        return 0
    today = timezone.localdate()
    petitions = list(Petition.objects.filter(subtree_q("region_code", county_prefix)).order_by("id")[:2])
    made = 0
    for n, (kind, name, place, leader, days, said, outcome) in enumerate(MEETINGS):
        petition = petitions[n] if kind == "appointment" and n < len(petitions) and days < 0 else None
        meeting = meeting_plan(actor=actor, unit=centre, kind=kind, petition=petition, petitioner_name=name,
                               scheduled_on=today + timedelta(days=max(days, 0)), scheduled_at=time(9, 30),
                               place=place, leader=leader)
        if days < 0:
            meeting = meeting_step(actor=actor, meeting=meeting, action="hold", note=said, outcome=outcome)
            Meeting.objects.filter(pk=meeting.pk).update(scheduled_on=today + timedelta(days=days),
                                                         held_on=today + timedelta(days=days))
        made += 1
    for days, leader, title in ((2, "何建新", "局长"), (9, "孙立平", "副局长")):
        reception_day_save(actor=actor, unit=centre, day=today + timedelta(days=days), starts_at=time(9),
                           ends_at=time(11, 30), leader_name=leader, leader_title=title,
                           place="区退役军人服务中心一楼接待大厅")
    if not SensitivePeriod.objects.filter(unit=centre).exists():
        sensitive_period_save(actor=actor, unit=centre, name="全国两会", starts_on=today - timedelta(days=2),
                              ends_on=today + timedelta(days=10), note="加强信访稳控，新登记事项当日报告区中心。")
    return made


def seed_mediation(*, county_prefix: str) -> int:
    """One case at the 老兵调解室 of the demo street (秣陵街道): two sessions, then an agreement."""
    actor = User.objects.filter(username="jn_street").first()
    room = OrgUnit.objects.filter(region_code=f"{county_prefix}003000",
                                  kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]).first()
    if actor is None or room is None or Mediation.objects.filter(subtree_q("region_code", county_prefix)).exists():
        return 0
    today = timezone.localdate()
    case = mediation_open(actor=actor, unit=room, mediator="韩立新", opened_on=today - timedelta(days=20),
                          parties="孙国强（退役军人，申请人）\n南京某物业管理有限公司（被申请人）",
                          matter="退役军人住房屋顶漏水维修费用承担纠纷")
    session_add(actor=actor, mediation=case, held_on=today - timedelta(days=15), place="秣陵街道老兵调解室",
                summary="双方陈述意见，物业认为属业主自修范围，申请人出示保修记录。")
    session_add(actor=actor, mediation=case, held_on=today - timedelta(days=8), place="秣陵街道老兵调解室",
                summary="调解员释明保修条款，双方同意按比例分担维修费用。")
    mediation_step(actor=actor, mediation=case, action="agree", agreed_on=today - timedelta(days=8),
                   agreement="物业公司承担维修费用的70%，于30日内完成维修；申请人承担30%。")
    return 1
