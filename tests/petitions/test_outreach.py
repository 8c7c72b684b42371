"""接访、约访、下访、督访, leaders' reception days and sensitive periods (petitions/outreach/)."""

import re
from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from rongjia.core.errors import StaleVersion
from rongjia.petitions.models import Petition, PetitionNotice
from rongjia.petitions.outreach.models import Meeting, ReceptionDay, SensitivePeriod
from rongjia.petitions.outreach.selectors import sensitive_periods_covering
from rongjia.petitions.outreach.services import (
    meeting_plan,
    meeting_register_petition,
    meeting_step,
    meeting_update,
    reception_day_save,
    sensitive_period_save,
)
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, VILLAGE_CODE, unit_at
from tests.petitions.test_workflow import register

COUNTY = HOME_COUNTY + "000000"


def today():
    return timezone.localdate()


def plan(actor, *, code=VILLAGE_CODE, kind="appointment", day=None, **values):
    values = {"petitioner_name": "王建国", "place": "村服务站接待室", "leader": "副局长 张某", **values}
    return meeting_plan(actor=actor, unit=unit_at(code), kind=kind, scheduled_on=day or today(),
                        scheduled_at=time(9, 30), **values)


def reception_day(actor, *, code=COUNTY, day=None, **values):
    values = {"starts_at": time(9), "ends_at": time(11, 30), "leader_name": "李明", "leader_title": "局长",
              "place": "区退役军人服务中心接待大厅", **values}
    return reception_day_save(actor=actor, unit=unit_at(code), day=day or today() + timedelta(days=3), **values)


def period(actor, *, code=COUNTY, start=None, end=None, name="全国两会"):
    start = start or today() - timedelta(days=1)
    return sensitive_period_save(actor=actor, unit=unit_at(code), name=name, starts_on=start,
                                 ends_on=end or start + timedelta(days=10))


# --- meetings ------------------------------------------------------------------------------------------------

def test_a_meeting_is_planned_then_held_with_what_was_said(cast):
    meeting = plan(cast.village_worker)
    assert (meeting.state, meeting.region_code, meeting.version) == ("planned", VILLAGE_CODE, 1)
    with pytest.raises(ValidationError):  # the outcome is part of the record
        meeting_step(actor=cast.village_worker, meeting=meeting, action="hold", note="谈了安置待遇")
    held = meeting_step(actor=cast.village_worker, meeting=meeting, action="hold", note="谈了安置待遇",
                        outcome="答应两周内书面答复", version=1)
    assert (held.state, held.held_on, held.outcome, held.version) == ("held", today(), "答应两周内书面答复", 2)
    with pytest.raises(ValidationError):  # held is the end
        meeting_step(actor=cast.village_worker, meeting=held, action="cancel", note="x")
    with pytest.raises(ValidationError):  # and a held meeting is the record: not changed
        meeting_update(actor=cast.village_worker, meeting=held, version=2, place="别处")


def test_a_meeting_is_not_held_before_its_day_and_a_cancel_needs_a_reason(cast):
    meeting = plan(cast.village_worker, day=today() + timedelta(days=2))
    with pytest.raises(ValidationError):
        meeting_step(actor=cast.village_worker, meeting=meeting, action="hold", note="x", outcome="y")
    with pytest.raises(ValidationError):
        meeting_step(actor=cast.village_worker, meeting=meeting, action="cancel", note=" ")
    assert Meeting.objects.get().state == "planned"
    cancelled = meeting_step(actor=cast.village_worker, meeting=meeting, action="cancel", note="信访人住院")
    assert (cancelled.state, cancelled.record) == ("cancelled", "信访人住院")


