"""The evaluation's pages: who may open what (404 outside, a third-party evaluator only its stations), bad input
refused with a message and nothing changed, the targets' shares equal to the stations counted, the station page's
sheet, the export, and fixed query counts on the lists."""

import io
from datetime import date

import openpyxl
import pytest

from rongjia.evaluation import services, services_titles
from rongjia.evaluation.models import CriteriaSet, Designation, Pairing, Run, Score, Target
from rongjia.network.models import Rectification
from tests.factories import STREET_CODE, VILLAGE_CODE, unit_at

from .conftest import ITEMS, criteria, scored_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(cast, street_criteria, django_capture_on_commit_callbacks):
    return scored_run(cast.county_director, street_criteria, django_capture_on_commit_callbacks)


@pytest.fixture
def street_score(run):
    return Score.objects.get(run=run, unit=unit_at(STREET_CODE))


def test_the_right_roles_open_the_pages_and_the_outsider_gets_404(cast, client_for, run, street_score):
    director, outsider = client_for(cast.county_director), client_for(cast.outsider)
    pages = [f"/evaluation/runs/{run.pk}/", f"/evaluation/scores/{street_score.pk}/",
             f"/evaluation/criteria/{run.criteria.criteria_set_id}/", f"/evaluation/runs/{run.pk}/export/"]
    for url in pages:
        assert director.get(url).status_code == 200, url
        assert outsider.get(url).status_code == 404, url
    assert run.title not in outsider.get("/evaluation/").content.decode()
    street = client_for(cast.street_worker)
    assert street.get(f"/evaluation/scores/{street_score.pk}/").status_code == 200  # its own sheet
    other = Score.objects.filter(run=run).exclude(pk=street_score.pk).first()
    assert street.get(f"/evaluation/scores/{other.pk}/").status_code == 404  # a sibling street's
    assert client_for(cast.village_worker).get(f"/evaluation/scores/{street_score.pk}/").status_code == 404


def test_a_third_party_evaluator_sees_only_the_stations_it_is_given(cast, client_for, run, street_score):
    evaluator = client_for(cast.evaluator)
    assert evaluator.get(f"/evaluation/scores/{street_score.pk}/").status_code == 404
    services.evaluators_assign(actor=cast.county_director, run_id=run.pk, evaluator_id=cast.evaluator.pk,
                               unit_ids=[street_score.unit_id])
    page = evaluator.get(f"/evaluation/scores/{street_score.pk}/")
    assert page.status_code == 200 and "实地察看" in page.content.decode()
    other = Score.objects.filter(run=run).exclude(pk=street_score.pk).first()
    assert evaluator.get(f"/evaluation/scores/{other.pk}/").status_code == 404
    assert evaluator.get(f"/evaluation/runs/{run.pk}/").status_code == 403  # no area: no run pages at all
    assert evaluator.get(f"/stations/{street_score.unit_id}/").status_code in (403, 404)
    todo = evaluator.get("/evaluation/assigned/")
    assert street_score.unit.name in todo.content.decode()
    manual = run.criteria.items.get(method="manual")
    refused = evaluator.post(f"/evaluation/scores/{street_score.pk}/mark/",
                             {"criterion": manual.pk, "points": "99", "note": "好"})
    assert refused.status_code == 400 and "0 到 30" in refused.content.decode()
    assert not run.marks.exists()
    done = evaluator.post(f"/evaluation/scores/{street_score.pk}/mark/",
                          {"criterion": manual.pk, "points": "24", "note": "台账规范"})
    assert done.status_code == 302 and run.marks.get().points == 24
    assert street_score.unit.name not in evaluator.get("/evaluation/assigned/").content.decode()


def test_an_adjustment_without_a_reason_is_refused_and_changes_nothing(cast, client_for, run, street_score):
    director = client_for(cast.county_director)
    url = f"/evaluation/scores/{street_score.pk}/adjust/"
    refused = director.post(url, {"stars": "4", "reason": "", "version": street_score.version})
    assert refused.status_code == 400 and "请填写调整理由" in refused.content.decode()
    street_score.refresh_from_db()
    assert street_score.stars == street_score.computed_stars
    assert director.post(url, {"stars": "4", "reason": "暗访核实", "version": street_score.version}).status_code == 302
    street_score.refresh_from_db()
    assert street_score.stars == 4 and street_score.adjustment_reason == "暗访核实"
    stale = director.post(url, {"stars": "2", "reason": "再调", "version": street_score.version - 1})
    assert stale.status_code == 400
    assert client_for(cast.street_worker).post(url, {"stars": "5", "reason": "x", "version": 2}).status_code == 403


