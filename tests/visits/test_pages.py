"""The visit pages: who may see and act, what an outsider gets (404), bad input on the forms, bounded queries,
and the visits on the dossier, the booklet and the workbench filtered by the viewer."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rongjia.core import contributions
from rongjia.people.timeline import person_pks
from rongjia.visits import honours, services
from rongjia.visits.models import DueVisit, Plaque, Visit
from tests.factories import VILLAGE2_CODE, person_at

pytestmark = pytest.mark.django_db


def _visit(actor, person, **fields):
    fields.setdefault("visited_on", timezone.localdate())
    return services.visit_record(actor=actor, person_id=person.pk, **fields)[0]


def test_a_visit_is_recorded_through_the_page_and_bad_input_changes_nothing(cast, client_for):
    person = person_at(cast.village_worker)
    client = client_for(cast.grid_worker)
    page = client.get(f"/visits/new?person={person.pk}").content.decode()
    assert person.name in page and "data-visit-form" in page
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post("/visits/new", {"person": person.pk, "kind": "regular", "place": "home",
                                          "visited_on": future})
    assert refused.status_code == 200 and "未来" in refused.content.decode() and not Visit.objects.exists()
    response = client.post("/visits/new", {"person": person.pk, "kind": "regular", "place": "home",
                                           "visited_on": timezone.localdate().isoformat(), "findings": "生活稳定"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visits/{visit.pk}/"
    assert "生活稳定" in client.get(f"/visits/{visit.pk}/").content.decode()


def test_roles_and_scope_on_the_pages(cast, client_for):
    person = person_at(cast.village_worker)
    visit = _visit(cast.village_worker, person)
    for viewer in (cast.county_director, cast.leader, cast.street_worker):
        assert client_for(viewer).get(f"/visits/{visit.pk}/").status_code == 200
    for outsider in (cast.outsider, cast.village2_worker):
        assert client_for(outsider).get(f"/visits/{visit.pk}/").status_code == 404
        assert person.name not in client_for(outsider).get("/visits/").content.decode()
    assert client_for(cast.leader).get("/visits/new").status_code == 403
    assert client_for(cast.auditor).get("/visits/due").status_code == 403
    assert client_for(cast.village_worker).get("/visits/campaigns/new").status_code == 403
    assert client_for(cast.village_worker).get("/visits/coverage/?region=320115").status_code == 404  # above own


@pytest.mark.parametrize("url", ["/visits/", "/visits/due", "/visits/coverage/", "/visits/coverage/people?status=due",
                                 "/visits/campaigns/", "/visits/plaques/", "/visits/merits/", "/visits/regime/",
                                 "/visits/follow-ups/", "/visits/owed/new", "/visits/export.xlsx",
                                 "/visits/coverage/people.xlsx?status=never"])
def test_every_page_opens_for_the_county(cast, client_for, url):
    assert client_for(cast.county_director).get(url).status_code == 200


def test_the_lists_run_bounded_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(6):
        person = person_at(cast.village_worker, name=f"走访{n}", seq=40 + n)
        _visit(cast.village_worker, person)
        honours.plaque_issue(actor=cast.village_worker, person_id=person.pk)
        services.due_visit_raise(actor=cast.village_worker, person_id=person.pk, occasion="hospitalised",
                                 occurred_on=timezone.localdate())
    client = client_for(cast.village_worker)
    for url, most in (("/visits/", 12), ("/visits/due", 14), ("/visits/coverage/people?status=done", 12),
                      ("/visits/plaques/", 18), ("/visits/coverage/", 16)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_the_dossier_and_booklet_show_only_the_visits_the_viewer_may_open(cast, client_for):
    person = person_at(cast.village_worker)
    _visit(cast.village_worker, person, visited_on=date(2026, 5, 1), findings="老伤复发")
    honours.plaque_issue(actor=cast.village_worker, person_id=person.pk)
    sections = {s.key: s for s in contributions.dossier_sections(cast.village_worker, person, person_pks(person))}
    assert any("老伤复发" in entry.detail for entry in sections["visits"].entries)
    assert any(entry.kind == "plaque" for entry in sections["visits"].entries)
    # Moved to the next village: the new station sees the dossier, not the old village's visit notes.
    from rongjia.people.models import Person
    from tests.factories import unit_at

    Person.objects.filter(pk=person.pk).update(station=unit_at(VILLAGE2_CODE))
    person.refresh_from_db()
    theirs = {s.key: s for s in contributions.dossier_sections(cast.village2_worker, person, person_pks(person))}
    assert not theirs["visits"].entries and theirs["visits"].outside == 1
    assert "老伤复发" not in client_for(cast.village2_worker).get(f"/people/{person.pk}/").content.decode()


def test_the_workbench_counts_are_the_lists(cast, client_for):
    person = person_at(cast.village_worker)
    services.due_visit_raise(actor=cast.village_worker, person_id=person.pk, occasion="bereaved",
                             occurred_on=timezone.localdate() - timedelta(days=10))
    items = {item.key: item for item in contributions.workbench(cast.village_worker)}
    late = items["visits_owed_late"]
    assert late.count == 1 and DueVisit.objects.filter(visit__isnull=True).count() == 1
    assert person.name in client_for(cast.village_worker).get(late.url).content.decode()
    never = items["visits_never"]
    assert never.count == 1 and person.name in client_for(cast.village_worker).get(never.url).content.decode()
    assert "visits_never" not in {i.key for i in contributions.workbench(cast.auditor)}


def test_a_plaque_is_stepped_through_the_page_and_a_neighbour_gets_nothing(cast, client_for):
    person = person_at(cast.village_worker)
    client = client_for(cast.village_worker)
    client.post("/visits/plaques/issue", {"person": person.pk, "issued_on": "2026-03-01"})
    plaque = Plaque.objects.get()
    client.post(f"/visits/plaques/{plaque.pk}/step", {"action": "hang", "version": 1, "day": "2026-03-05",
                                                       "ceremony": "上门悬挂"})
    assert Plaque.objects.get().state == "hung"
    client_for(cast.village2_worker).post(f"/visits/plaques/{plaque.pk}/step", {"action": "withdraw", "version": 2,
                                                                                "note": "x"})
    assert Plaque.objects.get().state == "hung"


def test_the_regime_page_refuses_a_loosening(cast, client_for):
    services.regime_save(actor=cast.county_director, name="江宁区", priority_contacts_per_quarter=2,
                         priority_home_visits_per_year=1, other_contacts_per_year=1, trigger_days=7)
    from tests.factories import STREET_CODE, UserFactory, unit_at

    street = UserFactory(org_unit=unit_at(STREET_CODE), roles=["centre_staff"])
    response = client_for(street).post("/visits/regime/", {
        "name": "汤山", "priority_contacts_per_quarter": 1, "priority_home_visits_per_year": 1,
        "other_contacts_per_year": 1, "trigger_days": 7})
    assert response.status_code == 200 and "放宽" in response.content.decode()


def test_a_campaigns_progress_rolls_up_to_each_level(cast, client_for):
    from tests.factories import VILLAGE_CODE

    people = [person_at(cast.village_worker, name=f"慰问{n}", seq=70 + n, priority=True) for n in range(2)]
    person_at(cast.village2_worker, code=VILLAGE2_CODE, name="高庄慰问", seq=80, priority=True)
    campaign = services.campaign_launch(actor=cast.county_director, name="大走访", kind="special",
                                        starts_on=timezone.localdate(), ends_on=timezone.localdate())
    _visit(cast.village_worker, people[0], campaign_id=campaign.pk)
    from rongjia.visits.selectors import campaign_progress, campaign_progress_below

    assert campaign_progress(cast.county_director, campaign) | {"spent": 0} == {
        "total": 3, "done": 1, "spent": 0, "budget": 0}
    assert [(r["total"], r["done"]) for r in campaign_progress_below(cast.county_director, campaign)] == [(3, 1)]
    village = {r["code"]: (r["total"], r["done"]) for r in campaign_progress_below(cast.street_worker, campaign)}
    assert village == {VILLAGE_CODE: (2, 1), VILLAGE2_CODE: (1, 0)}
    assert campaign_progress(cast.village2_worker, campaign)["total"] == 1  # a station sees its own list
    page = client_for(cast.street_worker).get(f"/visits/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="campaign-below"' in page
