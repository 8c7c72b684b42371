"""The workbench 工作台 at /: every demo account's items, each a count equal to the list its link opens.

The demo accounts are made here as `seed_demo` makes them (same roles, same units of the real 江宁区),
over a little of everything a workbench counts, some of it outside each account's reach.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.urls import resolve
from django.utils import timezone

from rongjia.accounts.models import Role, User
from rongjia.accounts.services import user_update
from rongjia.core import contributions
from rongjia.demo.seed import DemoReport, _demo_accounts
from rongjia.network.models import Rectification
from rongjia.people.books import services as books_services
from rongjia.people.models import ImportJob, Person
from rongjia.petitions.backlog.services import backlog_open_detected
from rongjia.petitions.mailbox.services import feedback_submit
from rongjia.petitions.models import Petition
from rongjia.petitions.services import petition_register
from tests.factories import (
    HOME_COUNTY,
    OUTSIDER_COUNTY,
    VILLAGE2_CODE,
    VILLAGE_CODE,
    person_at,
    unit_at,
    valid_id_number,
)

DEMO = ("jn_county", "jn_street", "jn_village", "jn_village2", "jn_grid", "jn_leader", "nj_city", "sys_admin",
        "js_sys_admin", "sec_admin", "sec_admin2", "audit_admin")


@pytest.fixture
def demo_accounts(db):
    _demo_accounts(HOME_COUNTY, DemoReport())
    return {user.username: user for user in User.objects.filter(username__in=DEMO)}


@pytest.fixture
def things_to_do(cast, demo_accounts):
    """Something for every item, at the demo village, its neighbour and the outsider county."""
    today = timezone.localdate()
    lost = person_at(cast.village_worker, name="失联人", seq=11)
    books_services.status_change_record(actor=cast.village_worker, person=lost, kind="lost", day=today, reason="停机")
    moving = person_at(cast.village_worker, name="迁移人", seq=12)
    books_services.transfer_propose(actor=cast.village_worker, person=moving, to_station=unit_at(VILLAGE2_CODE),
                                     reason="随子女居住")
    person_at(cast.outsider, code=f"{OUTSIDER_COUNTY}000000", name="外县人",
              id_number=valid_id_number(region=OUTSIDER_COUNTY, sequence=13))
    for n, (actor, code, due) in enumerate([(cast.village_worker, VILLAGE_CODE, -3), (cast.village_worker,
                                            VILLAGE_CODE, 2), (cast.village2_worker, VILLAGE2_CODE, -1),
                                            (cast.outsider, f"{OUTSIDER_COUNTY}000000", -5)]):
        petition = petition_register(actor=actor, unit=unit_at(code), channel="letter", type="claim",
                                     category="housing", subject=f"事项{n}", petitioners=[{"name": f"信访人{n}"}])
        Petition.objects.filter(pk=petition.pk).update(due_on=today + timedelta(days=due))
    backlog_open_detected(today)  # the overdue ones become 积案 awaiting a leader; one more qualifies, not yet a case
    late = petition_register(actor=cast.village_worker, unit=unit_at(VILLAGE_CODE), channel="letter", type="claim",
                             category="housing", subject="新逾期事项", petitioners=[{"name": "信访人9"}])
    Petition.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=1))
    feedback_submit(about=unit_at(VILLAGE_CODE), topic="attitude", rating="fairly", content="服务态度一般")
    Rectification.objects.create(unit=unit_at(VILLAGE_CODE), reason="面积不足")
    # jn_village's imports: one checked and ready, one whose columns wait to be confirmed (both wait for the
    # uploader), one imported already (waits for nobody)
    for state in (ImportJob.State.VALID, ImportJob.State.MAPPING, ImportJob.State.DONE):
        ImportJob.objects.create(uploaded_by=User.objects.get(username="jn_village"), file="imports/x.xlsx",
                                 original_name="台账.xlsx", sha256="0" * 64, state=state)
    AccessAttempt.objects.create(username="jn_village2", failures_since_start=settings.AXES_FAILURE_LIMIT,
                                 attempt_time=timezone.now(), ip_address="127.0.0.1", user_agent="test")
    AccessFailureLog.objects.create(username="jn_village2", attempt_time=timezone.now(), ip_address="127.0.0.1",
                                    user_agent="test")
    User.objects.filter(username="village2_worker").update(must_change_password=True)  # not a demo account: it signs in
    user_update(actor=User.objects.get(username="sec_admin"), user=cast.leader, full_name="领导",  # sec_admin2 decides
                org_unit=cast.leader.org_unit, roles=list(Role.objects.filter(code="centre_staff")), is_active=True)


def _list_count(client, url: str) -> int:
    """The number of rows the list at `url` holds, as its page counts them."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "page" in context:
        return context["page"].paginator.count
    return len(context["days"])  # the holiday calendar lists one year's days


@pytest.mark.parametrize("username", DEMO)
def test_every_item_counts_the_list_it_opens(username, demo_accounts, things_to_do, client_for):
    user = demo_accounts[username]
    client = client_for(user)
    response = client.get("/")
    items = response.context["items"]
    assert items, f"{username} has nothing on the workbench"
    for item in items:
        assert resolve(item.url.split("?")[0])  # a real page
        assert item.count == _list_count(client, item.url), f"{username}: {item.key} ({item.url})"
        assert f'href="{item.url.replace("&", "&amp;")}"' in response.content.decode()


