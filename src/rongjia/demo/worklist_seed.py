"""The demo county's worklist: a quarterly task list and a monthly menu running with realistic completion (most
villages done, some handed in for the street's review, a few behind and overdue), a 督办 on the demo village, a
spot check with scores and findings turned into rectification tasks, a business meeting whose decision became a
task, and information reports going up. Through the services where a person would act; the spread of states over
two hundred villages in bulk. Does nothing when the county has issued tasks already."""

import io
import random
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from rongjia.accounts.models import User
from rongjia.core.scoping import subtree_q
from rongjia.worklist import inspections, notes, services
from rongjia.worklist.models import Assignment, AssignmentEvent, Task
from rongjia.worklist.recurrence import recurrence_save
from rongjia.worklist.targets import Target

A = Assignment.State
VISITS_FIELD = [{"key": "f1", "label": "本期走访人数", "type": "number", "min": 0, "max": 2000, "required": True}]
# The share of villages in each state: most done, some waiting for review, some under way, a few not started.
SPREAD = [A.DONE] * 13 + [A.SUBMITTED] * 3 + [A.DOING] * 3 + [A.NOT_STARTED] * 2
CHECKLIST = [{"item": "“五有”建设达标（有机构、有编制、有人员、有经费、有保障）", "max": 30},
             {"item": "服务对象信息采集准确、台账规范", "max": 30},
             {"item": "常态化联系和走访慰问落实到位", "max": 25},
             {"item": "政策公开栏和服务事项清单上墙", "max": 15}]


def seed_worklist(*, county_prefix: str, today: date | None = None) -> int:
    if Task.objects.filter(subtree_q("issuer_code", county_prefix)).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(20261204)
    users = {user.username: user for user in User.objects.filter(
        username__in=["jn_county", "jn_street", "jn_village", "jn_village2"]).select_related("org_unit")}
    county, street, village = users["jn_county"], users["jn_street"], users["jn_village"]
    demo_village = county_prefix + "003004"
    quarter = f"{today.year}年第{(today.month - 1) // 3 + 1}季度"
    tasks = [
        services.task_assign(actor=county, title=f"{quarter}服务对象信息采集更新", kind="quarterly",
                             instructions="核对辖区服务对象基本信息、联系方式和优待证办理情况，更新台账。",
                             due_on=today - timedelta(days=5), target=Target(levels=[5]), fields=VISITS_FIELD,
                             review_level=4, check_due=False),
        services.task_assign(actor=county, title=f"{quarter}“常态化联系”走访台账报送", kind="quarterly",
                             instructions="按“九必访”要求报送本季度走访台账，附走访照片。", needs_photos=True,
                             due_on=today + timedelta(days=4), target=Target(levels=[5]), fields=VISITS_FIELD,
                             check_due=False),
        services.task_assign(actor=county, title=f"{quarter}街道退役军人服务站规范化建设自查", kind="quarterly",
                             instructions="对照“五有”标准自查并上传自查表。", needs_files=True,
                             due_on=today + timedelta(days=20), target=Target(levels=[4]), check_due=False),
    ]
    recurrence_save(actor=county, title="月度工作菜单：政策宣传和困难帮扶", kind="monthly", frequency="monthly",
                    instructions="每月开展一次政策宣讲，摸排困难退役军人并报送帮扶情况。", target=Target(levels=[5]),
                    due_after_days=25, fields=VISITS_FIELD)
    tasks += list(Task.objects.filter(recurrence__issuer=county.org_unit))
    for task in tasks:
        _spread(task, rng, keep=demo_village)
    _demo_village_story(tasks[0], tasks[1], county, street, village, demo_village)
    _inspection(county, county_prefix, today)
    _meeting(county, today)
    notes.info_report_send(actor=village, title="古泉社区开展“八一”走访慰问", happened_on=today - timedelta(days=3),
                           body="社区退役军人服务站联合网格员走访慰问重点优抚对象12户，送去慰问金和慰问品。")
    report = notes.info_report_send(actor=users["jn_village2"], title="高庄社区举办退役军人就业创业政策宣讲",
                                    happened_on=today - timedelta(days=6),
                                    body="邀请区人社局讲解创业扶持政策，30余人参加。")
    notes.info_report_step(actor=street, report_id=report.pk, action="accept", note="内容翔实，已采用。")
    return Task.objects.filter(subtree_q("issuer_code", county_prefix)).count()


