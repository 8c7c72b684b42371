"""What the security matrices share: every named route from the URL conf, the records a route's
kwargs name, and the text a response shows a person (page, xlsx or PDF)."""

import io
import zipfile
from dataclasses import dataclass
from datetime import time

from auditlog.context import disable_auditlog
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rongjia.accounts.models import AccountChange, Role
from rongjia.assistance import funds as assistance_funds
from rongjia.assistance import services as assistance
from rongjia.assistance.models import AidKind, ApprovalBatch, HardshipKind
from rongjia.core.models import FileJob, Region
from rongjia.evaluation.scoring import score_run
from rongjia.evaluation.services import criteria_set_create, mark_record, run_create, run_step
from rongjia.evaluation.services_titles import designation_confer, joint_task_add, pairing_create, target_create
from rongjia.network.services import rectification_record
from rongjia.network.services_training import course_create
from rongjia.people.models import ImportJob, StatusProposal
from rongjia.petitions.backlog.models import BacklogCase
from rongjia.petitions.legal_aid.services import lawyer_save
from rongjia.petitions.mailbox.services import feedback_submit
from rongjia.petitions.mediation.services import mediation_open
from rongjia.petitions.outreach.services import meeting_plan, reception_day_save, sensitive_period_save
from rongjia.petitions.services import petition_register
from rongjia.visits.honours import merit_register, plaque_issue
from rongjia.visits.services import NeedIn, campaign_launch, visit_record
from rongjia.visits.wall import honour_add
from rongjia.worklist.inspections import finding_add, inspection_plan
from rongjia.worklist.notes import info_report_send, meeting_record
from rongjia.worklist.recurrence import recurrence_save
from rongjia.worklist.services import task_assign
from rongjia.worklist.targets import Target
from tests.factories import person_at, unit_at, valid_id_number


@dataclass
class Records:
    """One record of each scoped kind in a county, by kind: ids for the routes' kwargs."""

    ids: dict


def records_in(county: str, director, label: str, village: str | None = None) -> Records:
    """Made by the county's own director, at `village` (default: the county's first); `label` starts
    each record's name (found again in pages)."""
    village = village or Region.objects.filter(code__startswith=county, level=5).order_by("code").values_list(
        "code", flat=True)[0]
    person = person_at(director, code=village, name=f"{label}张三", id_number=valid_id_number(
        "19700303", region=county, sequence=77))
    petition = petition_register(actor=director, unit=unit_at(village), channel="visit", type="claim",
                                 category="housing", subject=f"{label}信访事项", petitioners=[{"name": f"{label}张三"}])
    feedback, _receipt = feedback_submit(about=unit_at(village), topic="attitude", rating="fairly",
                                         content=f"{label}意见内容")
    lawyer = lawyer_save(actor=director, station=unit_at(county + "000000"), name=f"{label}律师", firm=f"{label}律所")
    outreach = _outreach_records(director, county, village, label)
    with disable_auditlog():
        # the petition as a 积案 of the county's centre, with its 包案 leader (the pages reach it by the petition)
        BacklogCase.objects.create(petition=petition, reason="overdue", centre=unit_at(county + "000000"),
                                   region_code=county + "000000", opened_on=timezone.localdate(),
                                   leader_name=f"{label}包案领导", plan=f"{label}化解方案")
        job = ImportJob.objects.create(uploaded_by=director, file="imports/x.xlsx", original_name=f"{label}.xlsx",
                                       sha256="0" * 64)
        # a file made in the background for the director (core.files): its owner's alone
        file_job = FileJob.objects.create(kind="people.export", owner=director, parameters={"query": f"q={label}"},
                                          region_code=director.org_unit.region_code)
        proposal = StatusProposal.objects.create(person=person, region_code=village, kind="lost",
                                                 day=timezone.localdate(), reason=f"{label}多次上门无人")
        change = AccountChange.objects.create(kind="role_capabilities", role=Role.objects.get(code="leader"),
                                              jurisdiction=county, proposed_by=director,
                                              proposal={"capabilities": ["org.view"]})
    return Records(ids={"person": person.pk, "petition": petition.pk, "feedback": feedback.pk, "lawyer": lawyer.pk,
                        "station": unit_at(village).pk, "user": director.pk, "job": job.pk, "region": village,
                        "file_job": file_job.pk,
                        "account_change": change.pk, "status_proposal": proposal.pk, **outreach,
                        **_visit_records(director, person, village, label),
                        **_worklist_records(director, county, village, label),
                        **_evaluation_records(director, village, label),
                        **_assistance_records(director, person, county, label),
                        **_benefits_records(director, person, county, label),
                        **_employment_records(director, person, village, label)})


