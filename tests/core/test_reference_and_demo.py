"""Reference data for the system administrator, the demo command, and the language switch."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from rongjia.accounts.models import User
from rongjia.core.models import OrgUnit, Region
from rongjia.core.org_units import place_name
from rongjia.people.models import Person


def test_system_admin_searches_and_renames_a_region(cast, client_for):
    client = client_for(cast.system_admin)
    page = client.get("/reference/regions/?q=汤山&level=street").context["page"]
    assert [r.code for r in page.object_list] == ["320115003000"]
    response = client.post("/reference/regions/320115003000/edit", {"name": "汤山新街道", "valid_to": ""})
    assert response.status_code == 302
    region = Region.objects.get(code="320115003000")
    assert region.name == "汤山新街道"
    assert LogEntry.objects.get_for_object(region).latest("timestamp").actor == cast.system_admin


def test_closing_a_region_keeps_its_record(cast, client_for):
    client_for(cast.system_admin).post("/reference/regions/320115003004/edit",
                                       {"name": "古泉社区居委会", "valid_to": "2026-06-30"})
    region = Region.objects.get(code="320115003004")
    assert str(region.valid_to) == "2026-06-30"
    assert region.org_units.exists()


def test_bad_region_input_changes_nothing(cast, client_for):
    client = client_for(cast.system_admin)
    response = client.post("/reference/regions/320115003000/edit", {"name": "", "valid_to": "yesterday"})
    assert response.status_code == 200
    assert Region.objects.get(code="320115003000").name == "汤山街道"
    assert client.get("/reference/regions/999999999999/edit").status_code == 404


@pytest.mark.parametrize("region_name, expected", [
    ("古泉社区居委会", "古泉社区"), ("龙尚村委会", "龙尚村"), ("汤山街道", "汤山街道"),
    ("湖山村村民委员会", "湖山村"), ("某某居委会", "某某"),
])
def test_station_names_come_from_region_names(region_name, expected):
    assert place_name(region_name) == expected


def test_seed_demo_builds_the_network_and_accounts_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence photos
    out = StringIO()
    call_command("seed_demo", "--region", "320115", "--people", "300", stdout=out)
    assert "jn_village" in out.getvalue() and "Rongjia#2026" in out.getvalue()
    county = OrgUnit.objects.filter(region_code__startswith="320115")
    assert county.filter(kind__in=["centre", "station"]).count() == 228
    assert county.filter(kind="resident").count() >= 3 and county.filter(kind="mobile").count() == 1
    assert OrgUnit.objects.filter(region_code__in=["320000000000", "320100000000"], kind="centre").count() == 2
    village = User.objects.get(username="jn_village")
    assert village.org_unit.region_code == "320115003004" and not village.must_change_password
    assert User.objects.get(username="jn_street").org_unit.region_code == "320115003000"
    assert User.objects.get(username="jn_village2").org_unit.region_code == "320115003011"
    before = (OrgUnit.objects.count(), User.objects.count())
    again = StringIO()
    call_command("seed_demo", "--region", "320115", "--people", "300", stdout=again)
    assert (OrgUnit.objects.count(), User.objects.count()) == before
    assert "新建服务中心/站 0 个" in again.getvalue()
    assert "新建服务对象档案 0 份" in again.getvalue()
    assert 212 <= Person.objects.count() <= 600


def test_seed_demo_refuses_a_bad_or_missing_county(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--region", "32")
    with pytest.raises(CommandError, match="import_regions"):
        call_command("seed_demo", "--region", "620102")


def test_pages_are_chinese_by_default_and_english_on_request(cast, client_for, client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in to your account" in client.get("/accounts/login/").content.decode()


def test_unknown_page_is_a_finished_404(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_page_links_keep_the_filters(cast, client_for):
    body = client_for(cast.system_admin).get("/reference/regions/?level=village").content.decode()
    assert "?level=village&amp;page=2" in body
