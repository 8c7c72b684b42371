"""Network statistics, standards and the station list's fact filters (SPEC C1).

The acceptance points of the issue: the statistics equal a direct count of the station
table for every region; standards flag exactly the units below them; the list's filters and
its export agree row for row; every page keeps to the viewer's scope; queries are bounded.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.core.models import OrgUnit, Region
from rongjia.core.regions import PREFIX_LENGTH
from rongjia.demo.network_reference import load_network_reference
from rongjia.network.facts import network_stats, unit_facts
from rongjia.network.models import ChecklistEntry, ChecklistItem, StaffMember, Standard, StationProfile
from tests.factories import (
    STREET_CODE,
    VILLAGE2_CODE,
    VILLAGE_CODE,
    StaffMemberFactory,
    StandardFactory,
    UserFactory,
    unit_at,
)

MAIN = (OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION)
COUNTY_CODE, CITY_CODE, PROVINCE_CODE = "320115000000", "320100000000", "320000000000"
OTHER_STREET_VILLAGE = "320115001001"  # a village of another street than 汤山
TODAY = timezone.localdate


@pytest.fixture
def province(db):
    """A province-level director: sees 江宁区 and 雨花台区, and the city and province above them."""
    return UserFactory(org_unit=unit_at(PROVINCE_CODE), roles=["centre_director"])


@pytest.fixture
def reference(db):
    """Jiangning's 五有 list and its standards: county ≥150 m² and 15 staff, street ≥100, village ≥50."""
    load_network_reference("320115")


def prefix_of(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[level]]


def direct_counts(prefix: str) -> tuple[int, dict, dict]:
    """Straight from the station table: units, main units by level, units by kind."""
    units = OrgUnit.objects.filter(region_code__startswith=prefix)
    by_level = dict(units.filter(kind__in=MAIN).values_list("level").annotate(n=Count("id")).order_by())
    by_kind = dict(units.values_list("kind").annotate(n=Count("id")).order_by())
    return units.count(), by_level, by_kind


def counts_of(row) -> tuple[int, dict, dict]:
    return row.units, row.by_level, row.by_kind


def profile(code: str, area, *, posts=None, funding=None) -> StationProfile:
    return StationProfile.objects.create(unit=unit_at(code), area_m2=Decimal(str(area)) if area is not None else None,
                                         established_posts=posts, annual_funding=funding)


def five_have_items() -> dict[int, ChecklistItem]:
    return {i.position: i for i in ChecklistItem.objects.filter(kind="five_have", jurisdiction_code="320115")}


def tick(code: str, positions, *, evidence: bool = True, met: bool = True) -> None:
    """Jiangning 五有 entries for a unit; a met item counts only with its evidence."""
    items = five_have_items()
    for position in positions:
        ChecklistEntry.objects.update_or_create(
            unit=unit_at(code), item=items[position],
            defaults={"met": met, "evidence": "evidence/2026/01/photo.png" if evidence else ""},
        )


def staff(code: str, *, full_time=0, part_time=0, veterans=0, inactive=0) -> None:
    unit = unit_at(code)
    for n in range(full_time + part_time):
        StaffMemberFactory(unit=unit, employment="full_time" if n < full_time else "part_time",
                           is_veteran=n < veterans)
    for _n in range(inactive):
        StaffMemberFactory(unit=unit, active=False, is_veteran=True)


def main_names(prefix: str, *, but=()) -> set[str]:
    units = OrgUnit.objects.filter(region_code__startswith=prefix, kind__in=MAIN).exclude(region_code__in=but)
    return set(units.values_list("name", flat=True))


def all_pages(client, url: str) -> list[str]:
    """The unit names of every page of a list, in order."""
    names, number = [], 1
    while True:
        page = client.get(f"{url}&page={number}").context["page"]
        names += [u.name for u in page.object_list]
        if not page.has_next():
            return names
        number += 1


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


# --- a. statistics equal the station table ------------------------------------------------

