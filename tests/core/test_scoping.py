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


# --- the helpers every other module filters through (test_scoping_home.py holds them to it) ---

def _yuhuatai_village():
    return OrgUnit.objects.filter(subtree_q("region_code", "320114"), level=5, kind=OrgUnit.Kind.STATION).first()


def test_either_end_q_shows_a_transfer_to_both_ends_only(cast):
    from rongjia.core.scoping import either_end_q
    from rongjia.people.models import Transfer
    from tests.factories import person_at

    ends = ("from_station__region_code", "to_station__region_code")
    across = Transfer.objects.create(person=person_at(cast.village_worker, seq=401), reason="搬迁",
                                     from_station=unit_at(VILLAGE_CODE), to_station=_yuhuatai_village())
    within = Transfer.objects.create(person=person_at(cast.village_worker, name="李强", seq=402), reason="搬迁",
                                     from_station=unit_at(VILLAGE_CODE), to_station=unit_at(VILLAGE2_CODE))

    def seen_by(user):
        return set(Transfer.objects.filter(either_end_q(user, *ends)))

    assert seen_by(cast.village_worker) == {across, within}  # the sender, of both
    assert seen_by(cast.outsider) == {across}  # the receiving county; not the one between two others
    assert seen_by(cast.village2_worker) == {within}  # the receiving village; not its neighbour's
    assert seen_by(cast.county_director) == {across, within}
    for user in (cast.village_worker, cast.outsider, cast.village2_worker):
        assert set(Transfer.objects.visible_to(user)) == seen_by(user)
    assert either_end_q(cast.system_admin, *ends) is None  # sees nothing: the caller answers .none()
    assert either_end_q(cast.street_worker, "a", "b") == subtree_q("a", "320115003") | subtree_q("b", "320115003")


def test_at_or_above_q_finds_the_ancestors_of_a_village_not_its_sibling(cast):
    from rongjia.core.scoping import at_or_above_q

    units = OrgUnit.objects.filter(at_or_above_q("region_code", VILLAGE_CODE), kind__in=["centre", "station"])
    codes = set(units.values_list("region_code", flat=True))
    assert codes == {"320000000000", "320100000000", "320115000000", "320115003000", VILLAGE_CODE}
    assert "320100000000" in codes and "320115000000" in codes  # the city's and the county's
    assert VILLAGE2_CODE not in codes
    # A county's code reaches up only: none of its villages, nor the other county.
    above_county = set(OrgUnit.objects.filter(at_or_above_q("region_code", "320115000000"))
                       .values_list("region_code", flat=True))
    assert above_county == {"320000000000", "320100000000", "320115000000"}


def test_code_in_subtree_is_the_python_side_of_subtree_q(cast):
    from rongjia.core.scoping import code_in_subtree, covers_code

    assert code_in_subtree(VILLAGE_CODE, "320115003")
    assert code_in_subtree(VILLAGE_CODE, VILLAGE_CODE)
    assert code_in_subtree("320115", "")  # "" is the country
    assert not code_in_subtree(VILLAGE2_CODE, VILLAGE_CODE)
    assert not code_in_subtree("320114000000", "320115")
    assert not code_in_subtree(VILLAGE_CODE, None)  # a user who sees nothing
    for prefix in ("3201", "320115003", "320114"):
        in_python = {code for code in Region.objects.values_list("code", flat=True) if code_in_subtree(code, prefix)}
        assert in_python == set(Region.objects.filter(subtree_q("code", prefix)).values_list("code", flat=True))
    assert covers_code(cast.street_worker, VILLAGE_CODE) and not covers_code(cast.village_worker, VILLAGE2_CODE)


def test_ancestor_prefixes_and_the_jurisdictions_bearing_on_a_subtree(db):
    from rongjia.core.scoping import ancestor_prefixes, jurisdictions_bearing_on_q
    from rongjia.network.models import Standard
    from tests.factories import StandardFactory

    assert ancestor_prefixes("3201") == ["", "3", "32", "320", "3201"]
    made = [StandardFactory(jurisdiction_code=code).pk
            for code in ("", "32", "3201", "320115", "320115003", "320114", "3202", "33")]
    standards = Standard.objects.filter(pk__in=made)

    def bearing_on(prefix):
        return set(standards.filter(jurisdictions_bearing_on_q("jurisdiction_code", prefix))
                   .values_list("jurisdiction_code", flat=True))

    assert bearing_on("320115") == {"", "32", "3201", "320115", "320115003"}
    assert bearing_on("3201") == {"", "32", "3201", "320115", "320115003", "320114"}
    # "3202" sorts inside ["320199", "320200") and "33" inside ["3299", "3300"): neither bears on them.
    assert bearing_on("320199") == {"", "32", "3201"}
    assert bearing_on("3299") == {"", "32"}


def test_code_search_q_is_a_prefix_search_over_the_code(db):
    from rongjia.core.scoping import code_search_q

    for typed in ("3", "3201", "3201150", "320115003004", "3201150030041"):
        found = set(Region.objects.filter(code_search_q("code", typed)).values_list("code", flat=True))
        assert found == {code for code in Region.objects.values_list("code", flat=True) if code.startswith(typed)}
    assert code_search_q("region_code", "320115") == subtree_q("region_code", "320115")


def test_admin_subtree_q_is_the_administered_subtree_or_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    from rongjia.accounts.models import User
    from rongjia.core.scoping import admin_subtree_q

    managed = set(User.objects.filter(admin_subtree_q(cast.security_admin, "org_unit__region_code")))
    assert cast.village_worker in managed and cast.county_director in managed
    assert cast.outsider not in managed
    assert admin_subtree_q(cast.security_admin, "code") == subtree_q("code", "320115")
    assert admin_subtree_q(AnonymousUser(), "org_unit__region_code") == Q(pk__in=[])
    assert not User.objects.filter(admin_subtree_q(AnonymousUser(), "org_unit__region_code")).exists()