def _visit_records(director, person, village: str, label: str) -> dict:
    """A visit about the person with a follow-up, a campaign, the household's 光荣牌 and a 喜报 for the family."""
    today = timezone.localdate()
    owner = NeedIn(f"{label}修缮屋顶", director.pk, today)
    visit, _new = visit_record(actor=director, person_id=person.pk, visited_on=today, findings=f"{label}走访情况",
                               needs=[owner])
    campaign = campaign_launch(actor=director, name=f"{label}慰问活动", kind="special", starts_on=today, ends_on=today)
    plaque = plaque_issue(actor=director, person_id=person.pk)
    merit = merit_register(actor=director, soldier_name=f"{label}张三之子", level="third", awarded_on=today,
                           family_name=f"{label}张三", family_region_code=village)
    honour = honour_add(actor=director, unit=unit_at(village), name=f"{label}张三", title="二等功臣",
                        story=f"{label}张三的事迹")
    return {"visit": visit.pk, "follow_up": visit.follow_ups.get().pk, "campaign": campaign.pk, "plaque": plaque.pk,
            "merit": merit.pk, "honour": honour.pk}


def _worklist_records(director, county: str, village: str, label: str) -> dict:
    """A task to the village (its part), a standing menu, a rectification item, an inspection with a finding, an
    information report and a meeting with a decision."""
    today, station = timezone.localdate(), unit_at(village)
    task = task_assign(actor=director, title=f"{label}年终任务", kind="special", due_on=today,
                       target=Target(units=[station.pk]))
    menu = recurrence_save(actor=director, title=f"{label}月度菜单", kind="monthly", frequency="monthly",
                           target=Target(units=[station.pk]))
    item = rectification_record(actor=director, unit=station, reason=f"{label}整改事项")
    inspection = inspection_plan(actor=director, kind="spot", title=f"{label}抽查", population_prefix=county,
                                 population_level=5, sample_size=2, checklist=[{"item": "台账", "max": 10}],
                                 starts_on=today, ends_on=today)
    finding = finding_add(actor=director, target_id=inspection.targets.first().pk, text=f"{label}检查发现")
    report = info_report_send(actor=director, title=f"{label}信息简报", body=f"{label}简报正文", happened_on=today)
    meeting = meeting_record(actor=director, kind="business", held_on=today, attendees=f"{label}站长",
                             minutes=f"{label}会议纪要", decisions=[f"{label}会议决定"])
    course = course_create(actor=director, title=f"{label}培训班", starts_on=today, ends_on=today, hours=8)
    return {"course": course.pk, "task": task.pk, "part": task.assignments.get().pk, "recurrence": menu.pk,
            "rectification": item.pk,
            "inspection": inspection.pk, "inspection_target": inspection.targets.first().pk, "finding": finding.pk,
            "info_report": report.pk, "work_meeting": meeting.pk, "decision": meeting.decisions.get().pk}