@pytest.mark.parametrize(("values", "field"), [
    ({"day": "yesterday"}, "scheduled_on"), ({"place": " "}, "place"), ({"leader": ""}, "leader"),
    ({"petitioner_name": ""}, "petitioner_name"), ({"kind": "party"}, "kind"), ({"kind": "supervision"}, "petition"),
])
def test_bad_meetings_are_refused_and_nothing_is_written(cast, values, field):
    if values.get("day") == "yesterday":
        values["day"] = today() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        plan(cast.village_worker, **values)
    assert field in refused.value.error_dict and not Meeting.objects.exists()


def test_a_supervision_is_held_by_a_centre_above_the_petitions_unit(cast):
    petition = register(cast.village_worker)
    with pytest.raises(ValidationError) as refused:  # the village station does not supervise itself
        plan(cast.village_worker, kind="supervision", petition=petition)
    assert "unit" in refused.value.error_dict
    meeting = plan(cast.county_director, code=COUNTY, kind="supervision", petition=petition, petitioner_name="")
    assert (meeting.petition, meeting.petitioner_name, meeting.region_code) == (petition, "王建国", COUNTY)
    with pytest.raises(Http404):  # the village does not see the county's meeting
        meeting_update(actor=cast.village_worker, meeting=meeting, version=1, place="x")


def test_meetings_are_scoped_and_written_by_handlers_only(cast):
    meeting = plan(cast.village_worker)
    with pytest.raises(Http404):
        meeting_step(actor=cast.outsider, meeting=meeting, action="cancel", note="x")
    with pytest.raises(Http404):
        plan(cast.outsider)  # a unit outside the outsider's county
    with pytest.raises(PermissionDenied):
        plan(cast.leader, code=COUNTY)
    with pytest.raises(StaleVersion):
        meeting_update(actor=cast.village_worker, meeting=meeting, version=5, place="别处")
    moved = meeting_update(actor=cast.village_worker, meeting=meeting, version=1, place="信访人家中")
    assert (moved.place, moved.version) == ("信访人家中", 2)


def test_a_visit_that_finds_a_new_matter_registers_an_outreach_petition(cast):
    visit = plan(cast.street_worker, code=STREET_CODE, kind="visit", petitioner_name="赵老兵")
    with pytest.raises(ValidationError):  # only once held
        meeting_register_petition(actor=cast.street_worker, meeting=visit, type="claim", category="housing",
                                  subject="住房困难")
    meeting_step(actor=cast.street_worker, meeting=visit, action="hold", note="反映住房漏雨", outcome="登记为信访事项")
    petition = meeting_register_petition(actor=cast.street_worker, meeting=visit, type="claim", category="housing",
                                         subject="住房困难")
    assert (petition.channel, petition.content, petition.unit_id) == ("outreach", "反映住房漏雨", visit.unit_id)
    assert list(petition.petitioners.values_list("name", flat=True)) == ["赵老兵"]
    assert Meeting.objects.get().petition == petition
    with pytest.raises(ValidationError):  # not twice
        meeting_register_petition(actor=cast.street_worker, meeting=visit, type="claim", category="housing",
                                  subject="再登记")
    assert Petition.objects.count() == 1


# --- reception days ------------------------------------------------------------------------------------------

def test_reception_days_are_published_by_the_centre_and_read_below_it(cast, client_for):
    day = reception_day(cast.county_director)
    past = ReceptionDay.objects.create(unit=day.unit, region_code=day.region_code, day=today() - timedelta(days=7),
                                       starts_at=time(9), ends_at=time(11), leader_name="往期领导",
                                       leader_title="副局长", place="大厅")
    page = client_for(cast.village_worker).get(reverse("petitions:reception_days"))
    text = page.content.decode()
    assert page.status_code == 200 and "李明" in text and "往期领导" in text
    assert text.index("李明") < text.index("往期领导")  # the past ones apart, below
    assert reverse("petitions:reception_day_edit", args=[day.pk]) not in text  # the village does not edit them
    assert "李明" not in client_for(cast.outsider).get(reverse("petitions:reception_days")).content.decode()
    with pytest.raises(Http404):
        reception_day_save(actor=cast.village_worker, unit=day.unit, reception_day=day, day=day.day,
                           starts_at=time(8), ends_at=time(9), leader_name="改", leader_title="改", place="改")
    assert client_for(cast.outsider).get(reverse("petitions:reception_day_edit", args=[past.pk])).status_code == 404
    assert client_for(cast.county_director).get(reverse("petitions:reception_day_edit", args=[day.pk])).status_code \
        == 200


