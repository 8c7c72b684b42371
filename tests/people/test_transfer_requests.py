"""转入申请: a number on file outside the worker's area is refused at registration; the page offers a transfer
request that the holding station grants or denies (decision 0007, people/on_file.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rongjia.core.models import Region
from rongjia.core.scoping import subtree_q
from rongjia.people.books import services as books
from rongjia.people.models import Person, Transfer
from tests.factories import OUTSIDER_COUNTY, VILLAGE_CODE, person_at, unit_at, valid_id_number

NUMBER = valid_id_number("19700707", sequence=55)


@pytest.fixture
def held(cast):
    return person_at(cast.village_worker, name="钱守信", id_number=NUMBER)


@pytest.fixture
def elsewhere():
    """A village of the outsider county: the would-be receiving station."""
    return unit_at(Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first().code)


def test_the_registration_page_offers_the_request_and_the_holder_grants_it(cast, client_for, held, elsewhere):
    outsider = client_for(cast.outsider)
    form = {"name": "钱守信", "id_number": NUMBER, "station": elsewhere.pk, "address_region": elsewhere.region.code,
            "ethnicity": "01", "political_status": "13", "categories": [1], "categories_from": "2020-01-01",
            "arrival": "new"}
    page = outsider.post(reverse("people:person_register"), form)
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="transfer-request"' in text
    assert "古泉" not in text and "钱守信" in text  # the holder stays unnamed; what was typed stays
    sent = outsider.post(reverse("people:transfer_request"), {"id_number": NUMBER, "station": elsewhere.pk,
                                                               "reason": "已随子女迁居雨花台区"})
    assert sent.status_code == 302
    request = Transfer.objects.get(person=held)
    assert (request.state, request.requested, request.to_station) == ("requested", True, elsewhere)
    inbox = outsider.get(reverse("people:transfer_list") + "?direction=in").content.decode()
    assert "辖区以外的服务站" in inbox and "古泉社区" not in inbox
    assert outsider.get(reverse("people:person_detail", args=[held.pk])).status_code == 404  # not yet theirs
    holder = client_for(cast.village_worker)
    assert "已随子女迁居雨花台区" in holder.get(reverse("people:transfer_list") + "?direction=out").content.decode()
    granted = holder.post(reverse("people:transfer_decide", args=[request.pk, "grant"]))
    assert granted.status_code == 302
    held.refresh_from_db()
    assert held.station == elsewhere and Person.objects.filter(id_hash=held.id_hash).count() == 1
    assert list(held.status_changes.order_by("id").values_list("kind", flat=True))[-2:] == ["move_out", "move_in"]
    assert outsider.get(reverse("people:person_detail", args=[held.pk])).status_code == 200


def test_only_the_holder_decides_and_a_denial_needs_a_reason(cast, held, elsewhere):
    request = books.transfer_request(actor=cast.outsider, station=elsewhere, id_number=NUMBER, reason="迁居")
    with pytest.raises(PermissionDenied):  # the requester cannot grant itself the dossier
        books.transfer_decide(actor=cast.outsider, transfer=request, action="grant")
    with pytest.raises(ValidationError):
        books.transfer_decide(actor=cast.village_worker, transfer=request, action="deny")
    books.transfer_decide(actor=cast.village_worker, transfer=request, action="deny", note="本人仍在本村居住")
    request.refresh_from_db()
    assert request.state == "refused" and Person.objects.get(pk=held.pk).station == unit_at(VILLAGE_CODE)


def test_bad_requests_change_nothing(cast, held, elsewhere):
    for bad in ({"id_number": NUMBER, "reason": ""}, {"id_number": "110101", "reason": "迁居"},
                {"id_number": valid_id_number("19900101", sequence=99), "reason": "迁居"}):
        with pytest.raises(ValidationError):
            books.transfer_request(actor=cast.outsider, station=elsewhere, **bad)
    with pytest.raises(PermissionDenied):
        books.transfer_request(actor=cast.leader, station=unit_at(VILLAGE_CODE), id_number=NUMBER, reason="x")
    books.transfer_request(actor=cast.outsider, station=elsewhere, id_number=NUMBER, reason="迁居")
    with pytest.raises(ValidationError):  # asked once: the holder decides
        books.transfer_request(actor=cast.outsider, station=elsewhere, id_number=NUMBER, reason="再次")
    assert Transfer.objects.count() == 1


def test_the_requester_may_withdraw_and_the_workbench_counts_the_holders_decisions(cast, held, elsewhere):
    from rongjia.core import contributions

    request = books.transfer_request(actor=cast.outsider, station=elsewhere, id_number=NUMBER, reason="迁居")
    counts = {item.key: item.count for item in contributions.workbench(cast.village_worker)}
    assert counts["transfer_requests"] == 1
    assert {item.key: item.count for item in contributions.workbench(cast.outsider)}["transfer_requests"] == 0
    books.transfer_decide(actor=cast.outsider, transfer=request, action="withdraw")
    request.refresh_from_db()
    assert request.state == "cancelled"
