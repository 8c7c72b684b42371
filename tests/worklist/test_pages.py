"""The worklist pages: a task assigned through the form, a village reporting and submitting on its page, the
street reviewing, bad input that changes nothing, who may see what (404 outside), bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rongjia.worklist import inspections
from rongjia.worklist.models import Assignment, Evidence, InfoReport, Meeting, Task
from rongjia.worklist.notes import info_report_send, meeting_record
from rongjia.worklist.services import assignment_report
from tests.factories import HOME_COUNTY, VILLAGE2_CODE, VILLAGE_CODE

from .conftest import assign, make_overdue, photo

pytestmark = pytest.mark.django_db


def test_a_task_is_assigned_through_the_form_and_bad_input_assigns_nothing(cast, client_for):
    client = client_for(cast.county_director)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    base = {"title": "年终走访慰问统计", "kind": "collection", "due_on": due, "instructions": "请如实填报",
            "fields_text": "*走访人数 | 数字 | 0 | 500\n情况说明 | 文字"}
    for bad, words in (({"levels": []}, "级别"), ({"levels": ["5"], "fields_text": "走访人数 | 日期"}, "第 1 行"),
                       ({"levels": ["5"], "due_on": "2020-01-01"}, "已过"),
                       ({"units_text": "320114001001"}, "320114001001")):
        response = client.post("/worklist/tasks/new", {**base, **bad})
        assert response.status_code == 200 and words in response.content.decode(), bad
    assert not Task.objects.exists()
    response = client.post("/worklist/tasks/new", {**base, "units_text": f"{VILLAGE_CODE}\n{VILLAGE2_CODE}",
                                                   "review_level": "4"})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/worklist/tasks/{task.pk}/"
    assert task.assignee_count == 2 and task.review_level == 4 and task.fields[0]["max"] == 500
    page = client.get(response["Location"]).content.decode()
    assert "年终走访慰问统计" in page and "古泉" in page


def test_a_village_reports_submits_and_the_street_accepts_on_the_pages(cast, client_for):
    task = assign(cast.county_director, review_level=4, fields=[
        {"key": "f1", "label": "走访人数", "type": "number", "min": 0, "max": 500, "required": True}])
    part = task.assignments.get(region_code=VILLAGE_CODE)
    village = client_for(cast.village_worker)
    assert "report-form" in village.get(f"/worklist/parts/{part.pk}/").content.decode()
    refused = village.post(f"/worklist/parts/{part.pk}/report", {"progress": "30", "f1": "9999", "version": "1"})
    assert refused.status_code == 422 and "500" in refused.content.decode()
    assert Assignment.objects.get(pk=part.pk).version == 1
    village.post(f"/worklist/parts/{part.pk}/report", {"progress": "30", "f1": "12", "version": "1",
                                                       "photos": photo(), "note": "已走访12户"})
    part.refresh_from_db()
    assert (part.state, part.progress, part.values) == ("doing", 30, {"f1": 12.0})
    stale = village.post(f"/worklist/parts/{part.pk}/report", {"progress": "40", "version": "1"})
    assert stale.status_code == 422
    village.post(f"/worklist/parts/{part.pk}/report", {"submit": "1", "version": str(part.version)})
    assert Assignment.objects.get(pk=part.pk).state == "submitted"
    street = client_for(cast.street_worker)
    assert part.unit.name in street.get("/worklist/review/").content.decode()
    street.post(f"/worklist/parts/{part.pk}/review", {"action": "accept"})
    assert Assignment.objects.get(pk=part.pk).state == "done"
    history = village.get(f"/worklist/parts/{part.pk}/").content.decode()
    assert "已走访12户" in history and "走访人数：12" in history
    evidence = Evidence.objects.get()
    assert village.get(f"/worklist/parts/{part.pk}/evidence/{evidence.pk}").status_code == 200


def test_a_station_never_sees_a_siblings_part_or_evidence(cast, client_for):
    task = assign(cast.county_director)
    part = task.assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=50, note="本村进展", photos=[photo()])
    evidence = Evidence.objects.get()
    for stranger in (cast.village2_worker, cast.outsider):
        client = client_for(stranger)
        assert client.get(f"/worklist/parts/{part.pk}/").status_code == 404
        assert client.get(f"/worklist/parts/{part.pk}/evidence/{evidence.pk}").status_code == 404
    sibling = client_for(cast.village2_worker).get(f"/worklist/tasks/{task.pk}/").content.decode()
    assert part.unit.name not in sibling and "本村进展" not in sibling
    assert client_for(cast.outsider).get(f"/worklist/tasks/{task.pk}/").status_code == 404
    county = client_for(cast.county_director)
    for each in task.assignments.all():  # the assigner sees every assignee's
        assert county.get(f"/worklist/parts/{each.pk}/").status_code == 200
    assert county.get(f"/worklist/parts/{part.pk}/evidence/{evidence.pk}").status_code == 200


def test_urging_on_the_page_and_the_unit_reading_it(cast, client_for):
    task = assign(cast.county_director)
    part = task.assignments.get(region_code=VILLAGE_CODE)
    make_overdue(task)
    county = client_for(cast.county_director)
    assert part.unit.name in county.get("/worklist/overdue/?level=5").content.decode()
    county.post(f"/worklist/parts/{part.pk}/review", {"action": "urge", "note": "请今日报送"})
    village = client_for(cast.village_worker)
    assert task.title in village.get("/worklist/?show=urged").content.decode()
    assert "请今日报送" in village.get(f"/worklist/parts/{part.pk}/").content.decode()
    assert task.title not in village.get("/worklist/?show=urged").content.decode()
    refused = county.post(f"/worklist/parts/{part.pk}/review", {"action": "urge", "note": ""})
    assert refused.status_code == 422 and part.events.filter(action="urge").count() == 1


def test_inspection_reports_and_meetings_pages(cast, client_for):
    today = timezone.localdate()
    county = client_for(cast.county_director)
    response = county.post("/worklist/inspections/new", {
        "kind": "spot", "title": "年终抽查", "population_prefix": HOME_COUNTY, "population_level": "5",
        "sample_size": "3", "checklist_text": "五有齐全 | 40\n台账规范 | 60", "starts_on": today.isoformat(),
        "ends_on": today.isoformat()})
    assert response.status_code == 302
    inspection = inspections.Inspection.objects.get()
    target = inspection.targets.first()
    refused = county.post(f"/worklist/inspections/{inspection.pk}/targets/{target.pk}/score",
                          {"score_0": "50", "score_1": "10"})
    assert refused.status_code == 422
    county.post(f"/worklist/inspections/{inspection.pk}/targets/{target.pk}/score", {"score_0": "35", "score_1": "50"})
    assert county.get(f"/worklist/inspections/{inspection.pk}/").status_code == 200
    assert client_for(cast.outsider).get(f"/worklist/inspections/{inspection.pk}/").status_code == 404
    report = info_report_send(actor=cast.village_worker, title="八一走访简报", body="走访12户", happened_on=today)
    assert "八一走访简报" in county.get("/worklist/reports/?show=waiting").content.decode()
    county.post(f"/worklist/reports/{report.pk}/step", {"action": "accept"})
    assert InfoReport.objects.get().state == "accepted"
    assert client_for(cast.village2_worker).get(f"/worklist/reports/{report.pk}/").status_code == 404
    meeting = meeting_record(actor=cast.county_director, kind="business", held_on=today, attendees="各站站长",
                             minutes="部署工作", decisions=["月底前完成台账整理"])
    decision = meeting.decisions.get()
    form = county.get(f"/worklist/tasks/new?decision={decision.pk}").content.decode()
    assert "月底前完成台账整理" in form
    assert client_for(cast.outsider).get(f"/worklist/tasks/new?decision={decision.pk}").status_code == 404
    assert client_for(cast.village2_worker).get(f"/worklist/meetings/{meeting.pk}/").status_code == 404
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("url", ["/worklist/", "/worklist/?show=all", "/worklist/tasks/", "/worklist/tasks/new",
                                 "/worklist/review/", "/worklist/overdue/", "/worklist/recurring/",
                                 "/worklist/recurring/new", "/worklist/rectifications/", "/worklist/inspections/",
                                 "/worklist/inspections/new", "/worklist/reports/", "/worklist/reports/new",
                                 "/worklist/meetings/", "/worklist/meetings/new"])
def test_every_page_opens_for_the_county_and_is_refused_to_those_without_the_feature(cast, client_for, url):
    assert client_for(cast.county_director).get(url).status_code == 200
    assert client_for(cast.auditor).get(url).status_code == 403


def test_lists_take_a_bounded_number_of_queries(cast, client_for, django_assert_max_num_queries):
    tasks = [assign(cast.county_director, levels=[5], title=f"任务{n}") for n in range(3)]
    for task in tasks:
        make_overdue(task)
    county, village = client_for(cast.county_director), client_for(cast.village_worker)
    for client, url in ((county, "/worklist/tasks/"), (county, f"/worklist/tasks/{tasks[0].pk}/"),
                        (county, f"/worklist/tasks/{tasks[0].pk}/?region=320115003"),
                        (county, "/worklist/overdue/"), (county, "/worklist/review/"), (village, "/worklist/?show=all"),
                        (county, "/"), (village, "/")):
        with django_assert_max_num_queries(47):  # each module's counts, benefits' and employment's in one
            assert client.get(url).status_code == 200, url