@pytest.mark.parametrize(("values", "field"), [
    ({"ends_at": time(8)}, "ends_at"), ({"day": "past"}, "day"), ({"leader_name": " "}, "leader_name"),
])
def test_a_bad_reception_day_is_refused(cast, values, field):
    if values.get("day") == "past":
        values["day"] = today() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        reception_day(cast.county_director, **values)
    assert field in refused.value.error_dict and not ReceptionDay.objects.exists()


def test_only_a_centre_publishes(cast):
    with pytest.raises(ValidationError):
        reception_day(cast.street_worker, code=STREET_CODE)
    assert not ReceptionDay.objects.exists()


# --- sensitive periods ---------------------------------------------------------------------------------------

def test_a_sensitive_period_needs_an_end_after_its_start(cast):
    with pytest.raises(ValidationError) as refused:
        period(cast.county_director, start=today(), end=today() - timedelta(days=1))
    assert "ends_on" in refused.value.error_dict and not SensitivePeriod.objects.exists()


def test_periods_cover_the_declaring_centres_subtree_on_their_days(cast):
    declared = period(cast.county_director)
    assert list(sensitive_periods_covering(VILLAGE_CODE, today())) == [declared]
    assert not sensitive_periods_covering(VILLAGE_CODE, declared.ends_on + timedelta(days=1)).exists()
    assert not sensitive_periods_covering(OUTSIDER_COUNTY + "001001", today()).exists()


def test_a_petition_registered_in_a_period_is_reported_to_the_declaring_centre(cast):
    before = register(cast.village_worker, subject="期前事项")
    assert not PetitionNotice.objects.filter(kind="period").exists()
    declared = period(cast.county_director)
    during = register(cast.village_worker, subject="期间事项")
    notice = PetitionNotice.objects.get(kind=PetitionNotice.Kind.SENSITIVE)
    assert (notice.petition, notice.unit, notice.due_on) == (during, declared.unit, declared.ends_on)
    assert not before.notices.filter(kind="period").exists()
    outside = period(cast.outsider, code=OUTSIDER_COUNTY + "000000")
    assert not PetitionNotice.objects.filter(unit=outside.unit).exists()


def test_the_list_marks_and_the_page_warns_of_petitions_in_a_period(cast, client_for):
    before = register(cast.village_worker, subject="期前事项")
    Petition.objects.filter(pk=before.pk).update(registered_on=today() - timedelta(days=5))
    period(cast.county_director)
    during = register(cast.village_worker, subject="期间事项")
    client = client_for(cast.village_worker)
    rows = client.get(reverse("petitions:petition_list")).content.decode()
    marked = re.findall(r'data-petition="(\d+)"(?:(?!</tr>).)*data-testid="sensitive-badge"', rows, re.S)
    assert marked == [str(during.pk)]
    assert 'data-testid="sensitive-banner"' in client.get(
        reverse("petitions:petition_detail", args=[during.pk])).content.decode()
    assert 'data-testid="sensitive-banner"' not in client.get(
        reverse("petitions:petition_detail", args=[before.pk])).content.decode()