def _evaluation_records(director, village: str, label: str) -> dict:
    """Village-station criteria of the county, a period scored by them (the job run here, as the worker would) and
    the village's score, marked by the director with a note that carries the label."""
    today = timezone.localdate()
    item = {"group": "群众满意", "name": "实地察看", "weight": "10", "method": "manual"}
    criteria = criteria_set_create(actor=director, name=f"{label}评价标准", level=5, year=today.year,
                                   thresholds=["60", "70", "80", "90"], items=[item])
    version = criteria.versions.get()
    run = run_create(actor=director, version_id=version.pk, title=f"{label}星级评价期", since=today, until=today)
    run_step(actor=director, run_id=run.pk, action="start")
    score_run(run.pk)
    score = run.scores.get(unit=unit_at(village))
    mark_record(actor=director, score_id=score.pk, criterion_id=version.items.get().pk, points=8,
                note=f"{label}实地察看记录")
    target = target_create(actor=director, name=f"{label}五星目标", levels=[5], min_stars=5, share=80,
                           each_below=False, by_year=today.year)
    title = designation_confer(actor=director, unit_id=score.unit_id, kind="demo", conferred_by=f"{label}市局",
                               conferred_on=today)
    strong = unit_at(village[:9] + "000")
    pairing = pairing_create(actor=director, strong_id=strong.pk, weak_id=score.unit_id, started_on=today,
                             goal=f"{label}结对目标")
    task = joint_task_add(actor=director, pairing_id=pairing.pk, title=f"{label}共建任务", due_on=today)
    return {"criteria_set": criteria.pk, "run": run.pk, "score": score.pk, "target": target.pk,
            "designation": title.pk, "pairing": pairing.pk, "joint_task": task.pk}


