"""The two-person rule (issue 15, finding 10; decision 0010): the security administrator cannot give itself,
or anyone, business access alone; roles change per jurisdiction."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client

from rongjia.accounts import approvals, services
from rongjia.accounts.models import AccountChange, LocalCapabilities, Role, User
from rongjia.core import contributions
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, VILLAGE_CODE, UserFactory, unit_at

NEW_DIRECTOR = {"username": "planted_director", "full_name": "假主任", "org_unit": HOME_COUNTY + "000000",
                "password": "Chosen#Pass2026"}


def _propose_director(client):
    return client.post("/accounts/users/new", {**NEW_DIRECTOR, "roles": [Role.objects.get(code="centre_director").pk]})


def test_one_administrator_alone_cannot_give_an_account_business_access(cast, client_for):
    """Seen failing on the main before the rule: the account signed in as a director at once."""
    assert _propose_director(client_for(cast.security_admin)).status_code == 302
    planted = User.objects.get(username="planted_director")
    assert not planted.is_active and not planted.roles.exists() and not planted.capabilities
    signed_in = Client().post("/accounts/login/", {"username": "planted_director", "password": "Chosen#Pass2026"})
    assert signed_in.status_code == 200  # the sign-in form again: the account is not active yet


def test_a_second_administrator_approves_and_only_then_it_takes_effect(cast, client_for):
    _propose_director(client_for(cast.security_admin))
    change = AccountChange.objects.get(account__username="planted_director")
    response = client_for(cast.security_admin).post(f"/accounts/changes/{change.pk}/approve", follow=True)
    assert "第二名安全管理员" in response.content.decode()  # not the proposer
    change.refresh_from_db()
    assert change.state == "proposed"
    client_for(cast.second_security_admin).post(f"/accounts/changes/{change.pk}/approve")
    planted = User.objects.get(username="planted_director")
    assert planted.is_active and planted.can("people.export_full")
    change.refresh_from_db()
    assert (change.state, change.decided_by) == ("approved", cast.second_security_admin)


def test_a_role_change_waits_for_a_second_and_applies_in_the_own_jurisdiction_only(cast, client_for):
    """Granting people.export_full to station workers: the county's workers only, after a second approves.
    Seen failing before the rule: it applied at once, and to every county's station workers."""
    role = Role.objects.get(code="station_worker")
    wanted = [*role.capabilities, "people.export_full"]
    client_for(cast.security_admin).post(f"/accounts/roles/{role.pk}/", {"capabilities": wanted})
    assert not User.objects.get(pk=cast.village_worker.pk).can("people.export_full")
    change = AccountChange.objects.get(role=role)
    assert change.jurisdiction == HOME_COUNTY
    client_for(cast.second_security_admin).post(f"/accounts/changes/{change.pk}/approve")
    assert User.objects.get(pk=cast.village_worker.pk).can("people.export_full")
    neighbour = UserFactory(username="neighbour_worker", org_unit=unit_at(OUTSIDER_COUNTY + "000000"),
                            roles=["station_worker"])
    assert not neighbour.can("people.export_full")
    role.refresh_from_db()
    assert "people.export_full" not in role.capabilities  # the role's own list, for everywhere else
    assert LocalCapabilities.objects.get(role=role).jurisdiction == HOME_COUNTY


def test_the_nearest_jurisdiction_sets_a_role(cast):
    role = Role.objects.get(code="leader")
    LocalCapabilities.objects.create(role=role, jurisdiction="32", capabilities=["org.view"])
    assert User.objects.get(pk=cast.leader.pk).capabilities == {"org.view"}
    LocalCapabilities.objects.create(role=role, jurisdiction=HOME_COUNTY, capabilities=["org.view", "people.view"])
    assert User.objects.get(pk=cast.leader.pk).capabilities == {"org.view", "people.view"}


def test_a_county_cannot_take_another_administrators_capabilities_through_a_local_list(cast):
    with pytest.raises(ValidationError):
        services.role_set_capabilities(actor=cast.security_admin, role=Role.objects.get(code="station_worker"),
                                       capabilities=["people.view", "audit.view"])
    assert not AccountChange.objects.exists()