def test_statistics_equal_the_station_table_for_every_region(province):
    regions = list(Region.objects.filter(code__startswith="320115").order_by("code"))
    assert len(regions) == 1 + 15 + 212
    regions += list(Region.objects.filter(code__in=[PROVINCE_CODE, CITY_CODE]))
    for region in regions:
        total, children = network_stats(province, region=region.code)
        assert counts_of(total) == direct_counts(region.prefix), region
        expected_children = list(Region.objects.filter(parent=region).order_by("code").values_list("code", flat=True))
        assert [row.code for row in children] == expected_children, region
        for row in children:
            assert counts_of(row) == direct_counts(prefix_of(row.code, row.level)), row.code


def test_statistics_anchor_on_the_known_numbers(province, cast):
    total, streets = network_stats(cast.county_director)
    assert (total.code, total.units) == (COUNTY_CODE, 1 + 15 + 212 + 1)
    assert total.by_level == {3: 1, 4: 15, 5: 212} and total.by_kind[OrgUnit.Kind.RESIDENT] == 1
    assert len(streets) == 15 and sum(row.units for row in streets) == total.units - 1  # less the county centre
    city, counties = network_stats(province, region="3201")
    assert {row.code for row in counties} == {"320114000000", COUNTY_CODE}  # the province sees 雨花台区 too
    yuhuatai = next(row for row in counties if row.code == "320114000000")
    assert yuhuatai.units == direct_counts("320114")[0] > 0
    assert city.units == 1 + sum(row.units for row in counties)  # and the city centre itself


def test_the_page_shows_the_same_numbers_and_links_each_child(cast, client_for):
    client = client_for(cast.county_director)
    response = client.get("/network/stats/")
    assert response.status_code == 200
    total, lines = response.context["total"], response.context["lines"]
    assert counts_of(total.row) == direct_counts("320115")
    assert [line.prefix for line in lines] == [c[:9] for c in Region.objects.filter(
        parent__code=COUNTY_CODE).order_by("code").values_list("code", flat=True)]
    body = response.content.decode()
    for line in lines:
        assert f'href="?region={line.prefix}"' in body
    street = client.get("/network/stats/?region=320115003").context
    assert counts_of(street["total"].row) == direct_counts("320115003")
    assert len(street["lines"]) == Region.objects.filter(parent__code=STREET_CODE).count()
    assert [r.code for r in street["breadcrumb"]] == [COUNTY_CODE]  # back up, but no higher than the viewer


def test_breadcrumb_reaches_up_to_the_viewers_own_region(province, cast, client_for):
    village = client_for(province).get(f"/network/stats/?region={VILLAGE_CODE}").context
    assert [r.code for r in village["breadcrumb"]] == [PROVINCE_CODE, CITY_CODE, COUNTY_CODE, STREET_CODE]
    assert village["lines"] == [] and village["total"].row.units == 1
    own = client_for(cast.street_worker).get(f"/network/stats/?region={VILLAGE_CODE}").context
    assert [r.code for r in own["breadcrumb"]] == [STREET_CODE]


@pytest.fixture
def network_facts(reference):
    """Profiles, staff and 五有 entries in a few units of both counties."""
    profile("320115000000", 180, posts=12, funding=Decimal("500000.00"))
    profile(STREET_CODE, "100.5", posts=3, funding=Decimal("80000.50"))
    profile(VILLAGE_CODE, 50, funding=Decimal("12000"))
    profile(VILLAGE2_CODE, "49.9", posts=1)
    profile(OTHER_STREET_VILLAGE, None, posts=2)
    profile("320114000000", 300, posts=20, funding=Decimal("900000"))
    staff("320115000000", full_time=10, part_time=4, veterans=5, inactive=2)
    staff(STREET_CODE, full_time=2, part_time=1, veterans=1)
    staff(VILLAGE_CODE, part_time=3)
    staff("320114000000", full_time=3, veterans=3)
    tick(VILLAGE_CODE, [1, 2, 3, 4, 5])
    tick(VILLAGE2_CODE, [1, 3, 4, 5])
    tick(VILLAGE2_CODE, [2], evidence=False)  # met, but without its photo: not counted
    tick(STREET_CODE, [1, 2, 3, 4])
    tick(STREET_CODE, [5], met=False)  # a photo of something not met: not counted
    tick(OTHER_STREET_VILLAGE, [1, 2, 3, 4, 5])


