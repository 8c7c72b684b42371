"""Demo 积案: two petitions of the county open past their deadline, each with its 包案 leader, a plan and two months
of progress (last month's and this month's), made through the services after `seed_petitions`.

Call it after the petitions: `seed_backlog(county_prefix=county_prefix)`; it does nothing if the county has a 积案.
"""

from datetime import timedelta

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.scoping import subtree_q
from rongjia.petitions.backlog.models import BacklogCase
from rongjia.petitions.backlog.selectors import month_of, not_yet_a_case_q
from rongjia.petitions.backlog.services import backlog_assign, backlog_progress_add
from rongjia.petitions.deadlines import OPEN_STATES
from rongjia.petitions.models import Petition

# (leader's name, post, plan, last month's progress, this month's progress)
CASES = [
    ("周建华", "区退役军人事务局副局长",
     "一、局领导包案，十日内当面约谈信访人；二、会同人社、财政部门核实安置待遇落实情况；三、依政策出具处理意见并跟踪回访。",
     "已约谈信访人，了解诉求；调取原始安置档案。", "已召开协调会，人社部门确认按政策补发，待财政拨付。"),
    ("陈立军", "区退役军人服务中心主任",
     "一、中心主任包案，明确专人跟进；二、联系医保部门核实报销政策；三、每月向信访人通报进展。",
     "已联系医保部门，确认可按慢性病门诊政策报销。", "已协助信访人提交报销材料，医保部门受理中。"),
]


def seed_backlog(*, county_prefix: str) -> int:
    """Make up to two 积案 in the county; returns how many were made."""
    actor = User.objects.filter(username="jn_county").first()
    in_county = subtree_q("region_code", county_prefix)
    if actor is None or BacklogCase.objects.filter(in_county).exists():
        return 0
    today = timezone.localdate()
    open_petitions = Petition.objects.filter(in_county, state__in=OPEN_STATES, due_on__isnull=False).order_by("id")
    chosen = list(open_petitions.filter(not_yet_a_case_q(today))[:len(CASES)])
    for petition in open_petitions.exclude(pk__in=[p.pk for p in chosen])[:len(CASES) - len(chosen)]:
        Petition.objects.filter(pk=petition.pk).update(due_on=today - timedelta(days=10))  # let it fall overdue
        chosen.append(petition)
    last_month = month_of(month_of(today) - timedelta(days=1))
    for petition, (name, title, plan, before, now) in zip(chosen, CASES, strict=False):
        case = backlog_assign(actor=actor, petition=petition, leader_name=name, leader_title=title, plan=plan)
        BacklogCase.objects.filter(pk=case.pk).update(opened_on=last_month + timedelta(days=9))  # opened last month
        case.refresh_from_db()
        backlog_progress_add(actor=actor, case=case, text=before, month=last_month)
        backlog_progress_add(actor=actor, case=case, text=now)
    return len(chosen)