def test_each_role_sees_its_own_work(demo_accounts, things_to_do):
    def keys(username):
        return {item.key: item.count for item in contributions.workbench(demo_accounts[username])}

    village = keys("jn_village")
    assert village["petitions_overdue"] == 2 and village["petitions_soon"] == 1  # not the neighbour's, not outside
    assert village["backlog_unassigned"] == 2 and village["backlog_no_progress"] == 0  # the cases are the county's
    assert village["lost"] == 1 and village["rectifications"] == 1 and village["imports"] == 2
    assert keys("jn_village2")["transfers"] == 1  # the receiving station decides
    county = keys("jn_county")
    assert county["petitions_overdue"] == 3 and county["transfers"] == 1 and county["mailbox"] == 1
    assert county["backlog_unassigned"] == 3 and county["backlog_no_progress"] == 2  # 2 cases, 1 not yet one
    # the same, read-only: without the imports and the grid workers' proposals, which are the editors' to act on
    assert keys("jn_leader") == {key: n for key, n in county.items() if key not in ("imports", "status_proposals")}
    assert set(keys("jn_grid")) >= {"lost", "transfers"} and "petitions_overdue" not in keys("jn_grid")
    assert set(keys("sec_admin")) == {"locked", "password_due", "awaiting_approval"}
    assert keys("sec_admin")["locked"] == 1
    assert keys("sec_admin")["awaiting_approval"] == 0 and keys("sec_admin2")["awaiting_approval"] == 1
    assert keys("sec_admin")["password_due"] >= 1
    assert set(keys("audit_admin")) == {"failed_sign_ins", "sensitive_reads"}
    assert set(keys("sys_admin")) == set(keys("js_sys_admin")) == {"holidays"}  # the county reads the province's


def test_the_workbench_is_the_first_screen_and_asks_a_fixed_number_of_queries(
        demo_accounts, things_to_do, client_for, django_assert_max_num_queries):
    client = client_for(demo_accounts["jn_county"])
    for n in range(3):  # more rows of everything cost no more queries
        person_at(User.objects.get(username="jn_county"), name=f"又一人{n}", seq=40 + n)
    # a fixed ceiling, whatever the rows: each module's contribution adds its few counts
    with django_assert_max_num_queries(47):  # benefits and employment: one query each for its counts
        response = client.get("/")
    assert response.status_code == 200 and "工作台" in response.content.decode()
    assert client_for(demo_accounts["jn_village"]).get("/").context["items"][0].url.startswith("/people/")


def test_an_account_without_a_unit_is_told_why(db, client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory(org_unit=None, roles=["station_worker"])).get("/")
    assert response.status_code == 200 and "尚未" in response.content.decode()


def test_the_outsider_counts_nothing_of_ours(cast, things_to_do):
    counts = {item.key: item.count for item in contributions.workbench(cast.outsider)}
    assert counts["petitions_overdue"] == 1 and counts["lost"] == 0 and counts["transfers"] == 0
    assert counts["backlog_no_progress"] == 1  # its own county's 积案 only
    assert Person.objects.filter(status="lost").count() == 1


NEW_LISTS = ("/stations/rectifications/?status=open", "/people/import/jobs/?state=waiting",
             "/people/transfers/?direction=in&state=proposed", "/petitions/?due=overdue", "/petitions/?due=soon",
             "/petitions/?backlog=unassigned", "/petitions/backlog/?progress=missing")


def test_the_lists_the_workbench_opens_are_scoped_bounded_and_shrug_off_bad_filters(
        cast, demo_accounts, things_to_do, client_for, django_assert_max_num_queries):
    county = client_for(demo_accounts["jn_county"])
    for url in NEW_LISTS:
        with django_assert_max_num_queries(30):
            assert county.get(url).status_code == 200, url
    for bogus in ("/stations/rectifications/?status=x", "/people/import/jobs/?state=x",
                  "/people/transfers/?state=x", "/petitions/?due=x", "/petitions/backlog/?progress=x",
                  "/accounts/users/?state=x"):
        client = client_for(demo_accounts["sec_admin"]) if bogus.startswith("/accounts") else county
        assert client.get(bogus).status_code == 200, bogus  # an unknown value filters nothing
    outsider = client_for(cast.outsider)
    assert _list_count(outsider, "/stations/rectifications/?status=open") == 0  # the village's is not theirs
    assert _list_count(outsider, "/petitions/?due=overdue") == 1  # only the outsider county's own
    assert _list_count(client_for(cast.village_worker), "/people/import/jobs/") == 0  # jn_village's jobs only
    assert _list_count(client_for(demo_accounts["jn_village"]), "/people/import/jobs/") == 3
    assert _list_count(client_for(demo_accounts["jn_village"]), "/people/import/jobs/?state=waiting") == 2
    assert client_for(demo_accounts["jn_grid"]).get("/people/import/jobs/").status_code == 403  # no people.import