def _assistance_records(director, person, county: str, label: str) -> dict:
    """The person on the hardship ledger with a pairing, an aid application with its documents, the county's 关爱基金
    with its ledger and a batch approval drawing on it, and a referral to 民政."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    today, centre = timezone.localdate(), unit_at(county + "000000")
    entry = assistance.hardship_create(actor=director, person=person, kind=HardshipKind.objects.get(name="因病"),
                                       cause=f"{label}困难原因", level="serious", since=today)
    pairing = assistance.pairing_create(actor=director, entry=entry, helper_kind="army",
                                        helper_name=f"{label}帮扶部队", plan=f"{label}帮扶计划", since=today)
    kind = AidKind.objects.get(jurisdiction_code="", name="临时救助")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    application = assistance.application_register(
        actor=director, person=person, kind=kind, amount="2000", reason=f"{label}申请事由",
        documents={name: SimpleUploadedFile(f"{name}.pdf", pdf, content_type="application/pdf")
                   for name in kind.documents})
    fund = assistance_funds.fund_create(actor=director, name=f"{label}关爱基金", kind="care")
    assistance_funds.fund_income(actor=director, fund=fund, source="donation", amount="50000", on=today,
                                 donor=f"{label}捐赠企业")
    referral = assistance.referral_create(actor=director, person=person, department="civil", service="低保",
                                          request=f"{label}转介请求", sent_on=today)
    with disable_auditlog():
        batch = ApprovalBatch.objects.create(unit=centre, region_code=centre.region_code, fund=fund, kind=kind,
                                             application_ids=[application.pk], total=1, started_by=director)
    return {"hardship": entry.pk, "aid_pairing": pairing.pk, "aid_application": application.pk,
            "aid_document": application.documents.first().pk, "fund": fund.pk, "aid_batch": batch.pk,
            "referral": referral.pk}


def _benefits_records(director, person, county: str, label: str) -> dict:
    """The county's own pension table, the person's entitlement confirmed from a proposal, an account, a second
    proposal left open, and the county's batch of this month with the person's payment (three people of its own)."""
    from rongjia.benefits import batches as benefit_batches
    from rongjia.benefits import services as benefit_services
    from rongjia.benefits.models import BenefitItem, Proposal
    from rongjia.benefits.proposals import proposal_confirm
    from rongjia.people.models import Category
    from tests.factories import UserFactory

    month, centre = timezone.localdate().replace(day=1), unit_at(county + "000000")
    item = BenefitItem.objects.get_or_create(code="probe-pension", defaults={"name": "探针抚恤金"})[0]
    table = benefit_services.standard_table_create(actor=director, item=item, jurisdiction_code=county, kind="base",
                                                   title=f"{label}抚恤标准", effective_from=month,
                                                   rates=[{"amount": "36000"}])
    category = Category.objects.get(name="残疾军人")
    account = benefit_services.account_add(actor=director, person=person, bank="农业银行",
                                           number="62220200000000" + county[-5:], holder="agent",
                                           holder_name=f"{label}代领人", reason=f"{label}代领原因")
    confirmed = Proposal.objects.create(person=person, item=item, change="new", month=month, category=category,
                                        reason=f"{label}待遇提议")
    proposal_confirm(actor=director, pk=confirmed.pk)
    funeral = BenefitItem.objects.get(code="funeral-allowance")
    proposal = Proposal.objects.create(person=person, item=funeral, change="new", month=month, category=category,
                                       reason=f"{label}待确认提议")
    staff = [UserFactory(username=f"{county}_benefits_{n}", org_unit=centre, roles=["centre_staff"]) for n in (1, 2)]
    batch = benefit_batches.batch_create(actor=staff[0], month=month)
    benefit_batches.run_generation(batch.pk)
    for actor, action in ((staff[0], "prepare"), (staff[1], "check"), (director, "approve")):
        batch.refresh_from_db()
        benefit_batches.batch_step(actor=actor, pk=batch.pk, action=action, version=batch.version)
    return {"benefit_table": table.pk, "benefit_account": account.pk, "benefit_proposal": proposal.pk,
            "benefit_batch": batch.pk}


def _employment_records(director, person, village: str, label: str) -> dict:
    """The person's seeker profile, the county's employer and posting, a referral, a fair with the person checked
    in, a course with the person enrolled, and the person's business with a loan and a follow-up."""
    from rongjia.employment import (
        services_business,
        services_courses,
        services_fairs,
        services_postings,
        services_referrals,
        services_seekers,
    )
    from rongjia.employment.models import Sector, Skill

    today, place = timezone.localdate(), Region.objects.get(code=village)
    sector, skill = Sector.objects.first(), Skill.objects.get(name="汽车驾驶")
    seeker = services_seekers.seeker_create(actor=director, person=person, wanted_work=f"{label}求职意向",
                                            skills=[skill])
    employer = services_postings.employer_create(actor=director, name=f"{label}物流公司", sector=sector, place=place,
                                                 contact_name=f"{label}联系人", contact_phone="13900002222")
    posting = services_postings.posting_create(actor=director, employer=employer, title=f"{label}货车司机",
                                               place=place, pay_min=5000, pay_max=7000, places=2, opens_on=today,
                                               closes_on=today, skills=[skill])
    referral = services_referrals.referral_create(actor=director, seeker=seeker, posting=posting)
    fair = services_fairs.fair_create(actor=director, title=f"{label}招聘会", date=today, venue=f"{label}会场",
                                      employers=[employer], postings=[posting])
    guest, _new = services_fairs.fair_check_in(actor=director, fair=fair, code=services_fairs.check_in_code(seeker),
                                               today=today)
    course = services_courses.course_create(actor=director, kind="skill", title=f"{label}电工培训", provider="培训学校",
                                            starts_on=today, ends_on=today, places=5)
    enrolment = services_courses.enrol(actor=director, course=course, seeker=seeker)
    business = services_business.business_create(actor=director, person=person, name=f"{label}创业项目",
                                                  sector=sector, registered_on=today)
    services_business.support_add(actor=director, business=business, kind="loan", given_on=today, amount=100000,
                                  term_months=24, provider=f"{label}银行")
    services_business.business_follow_up(actor=director, business=business, on=today, operating=True, employees=1,
                                         note=f"{label}回访情况")
    return {"seeker": seeker.pk, "employer": employer.pk, "posting": posting.pk, "job_referral": referral.pk,
            "fair": fair.pk, "fair_guest": guest.pk, "job_course": course.pk, "enrolment": enrolment.pk,
            "business": business.pk}