def direct_sums(prefix: str) -> dict:
    profiles = StationProfile.objects.filter(unit__region_code__startswith=prefix).aggregate(
        area=Sum("area_m2"), funding=Sum("annual_funding"), posts=Sum("established_posts"))
    active = StaffMember.objects.filter(unit__region_code__startswith=prefix, active=True)
    complete = ChecklistEntry.objects.filter(
        unit__region_code__startswith=prefix, item__kind="five_have", met=True,
    ).filter(~Q(evidence="") | Q(item__needs_evidence=False))
    all_five = complete.values("unit").annotate(n=Count("id")).filter(n=5).count()
    return {
        "area": profiles["area"] or 0, "funding": profiles["funding"] or 0, "posts": profiles["posts"] or 0,
        "full_time": active.filter(employment="full_time").count(),
        "part_time": active.filter(employment="part_time").count(),
        "veterans": active.filter(is_veteran=True).count(),
        "five_have_each": dict(complete.values_list("item__position").annotate(n=Count("id")).order_by()),
        "five_have_all": all_five,
    }


def sums_of(row) -> dict:
    return {"area": row.area_m2, "funding": row.funding, "posts": row.established_posts,
            "full_time": row.full_time, "part_time": row.part_time, "veterans": row.veterans,
            "five_have_each": row.five_have_each, "five_have_all": row.five_have_all}


@pytest.mark.parametrize("code", [PROVINCE_CODE, CITY_CODE, COUNTY_CODE, "320114000000", STREET_CODE,
                                  "320115001000", VILLAGE_CODE, VILLAGE2_CODE])
def test_sums_equal_direct_aggregates(province, network_facts, code):
    region = Region.objects.get(code=code)
    total, children = network_stats(province, region=code)
    assert sums_of(total) == direct_sums(region.prefix)
    for row in children:
        assert sums_of(row) == direct_sums(prefix_of(row.code, row.level)), row.code


def test_known_sums_of_the_county(cast, network_facts):
    total, streets = network_stats(cast.county_director)
    assert total.area_m2 == Decimal("380.4") and total.funding == Decimal("592000.50")
    assert (total.full_time, total.part_time, total.veterans) == (12, 8, 6)
    assert total.five_have_each == {1: 4, 2: 3, 3: 4, 4: 4, 5: 3} and total.five_have_all == 2
    # Jiangning's list applies to every centre and station of the county; the 派驻站 is not measured by the 五有
    assert total.with_five_have_list == sum(total.by_level.values()) == total.units - 1
    tangshan = next(row for row in streets if row.code == STREET_CODE)
    assert tangshan.five_have_all == 1 and tangshan.veteran_share == pytest.approx(1 / 6)


def test_the_page_marks_a_low_veteran_share_and_charts_coverage(cast, client_for, network_facts):
    context = client_for(cast.county_director).get("/network/stats/").context
    assert [name for _p, name in context["five_have_items"]] == ["有机构", "有编制", "有人员", "有经费", "有保障"]
    tangshan = next(line for line in context["lines"] if line.row.code == STREET_CODE)
    assert tangshan.veterans_low and tangshan.veteran_share == 17
    assert tangshan.five_have_all == (1, round(100 / len(main_names("320115003"))))  # of its centres and stations
    assert context["total"].veterans_low and context["total"].veteran_share == 30  # 6 of 20
    no_staff = next(line for line in context["lines"] if line.row.code == "320115001000")
    assert no_staff.veteran_share is None and not no_staff.veterans_low
    assert len(context["chart"]["labels"]) == 15 and max(context["chart"]["values"]) > 0


def test_the_statistics_export_is_the_same_table(cast, client_for, network_facts):
    rows = sheet_rows(client_for(cast.county_director).get("/network/stats/export.xlsx?region=320115"))
    header, total, *streets = rows
    assert len(streets) == 15
    assert total[:3] == (COUNTY_CODE, "江宁区", direct_counts("320115")[0])
    assert header.index("有机构") > 0
    assert total[header.index("有机构")] == 4
    assert {row[0]: row[2] for row in streets} == {
        code: direct_counts(code[:9])[0]
        for code in Region.objects.filter(parent__code=COUNTY_CODE).values_list("code", flat=True)}


# --- b. standards flag exactly what they should --------------------------------------------

