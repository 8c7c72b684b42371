"""Every bulk export of personal data, masked too, is an audited read: who, how many rows, which filter
(issue 15, finding 1: a grid worker's masked export left no trace). A refused export writes nothing."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from tests.factories import person_at

ID_NUMBER_AND_PHONE = ("320115197709031231", "13912345678")


@pytest.fixture
def people(cast):
    person_at(cast.village_worker, name="周建国", id_number=ID_NUMBER_AND_PHONE[0], phone=ID_NUMBER_AND_PHONE[1],
              registered_on=date(2020, 1, 1))
    person_at(cast.village_worker, name="吴建军", seq=3, registered_on=date(2020, 1, 1))


def exports():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                   additional_data__what__in=["export", "export_full"]).order_by("pk")


def test_a_grid_workers_masked_export_is_recorded_with_its_count_and_filter(cast, client_for, people):
    response = client_for(cast.grid_worker).get("/people/export.xlsx?status=active&q=周")
    assert response.status_code == 200
    [entry] = exports()
    assert entry.actor == cast.grid_worker and entry.additional_data["what"] == "export"
    assert entry.additional_data["rows"] == 1 and entry.additional_data["source"] == "/people/export.xlsx"
    assert set(entry.additional_data["filters"].split("&")) == {"status=active", "q=%E5%91%A8"}


def test_an_export_searched_by_a_full_number_records_the_filter_masked(cast, client_for, people):
    client = client_for(cast.village_worker)
    client.get(f"/people/export.xlsx?q={ID_NUMBER_AND_PHONE[0]}")
    [entry] = exports()
    assert entry.additional_data["rows"] == 1
    filters = entry.additional_data["filters"]
    assert "q=32011519770903****".replace("*", "%2A") in filters
    assert ID_NUMBER_AND_PHONE[0] not in filters and "qt=" not in filters  # nor its encrypted form


def test_the_full_export_records_its_count_filter_and_reason(cast, client_for, people):
    client = client_for(cast.county_director)
    client.post("/people/export-full.xlsx?status=active", {"reason": "核对", "confirm": "on"})
    client.post(f"/people/export-full.xlsx?q={ID_NUMBER_AND_PHONE[1]}", {"reason": "回访", "confirm": "on"})
    listed, searched = exports()
    assert (listed.additional_data["what"], listed.additional_data["rows"], listed.additional_data["filters"],
            listed.additional_data["reason"]) == ("export_full", 2, "status=active", "核对")
    assert searched.additional_data["rows"] == 1 and searched.additional_data["filters"] == "q=139%2A%2A%2A%2A5678"


def test_the_as_of_export_and_the_ledger_command_are_recorded(cast, client_for, people, tmp_path):
    client_for(cast.village_worker).get("/people/as-of/export.xlsx?day=2024-01-01")
    call_command("export_people", str(tmp_path / "ledger.xlsx"), "--as", "grid_worker", stdout=io.StringIO())
    as_of, ledger = exports()
    assert (as_of.actor, as_of.additional_data["rows"], as_of.additional_data["filters"]) == (
        cast.village_worker, 2, "day=2024-01-01")
    assert (ledger.actor, ledger.additional_data["what"], ledger.additional_data["rows"]) == (
        cast.grid_worker, "export", 2)
    assert ledger.additional_data["source"] == "manage.py export_people"


def test_a_sheet_of_contact_cards_is_recorded_when_made(cast, client_for, people, django_capture_on_commit_callbacks,
                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):  # the job, run as the worker would
        response = client_for(cast.village_worker).post("/people/cards/?q=周")
    assert response.status_code == 302
    [entry] = exports()
    assert (entry.additional_data["rows"], entry.additional_data["source"]) == (1, "/people/cards/")
    assert entry.actor == cast.village_worker and entry.additional_data["filters"] == "q=%E5%91%A8"


def test_the_audit_logs_own_export_is_recorded(cast, client_for, people):
    client_for(cast.auditor).get("/audit/export.xlsx?actor=village_worker")
    entry = exports().get()
    assert entry.actor == cast.auditor and entry.additional_data["filters"] == "actor=village_worker"
    assert entry.additional_data["rows"] == LogEntry.objects.filter(actor=cast.village_worker).count()


@pytest.mark.parametrize(("user", "url", "status"), [
    ("grid_worker", "/people/export.xlsx?region=320114", 404),  # a region outside the scope
    ("village_worker", "/people/as-of/export.xlsx?day=not-a-day", 404),
    ("village_worker", "/people/as-of/export.xlsx", 404),
    ("leader", "/people/export-full.xlsx", 403),
    ("village_worker", "/audit/export.xlsx", 403),
])
def test_a_refused_export_records_nothing(cast, client_for, people, user, url, status):
    assert client_for(getattr(cast, user)).get(url).status_code == status
    assert not exports().exists()


def test_a_refused_sheet_of_cards_records_nothing(cast, client_for, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.outsider).post("/people/cards/")
    assert response.status_code == 302  # nobody to print: back to the list with a message, nothing queued
    assert not exports().exists()


def test_an_outsiders_export_holds_nobody_of_ours(cast, client_for, people):
    response = client_for(cast.outsider).get("/people/export.xlsx")
    assert response.status_code == 200 and "周建国".encode() not in response.content
    assert exports().get().additional_data["rows"] == 0


def test_the_auditor_reads_an_export_in_words_with_its_count_and_filter(cast, client_for, people):
    client_for(cast.grid_worker).get("/people/export.xlsx?status=active&q=周")
    page = client_for(cast.auditor).get("/audit/?actor=grid_worker").content.decode()
    assert "导出（已脱敏）" in page and "行数" in page and "q=周" in page and "/people/export.xlsx" in page