def test_reject_needs_a_reason_withdraw_is_the_proposers_and_nothing_changes(cast, client_for):
    services.user_update(actor=cast.security_admin, user=cast.leader, full_name="领导", org_unit=cast.leader.org_unit,
                         roles=[Role.objects.get(code="centre_director")], is_active=True)
    change = AccountChange.objects.get(account=cast.leader)
    second = client_for(cast.second_security_admin)
    assert "请填写理由" in second.post(f"/accounts/changes/{change.pk}/reject", follow=True).content.decode()
    assert second.post(f"/accounts/changes/{change.pk}/withdraw").status_code == 403
    assert "已有一项" in client_for(cast.security_admin).post(f"/accounts/users/{cast.leader.pk}/", {
        "full_name": "领导", "org_unit": cast.leader.org_unit.region_code, "is_active": "on",
        "roles": [Role.objects.get(code="centre_staff").pk]}).content.decode()  # one proposal at a time
    stale = second.post(f"/accounts/changes/{change.pk}/approve", {"version": change.version + 7}, follow=True)
    assert "已有他人修改" in stale.content.decode()
    change.refresh_from_db()
    assert change.state == "proposed" and set(cast.leader.roles.values_list("code", flat=True)) == {"leader"}
    second.post(f"/accounts/changes/{change.pk}/reject", {"note": "无此岗位"})
    change.refresh_from_db()
    assert (change.state, change.note) == ("rejected", "无此岗位")
    assert set(cast.leader.roles.values_list("code", flat=True)) == {"leader"}
    assert "不能办理" in second.post(f"/accounts/changes/{change.pk}/approve", follow=True).content.decode()


def test_a_neighbour_county_cannot_see_or_decide_the_change(cast, client_for):
    _propose_director(client_for(cast.security_admin))
    change = AccountChange.objects.get()
    neighbour = UserFactory(username="neighbour_sec", org_unit=unit_at(OUTSIDER_COUNTY + "000000"),
                            roles=["sec_admin"])
    client = client_for(neighbour)
    assert client.post(f"/accounts/changes/{change.pk}/approve").status_code == 404
    assert "假主任" not in client.get("/accounts/changes/").content.decode()
    assert client_for(cast.county_director).get("/accounts/changes/").status_code == 403
    change.refresh_from_db()
    assert change.state == "proposed"


def test_the_audit_administrator_sees_who_proposed_and_who_approved(cast, client_for):
    _propose_director(client_for(cast.security_admin))
    change = AccountChange.objects.get()
    client_for(cast.second_security_admin).post(f"/accounts/changes/{change.pk}/approve")
    actors = set(LogEntry.objects.get_for_object(change).values_list("actor__username", flat=True))
    assert actors == {"security_admin", "second_security_admin"}
    page = client_for(cast.auditor).get("/accounts/changes/").content.decode()
    assert str(cast.security_admin) in page and str(cast.second_security_admin) in page
    assert "假主任" in page and "中心主任" in page  # the change in words: who, with which roles
    assert client_for(cast.auditor).post(f"/accounts/changes/{change.pk}/reject", {"note": "x"}).status_code == 403


def test_the_workbench_counts_what_waits_for_this_administrator(cast, client_for, django_assert_max_num_queries):
    for n in range(3):
        services.user_create(actor=cast.security_admin, username=f"new{n}", password="Chosen#Pass2026",
                             org_unit=unit_at(VILLAGE_CODE), roles=[Role.objects.get(code="station_worker")])

    def awaiting(user):
        return next((item for item in contributions.workbench(user) if item.key == "awaiting_approval"), None)

    assert awaiting(cast.security_admin).count == 0  # one's own proposals wait for someone else
    item = awaiting(cast.second_security_admin)
    assert item.count == 3
    client = client_for(cast.second_security_admin)
    with django_assert_max_num_queries(16):  # constant: the sign-in context, one page, its names once
        response = client.get(item.url)
    assert response.context["page"].paginator.count == 3
    assert approvals.awaiting(cast.auditor).count() == 0
