"""三员分立 and the security administrator's account pages."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client

from rongjia.accounts import services
from rongjia.accounts.models import AccountChange, Role, User
from tests.factories import PASSWORD, VILLAGE_CODE


def roles(*codes):
    return list(Role.objects.filter(code__in=codes))


@pytest.mark.parametrize("codes", [
    ("sys_admin", "sec_admin"), ("sec_admin", "audit_admin"), ("sys_admin", "audit_admin"),
    ("audit_admin", "centre_director"),
])
def test_no_account_holds_two_administrator_roles_or_more(cast, codes):
    with pytest.raises(ValidationError):
        services.user_create(actor=cast.security_admin, username="x1", password="Strong#Pass1",
                             org_unit=None, roles=roles(*codes))
    assert not User.objects.filter(username="x1").exists()
    # Below the services too: adding the second role directly is refused.
    with pytest.raises(ValidationError):
        cast.system_admin.roles.add(*roles(*codes))


def test_roles_cannot_take_another_administrators_capabilities(cast):
    sys_role = Role.objects.get(code="sys_admin")
    for capability in ("audit.view", "accounts.manage"):
        with pytest.raises(ValidationError):
            services.role_set_capabilities(actor=cast.security_admin, role=sys_role, capabilities=[capability])
    with pytest.raises(ValidationError):
        services.role_set_capabilities(actor=cast.security_admin, role=Role.objects.get(code="audit_admin"),
                                       capabilities=["audit.view", "org.edit"])
    sys_role.refresh_from_db()
    assert sys_role.capabilities == ["reference.manage"]


def test_system_administrator_cannot_read_the_audit_log(cast, client_for):
    client = client_for(cast.system_admin)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/reference/regions/").status_code == 200


def test_audit_administrator_reads_but_changes_nothing(cast, client_for):
    client = client_for(cast.auditor)
    assert client.get("/audit/").status_code == 200
    assert client.post("/audit/").status_code == 405
    unit = cast.county_director.org_unit
    assert client.post(f"/stations/{unit.pk}/edit", {"name": "x", "version": unit.version}).status_code == 403
    assert client.post("/accounts/users/new", {}).status_code == 403
    assert client.post("/reference/regions/320115000000/edit", {"name": "x"}).status_code == 403
    assert client.post(f"/accounts/roles/{Role.objects.get(code='audit_admin').pk}/",
                       {"capabilities": ["org.edit"]}).status_code == 403


def test_security_administrator_manages_accounts_but_not_data_or_audit(cast, client_for):
    client = client_for(cast.security_admin)
    assert client.get("/accounts/users/").status_code == 200
    assert client.get("/accounts/roles/").status_code == 200
    assert client.get("/audit/").status_code == 403
    assert client.get("/stations/").status_code == 403
    assert client.get("/reference/regions/").status_code == 403


def test_business_roles_get_no_administration(cast, client_for):
    client = client_for(cast.county_director)
    for url in ("/audit/", "/accounts/users/", "/accounts/roles/", "/reference/regions/"):
        assert client.get(url).status_code == 403, url


def test_security_admin_creates_an_account_that_must_change_its_password(cast, client_for):
    response = client_for(cast.security_admin).post("/accounts/users/new", {
        "username": "gq_worker2", "full_name": "王芳", "org_unit": VILLAGE_CODE,
        "roles": [Role.objects.get(code="station_worker").pk], "password": "Guquan#2026",
    })
    assert response.status_code == 302
    user = User.objects.get(username="gq_worker2")
    assert user.must_change_password and user.org_unit.region_code == VILLAGE_CODE
    entry = LogEntry.objects.get_for_object(user).first()
    assert entry.actor == cast.security_admin


@pytest.mark.parametrize("changes, message", [
    ({"password": "weak"}, "密码长度至少为 8 个字符"),
    ({"org_unit": "999999999999"}, "没有"),
    ({"username": "bad name!"}, ""),
    ({"roles": []}, ""),
])
def test_bad_account_input_is_refused_and_changes_nothing(cast, client_for, changes, message):
    data = {"username": "gq_worker3", "full_name": "李强", "org_unit": VILLAGE_CODE,
            "roles": [Role.objects.get(code="station_worker").pk], "password": "Guquan#2026", **changes}
    response = client_for(cast.security_admin).post("/accounts/users/new", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(full_name="李强").exists()


def test_two_admin_roles_in_the_form_get_a_clear_message(cast, client_for):
    response = client_for(cast.security_admin).post("/accounts/users/new", {
        "username": "two_hats", "full_name": "赵六", "org_unit": "",
        "roles": [r.pk for r in roles("sys_admin", "audit_admin")], "password": "Guquan#2026",
    })
    assert "三员分立" in response.content.decode()
    assert not User.objects.filter(username="two_hats").exists()


def test_security_admin_unlocks_a_locked_account(cast, client_for):
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "village_worker", "password": "wrong#Pass1"})
    admin = client_for(cast.security_admin)
    assert "已锁定" in admin.get("/accounts/users/").content.decode()
    assert admin.post(f"/accounts/users/{cast.village_worker.pk}/unlock").status_code == 302
    assert not AccessAttempt.objects.filter(username="village_worker").exists()
    assert Client().post("/accounts/login/", {"username": "village_worker", "password": PASSWORD}).status_code == 302


def test_security_admin_resets_a_password_and_edits_roles(cast, client_for):
    admin = client_for(cast.security_admin)
    admin.post(f"/accounts/users/{cast.leader.pk}/password", {"password": "Temp#Pass2026"})
    cast.leader.refresh_from_db()
    assert cast.leader.check_password("Temp#Pass2026") and cast.leader.must_change_password
    admin.post(f"/accounts/users/{cast.leader.pk}/", {
        "full_name": "领导", "org_unit": "320115000000", "roles": [Role.objects.get(code="centre_staff").pk],
        "is_active": "on"})
    assert set(cast.leader.roles.values_list("code", flat=True)) == {"leader"}  # until a second approves
    change = AccountChange.objects.get(account=cast.leader)
    client_for(cast.second_security_admin).post(f"/accounts/changes/{change.pk}/approve")
    assert set(cast.leader.roles.values_list("code", flat=True)) == {"centre_staff"}


def test_security_admin_cannot_deactivate_themself(cast, client_for):
    client_for(cast.security_admin).post(f"/accounts/users/{cast.security_admin.pk}/", {
        "full_name": "安全员", "org_unit": "", "roles": [Role.objects.get(code="sec_admin").pk]})
    cast.security_admin.refresh_from_db()
    assert cast.security_admin.is_active


def test_user_list_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.security_admin)
    with django_assert_max_num_queries(15):  # constant: sign-in context, one page, one prefetch
        client.get("/accounts/users/")


def test_administrators_act_within_their_own_subtree(cast, client_for):
    """A county's security administrator manages the county's accounts, not a neighbour's; its
    auditor reads what the county's accounts did, not what the neighbour's did."""
    from django.http import Http404

    from rongjia.core.services import org_unit_update
    from tests.factories import OUTSIDER_COUNTY, unit_at

    with pytest.raises(Http404):
        services.user_reset_password(actor=cast.security_admin, user=cast.outsider, password="Other#Pass2026x")
    with pytest.raises(ValidationError):  # nor place a new account there
        services.user_create(actor=cast.security_admin, username="neighbour", password="Other#Pass2026x",
                             org_unit=unit_at(OUTSIDER_COUNTY + "000000"), roles=[Role.objects.get(
                                 code="station_worker")])
    assert not User.objects.filter(username="neighbour").exists()
    assert "outsider" not in client_for(cast.security_admin).get("/accounts/users/").content.decode()
    unit = unit_at(OUTSIDER_COUNTY + "000000")
    org_unit_update(actor=cast.outsider, unit=unit, version=unit.version, phone="025-88880000")
    own = unit_at(VILLAGE_CODE)
    org_unit_update(actor=cast.county_director, unit=own, version=own.version, phone="025-88880001")
    page = client_for(cast.auditor).get("/audit/").content.decode()
    assert "025-88880001" in page and "025-88880000" not in page