def test_bad_period_input_on_the_page_shows_the_error_and_writes_nothing(cast, client_for):
    response = client_for(cast.county_director).post(reverse("petitions:sensitive_periods"), {
        "unit": unit_at(COUNTY).pk, "name": "国庆", "starts_on": today().isoformat(),
        "ends_on": (today() - timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not SensitivePeriod.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------------

def test_meeting_pages_for_the_right_role_and_404_outside(cast, client_for):
    meeting = plan(cast.village_worker)
    worker, outsider = client_for(cast.village_worker), client_for(cast.outsider)
    for name in ("meeting_detail", "meeting_edit"):
        url = reverse(f"petitions:{name}", args=[meeting.pk])
        assert worker.get(url).status_code == 200
        assert outsider.get(url).status_code == 404
    assert outsider.post(reverse("petitions:meeting_step", args=[meeting.pk]),
                         {"action": "cancel", "note": "x", "version": 1}).status_code == 404
    assert "王建国" not in outsider.get(reverse("petitions:meeting_list")).content.decode()
    assert client_for(cast.leader).get(reverse("petitions:meeting_list")).status_code == 200
    assert client_for(cast.leader).get(reverse("petitions:meeting_new")).status_code == 403


def test_a_meeting_is_planned_and_recorded_through_the_pages(cast, client_for):
    client = client_for(cast.village_worker)
    response = client.post(reverse("petitions:meeting_new"), {
        "kind": "appointment", "unit": unit_at(VILLAGE_CODE).pk, "petitioner_name": "王建国",
        "scheduled_on": today().isoformat(), "scheduled_at": "10:00", "place": "接待室", "leader": "站长 刘某"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.leader == "站长 刘某"
    client.post(reverse("petitions:meeting_step", args=[meeting.pk]),
                {"action": "hold", "note": "当面沟通", "outcome": "已解释政策", "version": 1})
    assert Meeting.objects.get().state == "held"
    page = client.get(reverse("petitions:meeting_list") + "?state=held&kind=appointment").content.decode()
    assert "王建国" in page
    assert "王建国" not in client.get(reverse("petitions:meeting_list") + "?state=planned").content.decode()


def test_the_meeting_list_reads_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(12):
        plan(cast.village_worker, petitioner_name=f"信访人{n}", petition=register(cast.village_worker,
                                                                                 subject=f"事项{n}"))
    client = client_for(cast.village_worker)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("petitions:meeting_list")).status_code == 200


def test_the_petition_list_marks_in_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    period(cast.county_director)
    for n in range(3):
        register(cast.village_worker, subject=f"事项{n}")
    client = client_for(cast.village_worker)
    client.get(reverse("petitions:petition_list"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("petitions:petition_list"))
    for n in range(3, 15):
        register(cast.village_worker, subject=f"事项{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # more rows, no more queries
        client.get(reverse("petitions:petition_list"))


def test_published_pages_read_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(8):
        reception_day(cast.county_director, leader_name=f"领导{n}")
        period(cast.county_director, name=f"时段{n}")
    client = client_for(cast.village_worker)
    for name in ("reception_days", "sensitive_periods"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"petitions:{name}")).status_code == 200


def test_the_demo_seeds_meetings_days_a_period_and_a_mediation_once(cast):
    from rongjia.demo.petitions_outreach_seed import seed_mediation, seed_outreach
    from rongjia.petitions.mediation.models import Mediation
    from tests.factories import UserFactory

    UserFactory(username="jn_county", org_unit=unit_at(COUNTY), roles=["centre_director"])
    UserFactory(username="jn_street", org_unit=unit_at(STREET_CODE), roles=["station_worker"])
    register(cast.village_worker)
    assert seed_outreach(county_prefix=HOME_COUNTY) == 5 and seed_mediation(county_prefix=HOME_COUNTY) == 1
    states = sorted(Meeting.objects.values_list("state", flat=True))
    assert states == ["held", "held", "planned", "planned", "planned"]
    assert ReceptionDay.objects.count() == 2 and SensitivePeriod.objects.count() == 1
    case = Mediation.objects.get()
    assert (case.state, case.sessions.count()) == ("agreed", 2)
    assert seed_outreach(county_prefix=HOME_COUNTY) == 0 and seed_mediation(county_prefix=HOME_COUNTY) == 0