def _outreach_records(director, county: str, village: str, label: str) -> dict:
    """A meeting and a mediation about the person (names carry the label), a reception day and a sensitive period."""
    today, centre = timezone.localdate(), unit_at(county + "000000")
    meeting = meeting_plan(actor=director, unit=unit_at(village), kind="appointment", petitioner_name=f"{label}张三",
                           scheduled_on=today, place=f"{label}接待室", leader="副局长")
    mediation = mediation_open(actor=director, unit=unit_at(village), parties=f"{label}张三\n{label}某公司",
                               mediator=f"{label}调解员", matter=f"{label}纠纷")
    day = reception_day_save(actor=director, unit=centre, day=today, starts_at=time(9), ends_at=time(11),
                             leader_name=f"{label}张三", leader_title="局长", place=f"{label}大厅")
    period = sensitive_period_save(actor=director, unit=centre, name=f"{label}敏感时段", starts_on=today,
                                   ends_on=today)
    return {"meeting": meeting.pk, "mediation": mediation.pk, "reception_day": day.pk, "sensitive_period": period.pk}


def routes() -> list[tuple[str, tuple]]:
    """(name, kwarg names) of every named page route (the API is read from its OpenAPI schema)."""
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("api/"):
                    continue
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                    pattern.namespace or namespace)
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), tuple(pattern.pattern.converters)
    return sorted(set(walk(get_resolver().url_patterns)))


# The record a route's first <pk> names, by route (a specific rule) or by namespace (the default).
# Every route of a ledger import names its job first (a held row or an update second, as row_pk).
IMPORT_JOB_ROUTES = ("import_job", "import_columns", "import_places", "import_changes_accept", "import_job_commit",
                     "import_held", "import_held_workbook", "import_held_fix", "import_held_skip",
                     "import_held_unskip", "import_updates", "import_update_accept")
PK_BY_ROUTE = {**{f"people:{name}": "job" for name in IMPORT_JOB_ROUTES}, "people:transfer_decide": "person",
               "petitions:lawyer_edit": "lawyer", "mailbox:detail": "feedback", "mailbox:about_detail": "feedback",
               "accounts:user_edit": "user",
               "accounts:user_unlock": "user", "accounts:user_reset_password": "user",
               "accounts:change_decide": "account_change",
               "petitions:petitioner_pick": "person",  # a dossier picked as a petitioner on the registration form
               **{f"petitions:{name}": "meeting" for name in ("meeting_detail", "meeting_edit", "meeting_step",
                                                              "meeting_petition")},
               **{f"petitions:{name}": "mediation" for name in ("mediation_detail", "mediation_session_add",
                                                                "mediation_step")},
               "petitions:reception_day_edit": "reception_day", "petitions:sensitive_period_edit": "sensitive_period",
               "visits:campaign_detail": "campaign", "visits:follow_up_close": "follow_up",
               "visits:plaque_step": "plaque", "visits:plaque_photo": "plaque", "visits:merit_step": "merit",
               "visits:honour_remove": "honour",
               "visits:honour_photo": "honour", "people:status_proposal_decide": "status_proposal",
               "core:file_job": "file_job", "core:file_job_download": "file_job"}
WORKLIST_ROUTES = {
    **{name: "task" for name in ("task_detail", "task_export", "task_step", "task_file")},
    **{name: "part" for name in ("part_detail", "part_report", "part_review", "evidence_file")},
    **{name: "inspection" for name in ("inspection_detail", "inspection_close", "target_score", "finding_add",
                                       "finding_photo", "finding_rectify")},
    "recurrence_toggle": "recurrence", "rectification_make_task": "rectification", "report_detail": "info_report",
    "report_step": "info_report", "meeting_detail": "work_meeting"}
PK_BY_ROUTE.update({f"worklist:{name}": kind for name, kind in WORKLIST_ROUTES.items()})
PK_BY_ROUTE.update({f"network:{name}": "course" for name in ("course_detail", "course_enrol", "course_complete")})
PK_BY_ROUTE.update({f"evaluation:{name}": kind for name, kind in {
    "score_detail": "score", "score_adjust": "score", "score_mark": "score", "score_rectify": "score",
    "criteria_detail": "criteria_set", "target_stations": "target", "designation_end": "designation",
    "joint_task_add": "pairing", "joint_task_done": "joint_task"}.items()})
