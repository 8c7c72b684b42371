"""The people list as a page: its filters drawn by hand and folded into a 筛选 drawer on a phone, a bad filter
answered with a clear error, a list too long to count read in its order (the same rows), and the menu built once
per set of capabilities."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rongjia.core import pagination
from rongjia.people.models import Person
from tests.factories import VILLAGE2_CODE, person_at


def names(response) -> list[str]:
    return [person.name for person in response.context["page"].object_list]


@pytest.fixture
def thirty(cast):
    names = [surname + given for surname in "张王李赵刘陈" for given in ("伟", "芳", "强", "军", "敏")]
    return [person_at(cast.village_worker, name=name, seq=n + 1) for n, name in enumerate(names)]


def test_on_a_phone_the_filters_fold_into_a_drawer_under_the_search_box(cast, client_for, thirty):
    html = client_for(cast.village_worker).get("/people/?status=active&age_min=20").content.decode()
    search, drawer, results = (html.index(marker) for marker in ('id="id_q"', 'id="person-filters"',
                                                                  'id="person-results"'))
    assert search < drawer < results  # the search box stays out of the drawer; the count and rows follow the form
    assert re.search(r'class="offcanvas-md offcanvas-bottom[^"]*" tabindex="-1" id="person-filters"', html)
    assert 'data-bs-toggle="offcanvas" data-bs-target="#person-filters"' in html
    assert re.search(r'data-testid="filters-set">2<', html)  # two filters set behind the drawer's button
    assert '<div class="btn-list mt-3 mt-md-0 mb-3 order-last order-md-0">' in html  # the other pages' links last
    for control in ("id_category", "id_tag", "id_status", "id_age_min", "id_age_max", "id_region_text"):
        assert drawer < html.index(f'id="{control}"') < results
    assert '<option value="active" selected>' in html and 'name="age_min" id="id_age_min" min="0" max="150" ' \
                                                          'value="20"' in html
    # the help says what a search of two characters finds
    assert "输入两个字" in html or "两个字" in html


def test_a_bad_filter_is_answered_in_chinese_and_changes_nothing(cast, client_for, thirty):
    client = client_for(cast.village_worker)
    everyone = client.get("/people/")
    response = client.get("/people/?age_min=abc&region=abc&status=nonsense")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == everyone.context["page"].paginator.count == 30
    html = response.content.decode()
    assert html.count("is-invalid") == 3
    errors = response.context["form"].errors
    assert set(errors) == {"age_min", "region", "status"}
    assert all(re.search(r"[\u4e00-\u9fff]", message) for messages in errors.values() for message in messages)


def test_a_list_longer_than_it_counts_is_read_in_its_order_with_the_same_rows(cast, client_for, thirty, monkeypatch):
    client = client_for(cast.county_director)
    counted = [names(client.get(f"/people/?page={n}")) for n in (1, 2)]
    statuses = names(client.get("/people/?status=active"))
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)  # now thirty people are more than it counts
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/people/?page=1")
    assert first.context["page"].paginator.capped
    page_query = next(q["sql"] for q in captured.captured_queries
                      if 'FROM "people_person"' in q["sql"] and "LIMIT 20" in q["sql"])
    assert "SUBSTR" in page_query.upper()  # the scope tested row by row as the name order is walked
    assert names(first) == counted[0][:20]  # a capped list shows as many as it counted
    assert names(client.get("/people/?status=active")) == statuses[:20]
    assert names(client.get("/people/?q=zhang")) == [name for name in counted[0] if name.startswith("张")]


def test_the_list_reads_only_the_columns_it_shows(cast, client_for, thirty, django_assert_max_num_queries):
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(15):  # session, account, device, unit, roles, the ids of a short list,
        response = client.get("/people/")  # count, page, categories, stations, the filters' choices, the session
    person = response.context["page"].object_list[0]
    assert person.get_deferred_fields() >= {"phone_alt", "notes", "address_detail", "health"}
    assert person.station.name and person.masked_id.endswith("****")


def test_the_menu_is_the_viewers_and_in_the_viewers_language(cast, client_for):
    worker, administrator = client_for(cast.village_worker), client_for(cast.security_admin)
    menu = [item["label"] for item in worker.get("/people/").context["nav_items"]]
    assert "服务对象" in menu and "账号管理" not in menu
    assert [item["label"] for item in worker.get("/people/").context["nav_items"]] == menu  # built once, the same
    assert "账号管理" in [item["label"] for item in administrator.get("/").context["nav_items"]]
    worker.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = worker.get("/people/").context["nav_items"]
    assert "Served people" in [item["label"] for item in english]
    assert [item["url"] for item in english if item["active"]] == ["/people/"]


def test_a_fragment_for_htmx_reads_no_breadcrumb_and_no_filter_choices(cast, client_for, thirty):
    client = client_for(cast.village_worker)
    with CaptureQueriesContext(connection) as full:
        client.get("/people/")
    with CaptureQueriesContext(connection) as fragment:
        response = client.get("/people/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and len(names(response)) == 30
    assert len(fragment) == len(full) - 2  # the filters' categories and tags
    assert not any("core_region" in q["sql"] for q in full.captured_queries + fragment.captured_queries)


def test_someone_elses_village_stays_out_of_the_list(cast, client_for, thirty):
    person_at(cast.county_director, code=VILLAGE2_CODE, name="孙丽", seq=90)
    assert "孙丽" not in names(client_for(cast.village_worker).get("/people/?q=sunli"))
    assert names(client_for(cast.county_director).get("/people/?q=sunli")) == ["孙丽"]
    assert client_for(cast.village_worker).get(f"/people/?region={VILLAGE2_CODE}").status_code == 404
    assert Person.objects.count() == 31


def test_a_short_list_is_read_by_its_ids(cast, client_for, thirty):
    """Thirty people: their ids first (one read), then the count and the page by primary key (no planner guess)."""
    client = client_for(cast.village_worker)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/people/?q=王")
    assert names(response) == ["王芳", "王军", "王敏", "王强", "王伟"]  # in the order of their pinyin
    person_queries = [q["sql"] for q in captured.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert "LIMIT 501" in person_queries[0]
    assert all('"people_person"."id" IN (' in sql for sql in person_queries[1:])
