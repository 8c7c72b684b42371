"""The demo county's star evaluation (seed 003 (二十二)(二十三)): the district centre's criteria for its street
stations, last year's period closed and this year's scored from the live data and closed, with a third-party
evaluator's marks, one adjustment with its reason, and one station down a star because its 五有 lapsed (its
explanation on its sheet); seed 003's two targets set by the city; titles and one pairing. Through the services,
like a user. Does nothing when the county already has criteria."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle

from django.utils import timezone

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit
from rongjia.evaluation import scoring, services, services_titles
from rongjia.evaluation.models import CriteriaSet, Criterion, Run, Score
from rongjia.network.models import ChecklistEntry
from rongjia.network.services import checklist_entry_save

ITEMS = [
    ("五有落实", "五有齐全并有佐证", "25", "auto", "network.five_haves", "1"),
    ("五有落实", "人员、场地达到标准", "15", "auto", "network.standard", "1"),
    ("业务开展", "工作人员全员轮训", "10", "auto", "network.training", "0.8"),
    ("业务开展", "常态化走访覆盖", "15", "auto", "visits.coverage", "0.9"),
    ("业务开展", "任务清单按时完成", "10", "auto", "worklist.tasks", "0.9"),
    ("工作成效", "信访按期答复", "10", "auto", "petitions.on_time", "0.95"),
    ("群众满意", "群众满意度（意见箱）", "5", "auto", "mailbox.satisfaction", "0.9"),
    ("群众满意", "第三方实地察看", "10", "manual", "", "1"),
]
THRESHOLDS = ["60", "70", "80", "90"]


def _criteria(director, year: int) -> CriteriaSet:
    rows = [{"group": g, "name": n, "weight": w, "method": m, "measure": k, "full_at": f} for g, n, w, m, k, f in ITEMS]
    return services.criteria_set_create(actor=director, name=f"江宁区{year}年度街道（镇）退役军人服务站星级评价标准",
                                        level=4, year=year, thresholds=THRESHOLDS, items=rows)


def _scored(director, criteria_set: CriteriaSet, title: str, since: date, until: date) -> Run:
    version = criteria_set.versions.get()
    run = services.run_create(actor=director, version_id=version.pk, title=title, since=since, until=until)
    services.run_step(actor=director, run_id=run.pk, action="start")
    return scoring.score_run(run.pk)  # at once, as a worker would (the queued job then finds it done)


def _mark(actor, run: Run, scores: list[Score], points: list[str]) -> None:
    manual = run.criteria.items.get(method=Criterion.Method.MANUAL)
    notes = cycle(["台账规范，服务窗口标识清晰", "政策宣传栏内容陈旧，需更新", "接待记录完整，回访及时"])
    for score, given, note in zip(scores, points, notes, strict=False):
        services.mark_record(actor=actor, score_id=score.pk, criterion_id=manual.pk, points=given, note=note)


def _lapse_until_down(director, run: Run, score: Score) -> Score:
    """This year the station's 五有 lapsed one by one (funding, then premises…) until it lost a star."""
    unit = OrgUnit.objects.get(pk=score.unit_id)
    reasons = ["2026年度工作经费未落实", "服务场所被临时占用", "专职人员调离未补充", "编制未落实", "机构挂牌未更新"]
    entries = ChecklistEntry.objects.filter(unit=unit, item__kind="five_have", met=True).select_related("item")
    for entry, reason in zip(entries.order_by("-item__position"), reasons, strict=False):
        checklist_entry_save(actor=director, unit=unit, item=entry.item, met=False, note=reason)
        score = scoring.rescore_station(run, unit)
        if score.change is not None and score.change < 0:
            break
    return score