def facts_of(*codes, on=None):
    units = [unit_at(code) for code in codes]
    found = unit_facts(units, on=on)
    return [found[u.pk] for u in units]


def test_exactly_at_the_threshold_is_not_below(reference):
    profile(VILLAGE_CODE, "50.0")
    profile(VILLAGE2_CODE, "49.9")
    at, below = facts_of(VILLAGE_CODE, VILLAGE2_CODE)
    assert at.standard.min_area_m2 == 50 and not at.below_standard
    assert below.below_standard and len(below.shortfalls) == 1


def test_an_unreported_area_is_below(reference):
    (village,) = facts_of(VILLAGE_CODE)
    assert village.below_standard


def test_a_future_standard_flags_only_from_its_date(reference):
    profile(VILLAGE_CODE, 55)
    later = TODAY() + timedelta(days=30)
    StandardFactory(jurisdiction_code="320115", level=5, min_area_m2=60, effective_from=later)
    (today,) = facts_of(VILLAGE_CODE)
    assert not today.below_standard and today.standard.effective_from == date(2019, 7, 1)
    (eve,) = facts_of(VILLAGE_CODE, on=later - timedelta(days=1))
    assert not eve.below_standard
    (then,) = facts_of(VILLAGE_CODE, on=later)
    assert then.below_standard and then.standard.min_area_m2 == 60


def test_a_streets_own_standard_overrides_the_countys_newer_one(reference):
    # 汤山街道 set 40 m² for its villages in January 2019; the county's 50 m² came in July 2019.
    StandardFactory(jurisdiction_code="320115003", level=5, min_area_m2=40, effective_from=date(2019, 1, 1))
    profile(VILLAGE_CODE, 45)
    profile(OTHER_STREET_VILLAGE, 45)
    tangshan_village, other_village = facts_of(VILLAGE_CODE, OTHER_STREET_VILLAGE)
    assert tangshan_village.standard.jurisdiction_code == "320115003" and not tangshan_village.below_standard
    assert other_village.standard.jurisdiction_code == "320115" and other_village.below_standard


def test_a_countys_own_standard_overrides_its_citys_newer_one(reference):
    StandardFactory(jurisdiction_code="3201", level=3, min_area_m2=200, min_staff=None, effective_from=date(2024, 1, 1))
    for code in (COUNTY_CODE, "320114000000"):
        profile(code, 160)
        staff(code, full_time=15)
    jiangning, yuhuatai = facts_of(COUNTY_CODE, "320114000000")
    assert jiangning.standard.jurisdiction_code == "320115" and not jiangning.below_standard
    assert yuhuatai.standard.jurisdiction_code == "3201" and yuhuatai.below_standard  # no own standard there


def test_too_few_staff_is_below(reference):
    profile(COUNTY_CODE, 150)
    staff(COUNTY_CODE, full_time=10, part_time=4, inactive=3)  # those no longer in post don't count
    (county,) = facts_of(COUNTY_CODE)
    assert county.staff == 14 and county.below_standard and len(county.shortfalls) == 1
    staff(COUNTY_CODE, part_time=1)
    (county,) = facts_of(COUNTY_CODE)
    assert county.staff == 15 and not county.below_standard


def test_the_statistics_count_the_units_below_standard(cast, reference):
    profile(VILLAGE_CODE, 50)
    profile(VILLAGE2_CODE, "49.9")
    profile(STREET_CODE, 100)
    total, _streets = network_stats(cast.street_worker)
    # every main unit of 汤山 has no area reported but 古泉 (at the standard) and the street station
    assert total.below_standard == len(main_names("320115003")) - 2


# --- c. the list's filters and its export ---------------------------------------------------

def names_listed(client, query: str) -> set[str]:
    response = client.get(f"/stations/?{query}")
    assert response.status_code == 200
    page = response.context["page"]
    assert not page.has_next()
    return {u.name for u in page.object_list}


