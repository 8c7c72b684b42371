"""Who edits which reference data (issue 15, finding 6), and names a spreadsheet would run (finding 5).

A system administrator edits regions inside its own subtree only, and below the county: the regions
of GB/T 2260 (province, city, county) and the country-wide lists (categories, tags, holidays) are one
table for every county, changed only by an administrator whose unit is at province level.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core import services
from rongjia.core.models import CalendarDay, Region
from rongjia.people.models import Category, Tag
from rongjia.people.services_reference import reference_save
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, STREET_CODE, UserFactory, unit_at

CITY, PROVINCE = "320100000000", "320000000000"


@pytest.fixture
def province_admin(db):
    """A system administrator of the province's unit (not in the shared cast: only these tests need one)."""
    return UserFactory(username="province_sys_admin", org_unit=unit_at(PROVINCE), roles=["sys_admin"])


def test_a_county_administrator_reaches_no_region_outside_its_county(cast, client_for):
    client = client_for(cast.system_admin)  # 江宁区
    for code in (CITY, PROVINCE, OUTSIDER_COUNTY + "000000", OUTSIDER_COUNTY + "003000"):
        assert client.get(f"/reference/regions/{code}/edit").status_code == 404, code
        assert client.post(f"/reference/regions/{code}/edit", {"name": "x", "valid_to": "2026-06-30"}
                           ).status_code == 404, code
    assert not Region.objects.filter(name="x").exists() and not Region.objects.filter(valid_to__isnull=False).exists()
    with pytest.raises(Http404):
        services.region_update(actor=cast.system_admin, region=Region.objects.get(code=CITY), name="x")
    for query in ("?q=南京", "?level=city", "?q=3201", "?level=county"):
        codes = [r.code for r in client.get("/reference/regions/" + query).context["page"].object_list]
        assert all(code.startswith(HOME_COUNTY) for code in codes), (query, codes)
    assert [r.code for r in client.get("/reference/regions/?level=county").context["page"].object_list] == [
        HOME_COUNTY + "000000"]


def test_a_city_administrator_edits_its_counties_but_not_the_city(cast, client_for):
    city_admin = UserFactory(username="city_sys_admin", org_unit=unit_at("320100000000"), roles=["sys_admin"])
    client = client_for(city_admin)
    assert client.get("/reference/regions/320100000000/edit").status_code == 403
    assert client.post("/reference/regions/320100000000/edit", {"name": "x", "valid_to": ""}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.region_update(actor=city_admin, region=Region.objects.get(code="320100000000"), name="x")
    assert Region.objects.get(code="320100000000").name == "南京市"
    assert client.post(f"/reference/regions/{HOME_COUNTY}000000/edit", {"name": "江宁新区", "valid_to": ""}
                       ).status_code == 302
    assert Region.objects.get(code=HOME_COUNTY + "000000").name == "江宁新区"


def test_a_county_administrator_edits_its_own_county_and_below(cast, client_for):
    client = client_for(cast.system_admin)
    assert client.post(f"/reference/regions/{STREET_CODE}/edit", {"name": "汤山新街道", "valid_to": ""}
                       ).status_code == 302
    assert Region.objects.get(code=STREET_CODE).name == "汤山新街道"
    assert client.get(f"/reference/regions/{HOME_COUNTY}000000/edit").status_code == 200


def test_the_region_list_offers_only_what_the_administrator_may_edit(cast, client_for, province_admin):
    city_admin = UserFactory(username="city_sys_admin", org_unit=unit_at("320100000000"), roles=["sys_admin"])
    city_page = client_for(city_admin).get("/reference/regions/?q=南京").content.decode()
    assert "/reference/regions/320100000000/edit" not in city_page
    province_page = client_for(province_admin).get("/reference/regions/?q=南京").content.decode()
    assert "/reference/regions/320100000000/edit" in province_page
    county_page = client_for(cast.system_admin).get("/reference/regions/?q=江宁").content.decode()
    assert f"/reference/regions/{HOME_COUNTY}000000/edit" in county_page  # its own county, as it may


def test_country_wide_reference_data_is_edited_at_province_level(cast, client_for, province_admin):
    county = client_for(cast.system_admin)
    assert county.get("/people/reference/").status_code == 200  # reads the lists
    assert county.get("/people/reference/category/new").status_code == 403
    assert county.post("/people/reference/category/new", {"name": "新类别", "position": 30}).status_code == 403
    assert county.post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest", "name": "国庆节"}
                       ).status_code == 403
    assert county.get("/reference/holidays/?year=2026").status_code == 200  # reads the table
    with pytest.raises(PermissionDenied):
        reference_save(actor=cast.system_admin, kind="tag", fields={"kind": "identity", "name": "新标签"})
    with pytest.raises(PermissionDenied):
        services.calendar_day_save(actor=cast.system_admin, day=date(2027, 10, 1), kind="rest")
    with pytest.raises(PermissionDenied):
        services.calendar_day_remove(actor=cast.system_admin, day=date(2026, 10, 1))
    assert not Category.objects.filter(name="新类别").exists() and not Tag.objects.filter(name="新标签").exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert CalendarDay.objects.filter(date=date(2026, 10, 1)).exists()

    province = client_for(province_admin)
    assert province.post("/people/reference/category/new", {"name": "新类别", "position": 30}).status_code == 302
    assert province.post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest", "name": "国庆节"}
                         ).status_code == 302
    assert province.post(f"/reference/regions/{CITY}/edit", {"name": "南京市", "valid_to": "2030-12-31"}
                         ).status_code == 302
    assert Category.objects.filter(name="新类别").exists() and CalendarDay.objects.filter(date__year=2027).exists()
    assert str(Region.objects.get(code=CITY).valid_to) == "2030-12-31"


def test_the_region_list_asks_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.system_admin)
    with django_assert_max_num_queries(15):
        assert client.get("/reference/regions/?level=village").status_code == 200


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x/","y")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_the_one_validator_refuses_names_a_spreadsheet_would_run(name):
    from rongjia.core.validators import validate_reference_name

    with pytest.raises(ValidationError) as refused:
        validate_reference_name(name)
    assert refused.value.code == "formula"


@pytest.mark.parametrize("name", ["退役士兵", "汤山街道", "A+B", "1-2", "'=1"])
def test_the_validator_lets_ordinary_names_through(name):
    from rongjia.core.validators import validate_reference_name

    validate_reference_name(name)


def test_formula_names_are_refused_and_change_nothing(cast, client_for, province_admin):
    client = client_for(province_admin)
    bad = '=HYPERLINK("http://evil.example/","点击")'
    category = Category.objects.get(name="退役士兵")
    responses = {
        "new category": client.post("/people/reference/category/new", {"name": bad, "position": 30}),
        "renamed category": client.post(f"/people/reference/category/{category.pk}/edit",
                                        {"name": "@SUM(1)", "position": 1, "active": "on"}),
        "new tag": client.post("/people/reference/tag/new", {"kind": "identity", "name": "+1", "position": 1}),
        "region": client.post(f"/reference/regions/{STREET_CODE}/edit", {"name": "-1+1", "valid_to": ""}),
        "holiday": client.post("/reference/holidays/", {"day": "2027-10-01", "kind": "rest", "name": "=1+1"}),
    }
    for what, response in responses.items():
        assert response.status_code == 200, what
        assert "name" in response.context["form"].errors, what
    assert not Category.objects.filter(name=bad).exists() and Category.objects.get(pk=category.pk).name == "退役士兵"
    assert not Tag.objects.filter(name="+1").exists()
    assert Region.objects.get(code=STREET_CODE).name == "汤山街道"
    assert not CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()
