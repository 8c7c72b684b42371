"""The petition pages: who may see and act, the deadline strip, the dashboard."""

from rongjia.petitions.models import Petition
from tests.factories import VILLAGE_CODE, unit_at, valid_id_number
from tests.petitions.test_workflow import register


def test_register_then_accept_through_the_pages(cast, client_for):
    client = client_for(cast.village_worker)
    assert client.get("/petitions/new").status_code == 200
    response = client.post("/petitions/new", {
        "unit": unit_at(VILLAGE_CODE).pk, "channel": "visit", "type": "claim", "category": "medical",
        "subject": "医疗报销", "petitioners": f"王建国 {valid_id_number('19600101', sequence=31)}\n李四"})
    petition = Petition.objects.get()
    assert response.status_code == 302 and petition.petitioners.count() == 2
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "告知受理与否" in page and 'data-testid="deadline-strip"' in page
    client.post(f"/petitions/{petition.pk}/", {"action": "accept", "version": petition.version})
    assert Petition.objects.get().state == "accepted"


def test_a_bad_id_number_is_a_field_error_and_nothing_is_saved(cast, client_for):
    good = valid_id_number("19600101", sequence=31)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client_for(cast.village_worker).post("/petitions/new", {
        "unit": unit_at(VILLAGE_CODE).pk, "channel": "visit", "type": "claim", "category": "medical",
        "subject": "x", "petitioners": f"王建国 {bad}"})
    assert response.status_code == 200 and not Petition.objects.exists()


def test_scoping_and_roles_on_the_pages(cast, client_for):
    petition = register(cast.village_worker)
    assert client_for(cast.county_director).get(f"/petitions/{petition.pk}/").status_code == 200
    assert client_for(cast.village2_worker).get(f"/petitions/{petition.pk}/").status_code == 404
    assert client_for(cast.outsider).get(f"/petitions/{petition.pk}/").status_code == 404
    assert client_for(cast.leader).post(f"/petitions/{petition.pk}/", {"action": "accept"}).status_code == 403
    assert client_for(cast.leader).get("/petitions/new").status_code == 403
    assert petition.subject not in client_for(cast.outsider).get("/petitions/").content.decode()
    assert client_for(cast.auditor).get("/petitions/").status_code == 403


def test_an_illegal_step_is_a_form_error(cast, client_for):
    petition = register(cast.village_worker)
    response = client_for(cast.village_worker).post(f"/petitions/{petition.pk}/", {"action": "close",
                                                                                  "version": petition.version})
    assert response.status_code == 200 and Petition.objects.get().state == "registered"


def test_the_list_and_dashboard_run_bounded_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(5):
        register(cast.village_worker, subject=f"事项{n}")
    client = client_for(cast.county_director)  # a director: one more query each, for the authenticator
    with django_assert_max_num_queries(16):  # +1 unit filter, +1 sensitive periods, +1 provisional years
        assert client.get("/petitions/").content.decode().count("事项") == 5
    with django_assert_max_num_queries(16):  # +1: the mediation card (outreach/mediation)
        assert client.get("/petitions/dashboard").status_code == 200