def test_below_standard_lists_exactly_the_flagged_units(cast, client_for, reference):
    profile(VILLAGE_CODE, 50)
    profile(VILLAGE2_CODE, "49.9")
    profile(STREET_CODE, 100)
    client = client_for(cast.street_worker)
    meeting = {unit_at(VILLAGE_CODE).name, unit_at(STREET_CODE).name}
    flagged = main_names("320115003") - meeting
    assert unit_at(VILLAGE2_CODE).name in flagged
    assert names_listed(client, "below_standard=yes") == flagged
    assert names_listed(client, "below_standard=no") == meeting
    assert client.get("/stations/count?below_standard=yes").json() == {"count": len(flagged)}
    # the facts filter combines with the others
    assert names_listed(client, "below_standard=yes&level=street") == set()
    assert names_listed(client, "below_standard=yes&q=高庄") == {unit_at(VILLAGE2_CODE).name}


def test_five_have_filters(cast, client_for, reference):
    tick(VILLAGE_CODE, [1, 2, 3, 4, 5])
    tick(VILLAGE2_CODE, [1, 3, 4, 5])
    tick(VILLAGE2_CODE, [2], evidence=False)
    tick(STREET_CODE, [1, 2, 3, 4])
    client = client_for(cast.street_worker)
    guquan, gaozhuang, street = (unit_at(c).name for c in (VILLAGE_CODE, VILLAGE2_CODE, STREET_CODE))
    assert names_listed(client, "five_have=complete") == {guquan}
    assert names_listed(client, "five_have=missing") == main_names("320115003") - {guquan}
    assert names_listed(client, "five_have=2") == main_names("320115003") - {guquan, street}
    assert names_listed(client, "five_have=5") == main_names("320115003") - {guquan, gaozhuang}
    # an unknown value is dropped, not an error
    assert client.get("/stations/?five_have=9&below_standard=maybe").context["page"].paginator.count == \
        OrgUnit.objects.filter(region_code__startswith="320115003").count()


def test_the_filter_names_the_viewers_own_five_haves(cast, client_for, reference):
    choices = dict(client_for(cast.village_worker).get("/stations/").context["form"].fields["five_have"].choices)
    assert "有编制" in str(choices["2"])


def test_the_export_of_a_filtered_list_has_the_pages_rows(cast, client_for, reference):
    profile(VILLAGE_CODE, 50)
    profile(VILLAGE2_CODE, "49.9")
    staff(VILLAGE2_CODE, full_time=1, part_time=2, veterans=1)
    tick(VILLAGE2_CODE, [1, 3, 4])
    client = client_for(cast.county_director)
    query = "below_standard=yes&five_have=missing&sort=-name"
    listed = all_pages(client, f"/stations/?{query}")
    assert len(listed) > 100  # several pages
    header, *rows = sheet_rows(client.get(f"/stations/export.xlsx?{query}"))
    assert [row[1] for row in rows] == listed and len(header) == 13
    cells = next(row for row in rows if row[0] == VILLAGE2_CODE)[7:]
    assert cells[:5] == (49.9, 1, 2, 1, 3)  # area, full-time, part-time, veterans, 五有 met
    assert "49.9" in cells[5] and "50" in cells[5]  # the reason, with both numbers
    assert VILLAGE_CODE not in {row[0] for row in rows}  # at the standard: not in this list


def test_the_unfiltered_export_still_has_every_unit(cast, client_for):
    _header, *rows = sheet_rows(client_for(cast.county_director).get("/stations/export.xlsx"))
    assert len(rows) == direct_counts("320115")[0]


# --- d. scope and capabilities ---------------------------------------------------------------

@pytest.mark.parametrize("viewer, region", [
    ("outsider", "320115000000"), ("outsider", "320115"), ("outsider", "320115003"), ("outsider", STREET_CODE),
    ("village_worker", "320115000000"), ("village_worker", STREET_CODE), ("village_worker", VILLAGE2_CODE),
    ("street_worker", "320115"), ("county_director", CITY_CODE), ("county_director", "320114"),
    ("county_director", "abc"), ("county_director", "3201150030041"),
])
def test_a_region_outside_the_scope_is_404(cast, client_for, viewer, region):
    client = client_for(getattr(cast, viewer))
    assert client.get(f"/network/stats/?region={region}").status_code == 404
    assert client.get(f"/network/stats/export.xlsx?region={region}").status_code == 404