def _spread(task: Task, rng: random.Random, *, keep: str) -> None:
    """Give the parts their states in bulk (the demo village's are left to the story below), each with its event."""
    parts = list(task.assignments.exclude(region_code=keep).select_related("unit"))
    reviewed = task.review_level is not None
    now = timezone.now()
    events = []
    for part in parts:
        state = rng.choice(SPREAD)
        if state == A.SUBMITTED and not reviewed:
            state = A.DONE
        part.state = state
        part.progress = {A.DONE: 100, A.SUBMITTED: 100, A.DOING: rng.choice([30, 50, 70]), A.NOT_STARTED: 0}[state]
        if task.fields and state != A.NOT_STARTED:
            part.values = {"f1": float(rng.randint(8, 60))}
        if state in (A.DONE, A.SUBMITTED):
            part.submitted_at = now - timedelta(days=rng.randint(0, 6))
            part.done_at = part.submitted_at if state == A.DONE else None
            action = "submit_for_review" if reviewed else "submit"
            events.append(AssignmentEvent(assignment=part, action=action, from_state=A.DOING, to_state=state,
                                          actor_unit=part.unit, values=part.values))
        elif state == A.DOING:
            events.append(AssignmentEvent(assignment=part, action="report", from_state=A.NOT_STARTED, to_state=state,
                                          actor_unit=part.unit, progress=part.progress, values=part.values,
                                          note="正在逐户核对"))
    Assignment.objects.bulk_update(parts, ["state", "progress", "values", "submitted_at", "done_at"], batch_size=500)
    AssignmentEvent.objects.bulk_create(events, batch_size=500)


def _demo_village_story(overdue_task, photo_task, county, street, village, demo_village) -> None:
    """古泉社区: behind on the overdue task (urged by the county), returned once by the street on the photo task."""
    overdue = overdue_task.assignments.get(region_code=demo_village)
    services.assignment_report(actor=village, assignment_id=overdue.pk, progress=40, values={"f1": "21"},
                               note="已核对两个网格，其余正在入户")
    services.assignment_urge(actor=county, assignment_id=overdue.pk,
                             note="该任务已逾期，请于三日内完成信息采集并报送街道审核。")
    part = photo_task.assignments.get(region_code=demo_village)
    services.assignment_report(actor=village, assignment_id=part.pk, progress=60, values={"f1": "35"},
                               photos=[_photo("走访照片.jpg")], note="已走访35户，照片见附件")


def _photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (196, 164, 132)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _inspection(county, county_prefix: str, today: date) -> None:
    inspection = inspections.inspection_plan(
        actor=county, kind="spot", title=f"{today.year}年第四季度村（社区）服务站抽查", population_prefix=county_prefix,
        population_level=5, sample_size=6, checklist=CHECKLIST, starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=5), seed=20261120)
    targets = list(inspection.targets.select_related("unit"))
    for target, scores in zip(targets, [(28, 27, 22, 15), (25, 20, 18, 12), (30, 29, 24, 15), (18, 16, 15, 8)],
                              strict=False):
        inspections.target_score(actor=county, target_id=target.pk, scores={str(i): s for i, s in enumerate(scores)})
    findings = ((targets[1], "服务对象台账缺少第三季度走访记录"), (targets[3], "政策公开栏未更新2026年优待政策"))
    for target, text in findings:
        finding = inspections.finding_add(actor=county, target_id=target.pk, text=text, photo=_photo("现场.jpg"))
        inspections.finding_rectify(actor=county, finding_id=finding.pk, due_on=today + timedelta(days=30))


def _meeting(county, today: date) -> None:
    meeting = notes.meeting_record(
        actor=county, kind="business", held_on=today - timedelta(days=2), place="区退役军人服务中心三楼会议室",
        attendees="区退役军人事务局分管副局长、服务中心主任、各街道退役军人服务站站长",
        minutes="通报第四季度任务清单进展和抽查情况；部署春节走访慰问准备工作；对逾期未报送的社区进行督办。",
        decisions=["各街道于12月20日前完成辖区春节走访慰问对象摸底", "抽查发现的问题限期30天整改到位"])
    decision = meeting.decisions.first()
    services.task_assign(actor=county, title="春节走访慰问对象摸底", kind="special", decision=decision,
                         instructions=decision.text, due_on=today + timedelta(days=16), target=Target(levels=[4]),
                         fields=[{"key": "f1", "label": "摸底对象人数", "type": "number", "min": 0, "max": 5000,
                                  "required": True}])
