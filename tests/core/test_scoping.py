"""Each cast member sees exactly their subtree; everything else answers 404 and reveals nothing."""

import io
import re

import pytest
from django.db.models import Q
from openpyxl import load_workbook

from rongjia.core.models import OrgUnit, Region
from rongjia.core.scoping import scope_prefix, subtree_q
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE, unit_at


def _without_csrf(response) -> str:
    """The page less its CSRF token (masked afresh in every response) and its own address."""
    page = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())
    return page.replace(response.wsgi_request.path, "PATH")


def _subtree_count(prefix):
    return OrgUnit.objects.filter(region_code__startswith=prefix).count()


def test_each_cast_member_has_the_prefix_of_their_unit(cast):
    assert scope_prefix(cast.village_worker) == VILLAGE_CODE
    assert scope_prefix(cast.street_worker) == "320115003"
    assert scope_prefix(cast.county_director) == "320115"
    assert scope_prefix(cast.leader) == "320115"
    # Administrators hold no business scope (三员分立): they see no station at all.
    assert scope_prefix(cast.auditor) is None
    assert scope_prefix(cast.system_admin) is None


def test_visible_units_are_exactly_the_subtree(cast):
    assert list(OrgUnit.objects.visible_to(cast.village_worker)) == [unit_at(VILLAGE_CODE)]
    street = set(OrgUnit.objects.visible_to(cast.street_worker))
    assert street == set(OrgUnit.objects.filter(region_code__startswith="320115003"))
    county = OrgUnit.objects.visible_to(cast.county_director)
    # 1 county centre + 15 streets + 212 villages + the 派驻站 the world adds in 汤山街道
    assert county.filter(kind__in=["centre", "station"]).count() == 228
    assert not county.filter(region_code__startswith="320114").exists()


def test_inactive_or_anonymous_users_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    cast.county_director.is_active = False
    assert not OrgUnit.objects.visible_to(cast.county_director).exists()
    assert not OrgUnit.objects.visible_to(AnonymousUser()).exists()


# --- every endpoint: inside the scope it works, outside it is 404 -------------------------

def _pages(unit):
    return [
        f"/stations/{unit.pk}/",
        f"/stations/{unit.pk}/edit",
        f"/stations/tree/{unit.pk}/children",
        f"/stations/?region={unit.region.prefix}",
        f"/stations/export.xlsx?region={unit.region.prefix}",
        f"/stations/count?region={unit.region.prefix}",
        f"/api/v1/stations/{unit.pk}",
        f"/api/v1/stations/?region={unit.region.prefix}",
        f"/api/v1/regions/{unit.region_code}/children",
    ]


VIEWERS = ["village_worker", "street_worker", "county_director", "leader", "outsider"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_own_unit_answers_on_every_endpoint(cast, client_for, viewer):
    user = getattr(cast, viewer)
    client = client_for(user)
    for url in _pages(user.org_unit):
        if viewer == "leader" and url.endswith("/edit"):
            continue  # read-only: 403 for every edit page, shown below
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_other_county_is_404_on_every_endpoint(cast, client_for, viewer):
    client = client_for(getattr(cast, viewer))
    other = cast.county_director.org_unit if viewer == "outsider" else cast.outsider.org_unit
    for url in _pages(other):
        if viewer == "leader" and url.endswith("/edit"):
            continue
        response = client.get(url)
        assert response.status_code == 404, url
        assert other.name.encode() not in response.content


def test_neighbouring_village_is_404_for_a_village_worker(cast, client_for):
    client = client_for(cast.village_worker)
    neighbour = unit_at(VILLAGE2_CODE)
    for url in _pages(neighbour):
        assert client.get(url).status_code == 404, url
    # …and the parent street too: a worker sees down, never up.
    for url in _pages(cast.street_worker.org_unit):
        assert client.get(url).status_code == 404, url


def test_missing_record_and_hidden_record_answer_alike(cast, client_for):
    client = client_for(cast.village_worker)
    hidden = client.get(f"/stations/{unit_at(VILLAGE2_CODE).pk}/")
    missing = client.get("/stations/99999999/")
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden) == _without_csrf(missing)


def test_autocomplete_finds_only_units_in_scope(cast, client_for):
    village = client_for(cast.village_worker).get("/stations/autocomplete?q=社区")
    assert "古泉社区" in village.content.decode()
    assert "高庄社区" not in village.content.decode()
    county = client_for(cast.county_director).get("/stations/autocomplete?q=高庄")
    assert "高庄社区" in county.content.decode()
    outsider = client_for(cast.outsider).get("/stations/autocomplete?q=高庄")
    assert "高庄" not in outsider.content.decode()


def test_count_and_list_and_export_agree_within_scope(cast, client_for):
    client = client_for(cast.street_worker)
    expected = _subtree_count("320115003")
    assert client.get("/stations/count").json() == {"count": expected}
    assert client.get("/api/v1/stations/").json()["count"] == expected
    sheet = load_workbook(
        io.BytesIO(client.get("/stations/export.xlsx").content), read_only=True
    ).active
    assert len(list(sheet.iter_rows())) == expected + 1  # and the header row


def test_administrators_get_no_station_pages(cast, client_for):
    for admin in (cast.auditor, cast.security_admin, cast.system_admin):
        client = client_for(admin)
        assert client.get("/stations/").status_code == 403
        assert client.get(f"/stations/{admin.org_unit.pk}/").status_code == 403
        assert client.get(f"/api/v1/stations/{admin.org_unit.pk}").status_code in (403, 404)


def test_region_children_lists_the_streets_of_the_county(cast, client_for):
    children = client_for(cast.county_director).get("/api/v1/regions/320115000000/children").json()
    assert len(children) == 15
    assert {"code": "320115003000", "name": "汤山街道", "level": "street", "parent_code": "320115000000"} in children
    assert Region.objects.filter(parent__code="320115000000").count() == 15


def test_read_only_leader_is_refused_every_edit_page_alike(cast, client_for):
    client = client_for(cast.leader)
    own = client.get(f"/stations/{cast.leader.org_unit.pk}/edit")
    hidden = client.get(f"/stations/{cast.outsider.org_unit.pk}/edit")
    assert own.status_code == hidden.status_code == 403
    assert _without_csrf(own) == _without_csrf(hidden)


def test_a_subtree_is_a_range_of_codes():
    assert subtree_q("region_code", "320115") == Q(region_code__gte="320115", region_code__lt="320116")
    assert subtree_q("region_code", "320119") == Q(region_code__gte="320119", region_code__lt="320120")  # carries
    assert subtree_q("region_code", "0109") == Q(region_code__gte="0109", region_code__lt="0110")  # keeps zeros
    assert subtree_q("code", "99") == Q(code__startswith="99")  # no next prefix of that length


def test_the_range_holds_exactly_the_prefixed_codes(db):
    from rongjia.core.models import Region
    for prefix in ("32", "3201", "320115", "320115003", "320115003004"):
        by_range = set(Region.objects.filter(subtree_q("code", prefix)).values_list("code", flat=True))
        assert by_range == set(Region.objects.filter(code__startswith=prefix).values_list("code", flat=True))
        assert by_range
