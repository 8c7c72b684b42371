"""The audit viewer: filters, export, read-only, for the audit administrator alone."""

import io

from auditlog.models import LogEntry
from openpyxl import load_workbook

from rongjia.core import services
from tests.factories import VILLAGE_CODE, unit_at


def _change_phone(actor, phone):
    return _change(actor, phone=phone)


def _change(actor, **fields):
    unit = unit_at(VILLAGE_CODE)
    services.org_unit_update(actor=actor, unit=unit, version=unit.version, **fields)
    return unit


def test_auditor_reads_who_changed_what(cast, client_for):
    unit = _change_phone(cast.village_worker, "025-52713333")
    page = client_for(cast.auditor).get("/audit/?actor=village_worker").content.decode()
    assert "025-52713333" in page and unit.name in page and "village_worker" in page


def test_filters_narrow_the_entries(cast, client_for):
    _change_phone(cast.village_worker, "025-52714444")
    client = client_for(cast.auditor)
    entries = client.get("/audit/?actor=street_worker").context["page"].paginator.count
    assert entries == 0
    update = client.get(f"/audit/?action={LogEntry.Action.UPDATE}&actor=village_worker").context["page"]
    assert update.paginator.count == 1
    assert client.get("/audit/?date_from=2000-01-01&date_to=2000-01-02").context["page"].paginator.count == 0
    assert client.get("/audit/?date_from=not-a-date&action=99").status_code == 200  # bad filters ignored


def test_export_is_a_real_spreadsheet(cast, client_for):
    _change(cast.village_worker, address="=HYPERLINK(\"http://evil\")")
    response = client_for(cast.auditor).get("/audit/export.xlsx?actor=village_worker")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][2] == "village_worker"  # the account beside the real name (tests/core/test_history_words.py)
    # A value that would run as a formula is neutralised in the export.
    assert not any(str(cell).startswith("=") for cell in rows[1])
    assert "=HYPERLINK" in rows[1][8]


def test_the_application_offers_no_way_to_change_an_entry(cast, client_for):
    _change_phone(cast.village_worker, "025-52715555")
    entry = LogEntry.objects.latest("timestamp")
    client = client_for(cast.auditor)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/audit/").status_code == 405
    assert client.get(f"/audit/{entry.pk}/delete").status_code == 404
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_audit_list_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    for n in range(5):
        _change_phone(cast.village_worker, f"025-5271000{n}")
    client = client_for(cast.auditor)
    with django_assert_max_num_queries(14):
        client.get("/audit/")


def test_entries_read_in_chinese_with_field_names_and_role_changes(cast, client_for):
    from rongjia.accounts.approvals import decide
    from rongjia.accounts.models import Role
    from rongjia.accounts.services import user_update

    change = user_update(actor=cast.security_admin, user=cast.leader, full_name="李领导",
                         org_unit=cast.leader.org_unit, roles=[Role.objects.get(code="centre_staff")], is_active=True)
    page = client_for(cast.auditor).get("/audit/?actor=security_admin").content.decode()
    assert "姓名" in page and "李领导" in page  # the field's verbose name, not "full_name"
    assert "修改" in page and "argon2" not in page
    decide(actor=cast.second_security_admin, pk=change.pk, action="approve")  # the roles change when approved
    page = client_for(cast.auditor).get("/audit/?actor=second_security_admin").content.decode()
    assert "角色" in page and "加入：" in page and "中心工作人员" in page


def test_auditor_reads_sign_ins_and_failures(cast, client_for):
    from django.test import Client

    from tests.factories import PASSWORD

    Client().post("/accounts/login/", {"username": "street_worker", "password": "wrong#Pass1"})
    Client().post("/accounts/login/", {"username": "street_worker", "password": PASSWORD})
    client = client_for(cast.auditor)
    ok = client.get("/audit/sign-ins/?username=street_worker").context["page"]
    failed = client.get("/audit/sign-ins/?username=street_worker&result=failed")
    assert ok.paginator.count == 1 and failed.context["page"].paginator.count == 1
    assert "wrong#Pass1" not in failed.content.decode()
    assert client_for(cast.system_admin).get("/audit/sign-ins/").status_code == 403
    assert client_for(cast.county_director).get("/audit/sign-ins/").status_code == 403


def test_a_state_reads_as_its_label_not_its_code(cast, client_for):
    from rongjia.accounts.approvals import decide
    from rongjia.accounts.models import Role
    from rongjia.accounts.services import user_update

    change = user_update(actor=cast.security_admin, user=cast.leader, full_name="领导", org_unit=cast.leader.org_unit,
                         roles=[Role.objects.get(code="centre_staff")], is_active=True)
    decide(actor=cast.second_security_admin, pk=change.pk, action="reject", note="无此岗位")
    page = client_for(cast.auditor).get("/audit/?actor=second_security_admin").content.decode()
    assert "待批准 → 已驳回" in page and "proposed" not in page