def seed_evaluation(*, county_prefix: str, today: date | None = None) -> int:
    if CriteriaSet.objects.filter(jurisdiction_code=county_prefix).exists():
        return 0
    director = User.objects.filter(username="jn_county").select_related("org_unit").first()
    city = User.objects.filter(username="nj_city").select_related("org_unit").first()
    assessor = User.objects.filter(username="jn_assessor").first()
    if director is None:
        return 0
    today = today or timezone.localdate()
    last = today.year - 1
    earlier = _scored(director, _criteria(director, last), f"{last}年度街道服务站星级评价",
                      date(last, 1, 1), date(last, 12, 31))
    services.run_step(actor=director, run_id=earlier.pk, action="close")
    # The station closest above its star's threshold last year is the one whose 五有 lapse this year.
    scores = [s for s in Score.objects.filter(run=earlier).order_by("region_code") if s.points is not None]
    margin = lambda s: s.points - Decimal(THRESHOLDS[s.stars - 2]) if s.stars > 1 else Decimal(100)  # noqa: E731
    lapsing = min(scores, key=margin)
    run = _scored(director, _criteria(director, today.year), f"{today.year}年度街道服务站星级评价",
                  date(today.year, 1, 1), today - timedelta(days=1))
    sheets = list(Score.objects.filter(run=run).order_by("region_code"))
    if assessor is not None:
        services.evaluators_assign(actor=director, run_id=run.pk, evaluator_id=assessor.pk,
                                   unit_ids=[s.unit_id for s in sheets[:6]])
        _mark(assessor, run, sheets[:3], ["9", "6", "8"])  # three more are left for the assessor to mark
    _mark(director, run, sheets[6:], ["8"] * len(sheets[6:]))
    _lapse_until_down(director, run, Score.objects.get(run=run, unit_id=lapsing.unit_id))
    best = Score.objects.filter(run=run).exclude(unit_id=lapsing.unit_id).order_by("-points", "region_code")
    raised = best.filter(stars__lt=5).first()
    if raised is not None:
        services.score_adjust(actor=director, score_id=raised.pk, stars=raised.stars + 1,
                              reason="区级暗访发现走访台账已补录但系统未录入，经区中心研究上调一星")
    services.run_step(actor=director, run_id=run.pk, action="close")
    _targets(city or director)
    _titles_and_pairing(director, run, lapsing.unit_id, today)
    return 2


def _targets(owner) -> None:
    services_titles.target_create(actor=owner, name="五星级服务中心（站）占比不低于80%", levels=[3, 4], min_stars=5,
                                  share=80, each_below=False, by_year=2022,
                                  source="退役军人事务部《关于加强退役军人服务中心（站）建设的意见》（二十二）")
    services_titles.target_create(actor=owner, name="各区街道（镇）星级示范站占比不低于60%", levels=[4], min_stars=3,
                                  share=60, each_below=True, by_year=2022, source="同上（二十三）")


def _titles_and_pairing(director, run: Run, weak_id: int, today: date) -> None:
    top = list(Score.objects.filter(run=run).exclude(unit_id=weak_id).order_by("-points", "region_code")[:3])
    kinds = ["demo", "benchmark", "red"]
    for score, kind in zip(top, kinds, strict=False):
        services_titles.designation_confer(actor=director, unit_id=score.unit_id, kind=kind,
                                           conferred_by="南京市退役军人事务局",
                                           conferred_on=date(today.year - 1, 7, 28))
    if top:
        pairing = services_titles.pairing_create(actor=director, strong_id=top[0].unit_id, weak_id=weak_id,
                                                 started_on=today - timedelta(days=20),
                                                 goal="帮助补齐五有短板，年底前恢复星级")
        services_titles.joint_task_add(actor=director, pairing_id=pairing.pk, title="联合开展一次政策宣讲",
                                       due_on=today + timedelta(days=20))
        done = services_titles.joint_task_add(actor=director, pairing_id=pairing.pk, title="结对双方交叉检查台账",
                                              due_on=today - timedelta(days=5))
        services_titles.joint_task_done(actor=director, task_id=done.pk, done_on=today - timedelta(days=7))