def test_each_viewer_reads_their_own_subtree(cast, client_for):
    for viewer, prefix in [("village_worker", VILLAGE_CODE), ("street_worker", "320115003"),
                           ("leader", "320115"), ("outsider", "320114")]:
        response = client_for(getattr(cast, viewer)).get("/network/stats/")
        assert response.status_code == 200
        assert counts_of(response.context["total"].row) == direct_counts(prefix), viewer
    assert client_for(cast.street_worker).get(f"/network/stats/?region={VILLAGE2_CODE}").status_code == 200


def test_administrators_get_neither_page(cast, client_for):
    for admin in (cast.auditor, cast.security_admin, cast.system_admin):
        client = client_for(admin)
        assert client.get("/network/stats/").status_code == 403
        assert client.get("/network/stats/export.xlsx").status_code == 403
        assert client.get("/network/standards/").status_code == 403


def test_navigation_shows_the_pages_by_capability(cast, client_for):
    def labels(user):
        return {str(item["url"]) for item in client_for(user).get("/stations/").context["nav_items"]}
    assert {"/network/stats/", "/network/standards/"} <= labels(cast.county_director)
    assert "/network/stats/" in labels(cast.leader) and "/network/standards/" not in labels(cast.leader)


# --- the standards page ------------------------------------------------------------------------

def standard_form(**changes) -> dict:
    data = {"jurisdiction_code": "320115", "level": "5", "min_area_m2": "60", "min_staff": "",
            "effective_from": (TODAY() + timedelta(days=10)).isoformat(), "note": "区政府文件"}
    return {**data, **changes}


def test_a_director_adds_a_standard(cast, client_for):
    client = client_for(cast.county_director)
    response = client.post("/network/standards/", standard_form(jurisdiction_code=STREET_CODE, level="4",
                                                                 min_area_m2="", min_staff="3"))
    assert response.status_code == 302
    standard = Standard.objects.get()
    # a street's 12-digit code names the street's subtree by its prefix
    assert (standard.jurisdiction_code, standard.level, standard.min_area_m2, standard.min_staff) == \
        ("320115003", 4, None, 3)
    assert standard.created_by == cast.county_director and standard.note == "区政府文件"