PK_BY_ROUTE.update({f"assistance:{name}": kind for name, kind in {
    "help_new": "aid_pairing", "pairing_end": "aid_pairing", "batch_detail": "aid_batch", "batch_status": "aid_batch",
    **{name: "aid_application" for name in ("application_detail", "application_step", "document_add",
                                            "document_download", "refusal_pdf")},
    **{name: "fund" for name in ("fund_detail", "fund_income", "fund_spend", "fund_export")},
    "referral_detail": "referral", "referral_step": "referral"}.items()})
PK_BY_ROUTE.update({f"benefits:{name}": kind for name, kind in {
    **{name: "benefit_proposal" for name in ("proposal", "proposal_confirm", "proposal_refuse")},
    **{name: "benefit_batch" for name in ("batch_detail", "batch_status", "batch_step", "batch_return",
                                          "batch_regenerate", "batch_download")},
    "account_reveal": "benefit_account", "standard_table_detail": "benefit_table"}.items()})
PK_BY_ROUTE.update({f"employment:{name}": kind for name, kind in {
    **{name: "employer" for name in ("employer_detail", "employer_edit")},
    **{name: "posting" for name in ("posting_detail", "posting_edit", "posting_withdraw", "posting_matches")},
    **{name: "job_referral" for name in ("referral_detail", "referral_step")},
    **{name: "fair" for name in ("fair_detail", "fair_edit", "fair_invite", "fair_check_in", "fair_offer",
                                 "fair_invitation")},
    **{name: "job_course" for name in ("course_detail", "course_edit", "course_enrol")},
    "enrolment_step": "enrolment",
    **{name: "business" for name in ("business_detail", "business_edit", "business_support", "business_follow_up")},
}.items()})
PK_BY_NAMESPACE = {"people": "person", "petitions": "petition", "network": "station", "visits": "visit",
                   "worklist": "task", "evaluation": "run", "assistance": "hardship", "employment": "seeker"}
STRING_KWARGS = {"kind": "household", "action": "accept"}
# Secondary ids that name a record of their own under the first (an inspection's target and finding): the real
# one, so the answer does not hang on which ids a database's sequences happened to give.
SECONDARY_KWARGS = {"target_pk": "inspection_target", "finding_pk": "finding", "document_pk": "aid_document",
                    "person_pk": "person", "guest": "fair_guest"}


def fill(name: str, kwargs: tuple, records: Records) -> dict | None:
    """The route's kwargs naming the given records; None when this module cannot place the route."""
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            kind = PK_BY_ROUTE.get(name) or PK_BY_NAMESPACE.get(name.split(":")[0])
            if kind is None:
                return None
            values[kwarg] = records.ids[kind]
        elif kwarg == "code":
            values[kwarg] = records.ids["region"]
        elif kwarg in STRING_KWARGS:
            values[kwarg] = STRING_KWARGS[kwarg]
        elif kwarg in SECONDARY_KWARGS:
            values[kwarg] = records.ids[SECONDARY_KWARGS[kwarg]]
        else:  # a secondary id under the record: the record alone decides
            values[kwarg] = 1
    return values


def api_params(records: Records) -> dict:
    return {"code": records.ids["region"], "station_id": records.ids["station"], "person_id": records.ids["person"],
            "job_id": records.ids["job"], "petition_id": records.ids["petition"], "visit_id": records.ids["visit"],
            "campaign_id": records.ids["campaign"], "task_id": records.ids["task"], "part_id": records.ids["part"],
            "inspection_id": records.ids["inspection"], "target_id": records.ids["inspection_target"],
            "set_id": records.ids["criteria_set"], "run_id": records.ids["run"], "score_id": records.ids["score"],
            "entry_id": records.ids["hardship"], "application_id": records.ids["aid_application"],
            "fund_id": records.ids["fund"], "referral_id": records.ids["referral"],
            "batch_id": records.ids["benefit_batch"], "seeker_id": records.ids["seeker"],
            "posting_id": records.ids["posting"], "job_referral_id": records.ids["job_referral"],
            "fair_id": records.ids["fair"], "course_id": records.ids["job_course"]}


def visible_text(response) -> str:
    """What a person would read: page text, or the cells of an xlsx, or the text of a PDF."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheet" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    if "pdf" in kind:
        from pypdf import PdfReader

        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")
