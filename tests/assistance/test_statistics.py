"""Assistance statistics: the figures against a fixture counted by hand, scoping (a village sees its own, a
sibling's data never; ?region outside the scope is 404), the links to the lists, and a query count that does
not grow with the regions or the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rongjia.assistance import funds, services
from rongjia.assistance.models import AidApplication, HardshipKind
from rongjia.assistance.statistics import assistance_statistics
from tests.assistance.conftest import kind_named
from tests.factories import STREET_CODE, VILLAGE2_CODE, VILLAGE_CODE, person_at

S = AidApplication.State
OTHER_STREET_VILLAGE = "320115001001"  # 中前社区, in another street of the county
HOME_STREET, OTHER_STREET = STREET_CODE[:9], OTHER_STREET_VILLAGE[:9]
STATS = reverse("assistance:statistics")


def kind(name):
    return HardshipKind.objects.get(name=name)


def application(person, aid_kind, state, amount, *, fund=None, days=None, registered_days_ago=30):
    """An application as the engine leaves it in `state` (written directly: the figures only read them)."""
    today = timezone.localdate()
    registered = today - timedelta(days=days if days is not None else registered_days_ago)
    granted = state in (S.APPROVED, S.PAID)
    return AidApplication.objects.create(
        person=person, station=person.station, region_code=person.station.region_code, kind=kind_named(aid_kind),
        reason="生活困难", amount_requested=amount, amount_proposed=amount,
        amount_approved=amount if granted else None, state=state, level=3, levels=[5, 4, 3],
        registered_on=registered, approved_on=today if granted else None, fund=fund if granted else None,
        paid_on=today if state == S.PAID else None, payment_method="bank" if state == S.PAID else "")


@pytest.fixture
def world(cast, care_fund):
    """Counted by hand:
    - hardship (open entries): 王建国 (village) 因病 + 因残; 李卫东 (sibling village) 因病; 赵国强 (other street)
      因灾; 孙志明 (village) 因学, closed on review — not counted. People: 3 in the county, 2 in the home street.
    - aid: 王建国 临时救助 ¥2,000 paid 10 days after registering (care fund); 李卫东 临时救助 ¥3,000 approved, not
      paid yet (care fund); 赵国强 大病医疗救助 ¥5,000 paid after 20 days (emergency fund); one under review and
      one refused (not counted). Granted 3, ¥10,000; average days to payment (10 + 20) / 2 = 15.
    - referrals: 王建国's overdue (sent 30 days ago, answer due 15 days ago); 赵国强's awaiting (not due yet);
      李卫东's answered (not open).
    """
    today = timezone.localdate()
    emergency = funds.fund_create(actor=cast.county_director, name="应急救助资金", kind="emergency")
    funds.fund_income(actor=cast.county_director, fund=emergency, source="allocation", amount="20000", on=today)
    wang = person_at(cast.village_worker, name="王建国", seq=11)
    li = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="李卫东", seq=12)
    zhao = person_at(cast.county_director, code=OTHER_STREET_VILLAGE, name="赵国强", seq=13)
    sun = person_at(cast.village_worker, name="孙志明", seq=14)
    since = today - timedelta(days=400)
    for actor, person, name in ((cast.village_worker, wang, "因病"), (cast.village_worker, wang, "因残"),
                                (cast.village2_worker, li, "因病"), (cast.county_director, zhao, "因灾")):
        services.hardship_create(actor=actor, person=person, kind=kind(name), cause="说明", level="serious",
                                 since=since)
    closed = services.hardship_create(actor=cast.village_worker, person=sun, kind=kind("因学"), cause="说明",
                                      level="ordinary", since=since)
    services.hardship_review(actor=cast.village_worker, entry=closed, version=closed.version, level="ordinary",
                             note="子女已工作，脱离困难", closed=True)
    apps = {"wang": application(wang, "临时救助", S.PAID, Decimal("2000"), fund=care_fund, days=10),
            "li": application(li, "临时救助", S.APPROVED, Decimal("3000"), fund=care_fund),
            "zhao": application(zhao, "大病医疗救助", S.PAID, Decimal("5000"), fund=emergency, days=20)}
    application(wang, "应急救助", S.REVIEWING, Decimal("1000"))
    application(li, "临时救助", S.REJECTED, Decimal("800"))
    overdue = services.referral_create(actor=cast.village_worker, person=wang, department="civil", service="低保",
                                       request="申请低保", sent_on=today - timedelta(days=30),
                                       answer_due=today - timedelta(days=15))
    services.referral_create(actor=cast.county_director, person=zhao, department="medical", service="医疗救助",
                             request="申请医疗救助", sent_on=today - timedelta(days=2))
    answered = services.referral_create(actor=cast.village2_worker, person=li, department="civil",
                                        service="临时救助", request="申请", sent_on=today - timedelta(days=5))
    services.referral_transition(actor=cast.village2_worker, referral=answered, action="answer", note="已受理",
                                 data={"outcome": "granted"})
    return {"funds": {"care": care_fund, "emergency": emergency}, "apps": apps, "overdue": overdue}


def rows_by_prefix(figures):
    return {row.prefix: row for row in figures["rows"]}


def by_kind(figures, row) -> dict[str, int]:
    return {k.name: n for k, (n, _link) in zip(figures["kinds"], row.kind_cells, strict=True) if n}


def test_the_countys_figures_match_the_hand_count(cast, world):
    figures = assistance_statistics(cast.county_director)
    total = figures["total"]
    assert figures["region"].code == "320115000000" and figures["prefix"] == "320115"
    assert total.persons == 3 and by_kind(figures, total) == {"因病": 2, "因残": 1, "因灾": 1}
    assert (total.approved, total.paid, total.granted, total.amount) == (1, 2, 3, Decimal("10000.00"))
    assert total.average_days == 15.0
    assert (total.referrals_open, total.referrals_overdue) == (2, 1)

    rows = rows_by_prefix(figures)
    assert "" not in rows  # nothing is registered at the county centre itself
    home, other = rows[HOME_STREET], rows[OTHER_STREET]
    assert (home.persons, by_kind(figures, home)) == (2, {"因病": 2, "因残": 1})
    assert (home.approved, home.paid, home.amount, home.average_days) == (1, 1, Decimal("5000.00"), 10.0)
    assert (home.referrals_open, home.referrals_overdue) == (1, 1)
    assert (other.persons, by_kind(figures, other)) == (1, {"因灾": 1})
    assert (other.approved, other.paid, other.amount, other.average_days) == (0, 1, Decimal("5000.00"), 20.0)
    assert (other.referrals_open, other.referrals_overdue) == (1, 0)
    quiet = [row for prefix, row in rows.items() if prefix not in (HOME_STREET, OTHER_STREET)]
    assert quiet and not any(row.persons or row.granted or row.referrals_open for row in quiet)

    aid = {row.name: row for row in figures["aid_kinds"]}
    assert set(aid) == {"临时救助", "大病医疗救助"}
    assert (aid["临时救助"].approved, aid["临时救助"].paid, aid["临时救助"].amount) == (1, 1, Decimal("5000.00"))
    assert (aid["大病医疗救助"].paid, aid["大病医疗救助"].amount, aid["大病医疗救助"].average_days) == (
        1, Decimal("5000.00"), 20.0)
    by_fund = {row["fund"]: row["figures"] for row in figures["funds"]}
    care, emergency = world["funds"]["care"], world["funds"]["emergency"]
    assert (by_fund[care.pk].granted, by_fund[care.pk].amount) == (2, Decimal("5000.00"))
    assert (by_fund[emergency.pk].granted, by_fund[emergency.pk].amount) == (1, Decimal("5000.00"))
    assert all(row["openable"] for row in figures["funds"])


def test_the_page_shows_the_figures_and_links_them_to_their_lists(cast, client_for, world):
    response = client_for(cast.county_director).get(STATS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="persons">3<' in html and 'data-value="10000.00"' in html
    applications, referrals = reverse("assistance:applications"), reverse("assistance:referrals")
    total = response.context["total"]
    assert total.links["paid"] == f"{applications}?state=paid" and f'href="{applications}?state=paid"' in html
    assert total.links["referrals_overdue"] == f"{referrals}?overdue=1"
    assert total.links["referrals_open"] == f"{referrals}?state=sent"
    illness = kind("因病")
    [(n, link)] = [cell for k, cell in zip(response.context["kinds"], total.kind_cells, strict=True)
                   if k.pk == illness.pk]
    assert n == 2 and link == f"{reverse('assistance:index')}?kind={illness.pk}&state=open"
    temporary = next(row for row in response.context["aid_kinds"] if row.name == "临时救助")
    assert temporary.links["approved"] == f"{applications}?state=approved&kind={kind_named('临时救助').pk}"
    # a region below links to the list narrowed to it, and that list holds exactly the rows counted
    home = rows_by_prefix(response.context)[HOME_STREET]
    assert home.links["paid"] == f"{applications}?state=paid&region={HOME_STREET}"
    client = client_for(cast.county_director)
    assert client.get(home.links["paid"]).context["page"].paginator.count == home.paid
    for count, link in home.kind_cells:
        if link:
            assert link.endswith(f"&region={HOME_STREET}") and client.get(link).context["page"].paginator.count == count
    assert f'href="?region={HOME_STREET}"' in html  # but drills down


def test_the_county_drills_down_to_a_street_as_its_station_sees_it(cast, client_for, world):
    drilled = client_for(cast.county_director).get(STATS, {"region": HOME_STREET})
    own = client_for(cast.street_worker).get(STATS)
    for response in (drilled, own):
        assert response.status_code == 200
        total, rows = response.context["total"], rows_by_prefix(response.context)
        assert (total.persons, total.approved, total.paid, total.amount) == (2, 1, 1, Decimal("5000.00"))
        assert (total.referrals_open, total.referrals_overdue) == (1, 1)
        village, sibling = rows[VILLAGE_CODE], rows[VILLAGE2_CODE]
        assert (village.persons, village.paid, village.approved, village.referrals_overdue) == (1, 1, 0, 1)
        assert (sibling.persons, sibling.paid, sibling.approved, sibling.referrals_open) == (1, 0, 1, 0)
    assert [c.prefix for c in drilled.context["breadcrumb"]] == ["320115"]  # up to the viewer's own, not above
    assert own.context["breadcrumb"] == []
    assert own.context["total"].links["paid"] == f"{reverse('assistance:applications')}?state=paid"
    drilled_link = f"{reverse('assistance:applications')}?state=paid&region={HOME_STREET}"
    assert drilled.context["total"].links["paid"] == drilled_link


def test_a_village_sees_its_own_figures_and_nothing_of_its_sibling(cast, client_for, world):
    response = client_for(cast.village_worker).get(STATS)
    assert response.status_code == 200
    figures = response.context
    total = figures["total"]
    assert figures["rows"] == []  # a village has no region below
    assert (total.persons, by_kind(figures, total)) == (1, {"因病": 1, "因残": 1})
    assert (total.approved, total.paid, total.amount, total.average_days) == (0, 1, Decimal("2000.00"), 10.0)
    assert (total.referrals_open, total.referrals_overdue) == (1, 1)
    assert [row.name for row in figures["aid_kinds"]] == ["临时救助"]
    html = response.content.decode()
    assert "李卫东" not in html and "赵国强" not in html
    assert 'data-value="3000.00"' not in html  # the sibling's approved aid
    sibling = client_for(cast.village2_worker).get(STATS).context["total"]
    assert (sibling.persons, sibling.approved, sibling.paid, sibling.referrals_open) == (1, 1, 0, 0)


@pytest.mark.parametrize("viewer, region", [
    ("village_worker", HOME_STREET), ("village_worker", VILLAGE2_CODE), ("village_worker", "320115"),
    ("street_worker", OTHER_STREET), ("county_director", "320114"), ("county_director", "32"),
    ("county_director", "abc"), ("county_director", "3201150030"), ("county_director", "320115999"),
    ("outsider", "320115"),
])
def test_a_region_outside_the_scope_or_not_a_region_is_404(cast, client_for, world, viewer, region):
    assert client_for(getattr(cast, viewer)).get(STATS, {"region": region}).status_code == 404


def test_who_may_read_the_statistics(cast, client_for, world):
    assert client_for(cast.grid_worker).get(STATS).status_code == 403
    leader = client_for(cast.leader).get(STATS)
    assert leader.status_code == 200 and leader.context["total"].persons == 3
    outsider = client_for(cast.outsider).get(STATS)
    assert outsider.status_code == 200
    total = outsider.context["total"]
    assert (total.persons, total.granted, total.referrals_open) == (0, 0, 0) and not outsider.context["funds"]
    assert "王建国" not in outsider.content.decode()


def _queries(client, **query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STATS, query).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_regions_or_data(cast, client_for, world, care_fund):
    client = client_for(cast.county_director)
    county, street = _queries(client), _queries(client, region=HOME_STREET)
    assert county == street  # a county's 10 streets and a street's 20 villages alike
    today = timezone.localdate()
    for n, code in enumerate(("320115002001", "320115004001", "320115005001", "320115006001", VILLAGE2_CODE)):
        person = person_at(cast.county_director, code=code, name=f"新增{n}", seq=40 + n)
        for name in ("因病", "失业"):
            services.hardship_create(actor=cast.county_director, person=person, kind=kind(name), cause="说明",
                                     level="ordinary", since=today - timedelta(days=10))
        application(person, "应急救助", S.PAID, Decimal("700"), fund=care_fund, days=n)
        application(person, "关爱基金帮扶", S.APPROVED, Decimal("900"), fund=care_fund)
        services.referral_create(actor=cast.county_director, person=person, department="hrss", service="就业",
                                 request="求职", sent_on=today - timedelta(days=20),
                                 answer_due=today - timedelta(days=1))
    assert _queries(client) == county and _queries(client, region=HOME_STREET) == street
    figures = client.get(STATS).context
    assert (figures["total"].persons, figures["total"].granted) == (8, 13)
    assert len([row for row in figures["rows"] if row.persons]) == 6


def test_records_of_the_regions_own_units_have_a_row_of_their_own(cast, client_for, world):
    """A person on the books of the county centre (or the street station) lies in no region below: counted in the
    total and shown on the region's own row, so the rows add up to the total."""
    since = timezone.localdate() - timedelta(days=30)
    at_county = person_at(cast.county_director, code="320115000000", name="钱立新", seq=31)
    at_street = person_at(cast.street_worker, code=STREET_CODE, name="周海波", seq=32)
    for actor, person in ((cast.county_director, at_county), (cast.street_worker, at_street)):
        services.hardship_create(actor=actor, person=person, kind=kind("住房"), cause="说明", level="ordinary",
                                 since=since)
    client = client_for(cast.county_director)
    county = client.get(STATS)
    own = rows_by_prefix(county.context)[""]
    assert (own.persons, county.context["total"].persons) == (1, 5)
    assert rows_by_prefix(county.context)[HOME_STREET].persons == 3  # the street station's person is in its street
    assert sum(row.persons for row in county.context["rows"]) == county.context["total"].persons
    assert b'data-region="own"' in county.content
    street = client.get(STATS, {"region": HOME_STREET}).context
    assert rows_by_prefix(street)[""].persons == 1 and street["total"].persons == 3