@pytest.mark.parametrize("changes, field", [
    ({"min_area_m2": "", "min_staff": ""}, None),  # no minimum at all
    ({"jurisdiction_code": "320114"}, "jurisdiction_code"),  # the neighbour county
    ({"jurisdiction_code": "3201"}, "jurisdiction_code"),  # above the director's own county
    ({"jurisdiction_code": "3201159"}, "jurisdiction_code"),  # no such region
    ({"jurisdiction_code": "32011a"}, "jurisdiction_code"),
    ({"jurisdiction_code": STREET_CODE, "level": "3"}, "level"),  # no county centre inside a street
    ({"level": "1"}, "level"),  # nor a province centre inside a county
    ({"level": ""}, "level"),
    ({"min_area_m2": "-1"}, "min_area_m2"),
    ({"effective_from": "not a date"}, "effective_from"),
])
def test_bad_standards_are_refused_and_nothing_is_saved(cast, client_for, changes, field):
    response = client_for(cast.county_director).post("/network/standards/", standard_form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (field or "__all__") in errors, errors
    assert not Standard.objects.exists()


def test_the_same_day_twice_is_refused(cast, client_for):
    client = client_for(cast.county_director)
    assert client.post("/network/standards/", standard_form()).status_code == 302
    response = client.post("/network/standards/", standard_form(min_area_m2="70"))
    assert response.status_code == 200 and response.context["form"].errors
    assert Standard.objects.get().min_area_m2 == 60


def test_the_list_shows_the_standards_bearing_on_the_jurisdiction(cast, client_for):
    future = TODAY() + timedelta(days=30)
    old = StandardFactory(jurisdiction_code="320115", level=5, effective_from=date(2019, 7, 1))
    new = StandardFactory(jurisdiction_code="320115", level=5, min_area_m2=60, effective_from=date(2023, 1, 1))
    coming = StandardFactory(jurisdiction_code="320115", level=5, min_area_m2=70, effective_from=future)
    city = StandardFactory(jurisdiction_code="3201", level=4, min_area_m2=90)
    country = StandardFactory(jurisdiction_code="", level=4, min_area_m2=80)
    street = StandardFactory(jurisdiction_code="320115003", level=5, min_area_m2=45)
    other_street = StandardFactory(jurisdiction_code="320115001", level=5, min_area_m2=45)
    neighbour = StandardFactory(jurisdiction_code="320114", level=5, min_area_m2=45)
    listed = {s.pk: s for s in client_for(cast.county_director).get("/network/standards/").context["standards"]}
    assert set(listed) == {old.pk, new.pk, coming.pk, city.pk, country.pk, street.pk, other_street.pk}
    assert (listed[city.pk].jurisdiction_name, listed[street.pk].jurisdiction_name) == ("南京市", "汤山街道")
    assert neighbour.pk not in listed
    assert [listed[s.pk].status for s in (old, new, coming, city)] == ["superseded", "in_force", "future", "in_force"]
    assert listed[coming.pk].can_withdraw and not listed[new.pk].can_withdraw
    # centre staff of 汤山 see their own and what is above them, not a neighbouring street's
    tangshan_staff = UserFactory(org_unit=unit_at(STREET_CODE), roles=["centre_staff"])
    listed = {s.pk for s in client_for(tangshan_staff).get("/network/standards/").context["standards"]}
    assert listed == {old.pk, new.pk, coming.pk, city.pk, country.pk, street.pk}


def test_only_a_future_standard_is_withdrawn(cast, client_for):
    in_force = StandardFactory(jurisdiction_code="320115", level=5)
    future = StandardFactory(jurisdiction_code="320115", level=5, effective_from=TODAY() + timedelta(days=5))
    client = client_for(cast.county_director)
    assert client.get(f"/network/standards/{future.pk}/withdraw").status_code == 405
    assert client.post(f"/network/standards/{in_force.pk}/withdraw").status_code == 302
    assert client.post(f"/network/standards/{future.pk}/withdraw").status_code == 302
    assert list(Standard.objects.all()) == [in_force]


def test_a_standard_above_or_beside_the_jurisdiction_cannot_be_withdrawn(cast, client_for):
    later = TODAY() + timedelta(days=5)
    city = StandardFactory(jurisdiction_code="3201", level=5, effective_from=later)
    neighbour = StandardFactory(jurisdiction_code="320114", level=5, effective_from=later)
    ours = StandardFactory(jurisdiction_code="320115", level=5, effective_from=later)
    director = client_for(cast.county_director)
    assert director.post(f"/network/standards/{city.pk}/withdraw").status_code == 403  # seen, not theirs
    assert director.post(f"/network/standards/{neighbour.pk}/withdraw").status_code == 404
    assert client_for(cast.outsider).post(f"/network/standards/{ours.pk}/withdraw").status_code == 404
    assert director.post("/network/standards/99999/withdraw").status_code == 404
    assert Standard.objects.count() == 3


def test_the_read_only_leader_reads_statistics_but_sets_no_standard(cast, client_for):
    future = StandardFactory(jurisdiction_code="320115", level=5, effective_from=TODAY() + timedelta(days=5))
    client = client_for(cast.leader)
    assert client.get("/network/stats/").status_code == 200
    assert client.get("/network/stats/export.xlsx").status_code == 200
    assert client.get("/network/standards/").status_code == 403
    assert client.post("/network/standards/", standard_form()).status_code == 403
    assert client.post(f"/network/standards/{future.pk}/withdraw").status_code == 403
    assert list(Standard.objects.all()) == [future]
    # a station worker may edit their station but sets no standard either
    assert client_for(cast.street_worker).post("/network/standards/", standard_form()).status_code == 403


# --- e. bounded queries ----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/network/stats/", "/network/stats/?region=320115003", "/network/stats/export.xlsx",
    "/stations/?below_standard=yes&five_have=missing", "/stations/?five_have=complete&level=village",
    "/stations/export.xlsx?below_standard=yes", "/stations/count?five_have=2", "/network/standards/",
])
@pytest.mark.parametrize("viewer", ["county_director", "province"])
def test_queries_are_bounded(cast, province, client_for, django_assert_max_num_queries, network_facts,
                             viewer, url):
    user = province if viewer == "province" else getattr(cast, viewer)
    StandardFactory(jurisdiction_code="320115003", level=5, min_area_m2=45)
    client = client_for(user)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