def test_criteria_are_made_on_the_page_and_bad_rows_are_named(cast, client_for):
    director = client_for(cast.county_director)
    form = {"name": "村站评价", "level": "5", "year": "2026", "two": "60", "three": "70", "four": "80", "five": "90",
            "items-count": "2", "items-0-group": "五有落实", "items-0-name": "五有", "items-0-weight": "abc",
            "items-0-method": "auto", "items-0-measure": "network.five_haves", "items-0-full_at": "100"}
    refused = director.post("/evaluation/criteria/new/", form)
    assert refused.status_code == 400 and "第1项" in refused.content.decode()
    assert not CriteriaSet.objects.exists()
    made = director.post("/evaluation/criteria/new/", {**form, "items-0-weight": "40"})
    assert made.status_code == 302
    version = CriteriaSet.objects.get().versions.get()
    assert version.items.get().weight == 40 and version.thresholds == ["60", "70", "80", "90"]
    assert client_for(cast.street_worker).get("/evaluation/criteria/new/").status_code == 403


def test_a_period_is_set_up_scored_and_closed_on_its_page(cast, client_for, street_criteria,
                                                          django_capture_on_commit_callbacks):
    director = client_for(cast.county_director)
    version = street_criteria.versions.get()
    bad = director.post("/evaluation/runs/new/", {"criteria": version.pk, "title": "年度评价", "since": "2026-12-01",
                                                  "until": "2026-01-01"})
    assert bad.status_code == 400 and "不能早于" in bad.content.decode() and not Run.objects.exists()
    director.post("/evaluation/runs/new/", {"criteria": version.pk, "title": "年度评价", "since": "2026-01-01",
                                            "until": "2026-11-30"})
    run = Run.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        director.post(f"/evaluation/runs/{run.pk}/step/", {"action": "start", "version": run.version})
    run.refresh_from_db()
    assert run.state == Run.State.SCORED and run.scores.count() == run.total_units
    status = director.get(f"/evaluation/runs/{run.pk}/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"  # scored: the page reloads to show the stars
    director.post(f"/evaluation/runs/{run.pk}/step/", {"action": "finish", "version": run.version})
    run.refresh_from_db()
    assert run.state == Run.State.SCORED  # the job's own step is not the user's
    director.post(f"/evaluation/runs/{run.pk}/step/", {"action": "close", "version": run.version})
    run.refresh_from_db()
    assert run.state == Run.State.CLOSED and run.closed_at


def test_the_export_holds_the_listed_stations(cast, client_for, run):
    response = client_for(cast.county_director).get(f"/evaluation/runs/{run.pk}/export/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(Score.objects.filter(run=run).values_list("unit__name", flat=True))


def test_targets_count_the_stations_of_the_latest_closed_period(cast, client_for, run):
    services.run_step(actor=cast.county_director, run_id=run.pk, action="close")
    scores = list(Score.objects.filter(run=run))
    top = scores[:3]
    Score.objects.filter(pk__in=[s.pk for s in top]).update(stars=5)
    target = services_titles.target_create(actor=cast.county_director, name="五星级占比≥80%", levels=[4],
                                           min_stars=5, share=80, each_below=False, by_year=2026)
    page = client_for(cast.county_director).get("/evaluation/targets/")
    assert page.status_code == 200
    own, _below = next(rows for t, *rows in page.context["board"] if t == target)
    assert (own.met, own.stations) == (3, len(scores))
    assert own.gap == -(-len(scores) * 8 // 10) - 3
    listed = client_for(cast.county_director).get(f"/evaluation/targets/{target.pk}/stations/?show=met")
    assert listed.context["page"].paginator.count == 3
    short = client_for(cast.county_director).get(f"/evaluation/targets/{target.pk}/stations/?show=short")
    assert short.context["page"].paginator.count == len(scores) - 3
    assert client_for(cast.outsider).get(f"/evaluation/targets/{target.pk}/stations/").status_code == 404
    refused = client_for(cast.county_director).post("/evaluation/targets/new/", {
        "name": "x", "levels": ["3"], "min_stars": "5", "share": "80", "by_year": "2026"})
    assert refused.status_code == 400 and Target.objects.count() == 1


def test_titles_and_pairings_with_their_joint_tasks(cast, client_for):
    director = client_for(cast.county_director)
    bad = director.post("/evaluation/titles/new/", {"unit_code": "320114003000", "kind": "demo",
                                                    "conferred_by": "市局", "conferred_on": "2026-07-01"})
    assert bad.status_code == 400 and "本辖区" in bad.content.decode() and not Designation.objects.exists()
    director.post("/evaluation/titles/new/", {"unit_code": STREET_CODE, "kind": "demo", "conferred_by": "市局",
                                              "conferred_on": "2026-07-01"})
    title = Designation.objects.get()
    assert "示范点" in client_for(cast.street_worker).get(f"/stations/{title.unit_id}/").content.decode()
    director.post(f"/evaluation/titles/{title.pk}/end/", {"ends_on": "2026-06-01", "note": "撤销"})
    title.refresh_from_db()
    assert title.ends_on is None  # before it was conferred: refused
    same = director.post("/evaluation/pairings/new/", {"strong_code": STREET_CODE, "weak_code": STREET_CODE,
                                                       "started_on": "2026-11-01", "goal": "补短板"})
    assert same.status_code == 400 and not Pairing.objects.exists()
    director.post("/evaluation/pairings/new/", {"strong_code": STREET_CODE, "weak_code": VILLAGE_CODE,
                                                "started_on": "2026-11-01", "goal": "补短板"})
    pairing = Pairing.objects.get()
    director.post(f"/evaluation/pairings/{pairing.pk}/tasks/", {"title": "联合宣讲", "due_on": "2026-12-20"})
    task = pairing.tasks.get()
    village = client_for(cast.village_worker)
    assert "联合宣讲" in village.get("/evaluation/pairings/").content.decode()  # the helped station sees it
    village.post(f"/evaluation/pairings/tasks/{task.pk}/done/", {"done_on": "2026-12-01"})
    task.refresh_from_db()
    assert task.done_on == date(2026, 12, 1)
    assert "联合宣讲" not in client_for(cast.village2_worker).get("/evaluation/pairings/").content.decode()
    assert client_for(cast.village2_worker).post(f"/evaluation/pairings/tasks/{task.pk}/done/",
                                                 {"done_on": "2026-12-02"}).status_code == 404
    task.refresh_from_db()
    assert task.done_on == date(2026, 12, 1)  # a station outside the pair changed nothing


def test_the_station_page_shows_its_sheet_and_gaps_go_to_rectification(cast, client_for, run, street_score):
    page = client_for(cast.street_worker).get(f"/stations/{street_score.unit_id}/")
    assert 'data-testid="station-stars"' in page.content.decode() and run.title in page.content.decode()
    director = client_for(cast.county_director)
    director.post(f"/evaluation/scores/{street_score.pk}/rectify/")
    item = Rectification.objects.get(unit_id=street_score.unit_id)
    assert "五有齐全" in item.reason and run.title in item.reason


def test_lists_ask_a_fixed_number_of_queries(cast, client_for, run, django_assert_max_num_queries):
    director = client_for(cast.county_director)
    services_titles.target_create(actor=cast.county_director, name="五星", levels=[4], min_stars=5, share=80,
                                  each_below=True, by_year=2026)
    for url in (f"/evaluation/runs/{run.pk}/", "/evaluation/", "/evaluation/targets/", "/evaluation/titles/",
                "/evaluation/pairings/"):
        with django_assert_max_num_queries(25, info=url):
            assert director.get(url).status_code == 200


def test_a_new_version_appears_on_the_criteria_page_when_the_old_one_scored(cast, client_for, run):
    director = client_for(cast.county_director)
    percent = {"full_at": lambda share: str(round(float(share) * 100))}  # the page asks for a percentage
    rows = {f"items-{i}-{k}": percent.get(k, str)(v) for i, item in enumerate(ITEMS) for k, v in item.items()}
    response = director.post(f"/evaluation/criteria/{run.criteria.criteria_set_id}/", {
        "two": "55", "three": "65", "four": "75", "five": "85", "note": "放宽门槛", "items-count": len(ITEMS), **rows})
    assert response.status_code == 302
    assert list(run.criteria.criteria_set.versions.values_list("number", flat=True)) == [2, 1]
    assert client_for(cast.street_worker).post(f"/evaluation/criteria/{run.criteria.criteria_set_id}/", {
        "note": "x"}).status_code == 403


def test_criteria_of_another_county_are_neither_listed_nor_opened(cast, client_for):
    theirs = criteria(cast.outsider)
    director = client_for(cast.county_director)
    assert f"/evaluation/criteria/{theirs.pk}/" not in director.get("/evaluation/").content.decode()
    assert director.get(f"/evaluation/criteria/{theirs.pk}/").status_code == 404


def test_stations_are_given_to_an_evaluator_by_their_codes_and_bad_codes_change_nothing(cast, client_for, run):
    from rongjia.evaluation.models import EvaluatorAssignment

    director = client_for(cast.county_director)
    page = director.get(f"/evaluation/runs/{run.pk}/")
    assert [value for value, _label in page.context["assign_form"].fields["evaluator"].choices] == [
        cast.evaluator.pk]  # only the third-party accounts of the area are offered
    url = f"/evaluation/runs/{run.pk}/assign/"
    refused = director.post(url, {"evaluator": cast.evaluator.pk, "units": f"{STREET_CODE}, 320114003000"},
                            follow=True)
    assert "区划代码" in refused.content.decode() and not EvaluatorAssignment.objects.exists()
    director.post(url, {"evaluator": cast.evaluator.pk, "units": STREET_CODE})
    assert list(EvaluatorAssignment.objects.values_list("unit__region_code", flat=True)) == [STREET_CODE]
    assert client_for(cast.street_worker).post(url, {"evaluator": cast.evaluator.pk,
                                                     "units": STREET_CODE}).status_code == 403
    assert client_for(cast.outsider).post(url, {"evaluator": cast.evaluator.pk,
                                                "units": STREET_CODE}).status_code == 404


def test_a_closed_period_takes_no_more_marks_or_adjustments(cast, client_for, run, street_score):
    services.run_step(actor=cast.county_director, run_id=run.pk, action="close")
    manual = run.criteria.items.get(method="manual")
    director = client_for(cast.county_director)
    marked = director.post(f"/evaluation/scores/{street_score.pk}/mark/",
                           {"criterion": manual.pk, "points": "20", "note": "补打分"})
    adjusted = director.post(f"/evaluation/scores/{street_score.pk}/adjust/",
                             {"stars": "5", "reason": "补调", "version": street_score.version})
    assert marked.status_code == adjusted.status_code == 400 and not run.marks.exists()
    street_score.refresh_from_db()
    assert street_score.stars == street_score.computed_stars and not street_score.adjustment_reason
    assert client_for(cast.outsider).post(f"/evaluation/runs/{run.pk}/step/",
                                          {"action": "start"}).status_code == 404


def test_a_sheet_without_weak_items_records_no_rectification(cast, client_for, run, street_score):
    Score.objects.filter(pk=street_score.pk).update(items=[{**item, "points": item["weight"]}
                                                           for item in street_score.items])
    response = client_for(cast.county_director).post(f"/evaluation/scores/{street_score.pk}/rectify/", follow=True)
    assert "没有得分低于一半的项目" in response.content.decode() and not Rectification.objects.exists()


def test_a_title_ends_with_its_reason_and_a_joint_task_needs_its_date(cast, client_for):
    director = client_for(cast.county_director)
    title = services_titles.designation_confer(actor=cast.county_director, unit_id=unit_at(STREET_CODE).pk,
                                               kind="red", conferred_by="市局", conferred_on=date(2026, 7, 1))
    no_reason = director.post(f"/evaluation/titles/{title.pk}/end/", {"ends_on": "2026-11-01", "note": ""},
                              follow=True)
    assert "请填写日期和理由" in no_reason.content.decode()
    director.post(f"/evaluation/titles/{title.pk}/end/", {"ends_on": "2026-11-01", "note": "复核未通过"})
    title.refresh_from_db()
    assert title.ends_on == date(2026, 11, 1) and title.note == "复核未通过"
    pairing = services_titles.pairing_create(actor=cast.county_director, strong_id=unit_at(STREET_CODE).pk,
                                             weak_id=unit_at(VILLAGE_CODE).pk, started_on=date(2026, 11, 1),
                                             goal="补短板")
    undated = director.post(f"/evaluation/pairings/{pairing.pk}/tasks/", {"title": "联合宣讲", "due_on": ""},
                            follow=True)
    assert "请填写任务和完成期限" in undated.content.decode() and not pairing.tasks.exists()
    assert client_for(cast.outsider).post(f"/evaluation/pairings/{pairing.pk}/tasks/", {
        "title": "x", "due_on": "2026-12-01"}).status_code == 404


def test_the_statistics_show_no_stars_section_before_any_closed_period(cast, client_for, run):
    sections = client_for(cast.county_director).get("/network/stats/").context["sections"]
    assert "stars" not in [section.key for section in sections]  # the period is scored but not closed
