"""Lists that can hold a province's people count to a cap, and say so, instead of counting a million rows."""

from django.urls import reverse

from rongjia.core import pagination
from rongjia.core.models import Region
from rongjia.core.pagination import CappedPaginator
from tests.factories import person_at


def test_the_count_stops_at_the_cap(db, django_assert_num_queries):
    regions = Region.objects.order_by("code")  # the home and outsider counties: hundreds of rows
    paginator = CappedPaginator(regions, 10, cap=25)
    with django_assert_num_queries(1):
        assert paginator.count == 25 and paginator.capped
    assert paginator.num_pages == 3
    small = CappedPaginator(regions.filter(level=1), 10, cap=25)
    assert small.count == 1 and not small.capped


def test_the_people_list_says_more_than(cast, client_for, monkeypatch):
    for n in range(3):
        person_at(cast.village_worker, name=f"赵{n}", seq=800 + n)
    client = client_for(cast.village_worker)
    assert "3 人" in client.get(reverse("people:person_list")).content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    page = client.get(reverse("people:person_list")).content.decode()
    assert "超过 2 人" in page
