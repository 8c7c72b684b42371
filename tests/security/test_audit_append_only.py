"""The audit log is append-only in the database (a trigger on SQLite and PostgreSQL): no entry is
changed, none younger than 184 days is deleted; purge_audit removes only older ones."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rongjia.core.services import org_unit_update
from tests.factories import VILLAGE_CODE, unit_at


def audited_entry(cast) -> LogEntry:
    """Any audited write will do; each call changes the phone, so each makes an entry."""
    unit = unit_at(VILLAGE_CODE)
    phone = f"025-5271{LogEntry.objects.count():04d}"
    org_unit_update(actor=cast.county_director, unit=unit, version=unit.version, phone=phone)
    return LogEntry.objects.latest("id")


def age(entry: LogEntry, days: int) -> None:
    """Backdate an entry the way time would: below the ORM, with the trigger briefly out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: ALTER TABLE needs that
            cursor.execute("ALTER TABLE auditlog_logentry DISABLE TRIGGER auditlog_append_only")
            cursor.execute("UPDATE auditlog_logentry SET timestamp = %s WHERE id = %s",
                           [timezone.now() - timedelta(days=days), entry.pk])
            cursor.execute("ALTER TABLE auditlog_logentry ENABLE TRIGGER auditlog_append_only")
        else:
            cursor.execute("DROP TRIGGER auditlog_no_update")
            cursor.execute("UPDATE auditlog_logentry SET timestamp = datetime('now', %s) WHERE id = %s",
                           [f"-{days} days", entry.pk])
            cursor.execute("CREATE TRIGGER auditlog_no_update BEFORE UPDATE ON auditlog_logentry "
                           "BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END")


def test_an_entry_cannot_be_changed_or_deleted_early(cast):
    entry = audited_entry(cast)
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    age(entry, 100)
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_purge_removes_only_entries_past_retention(cast):
    kept, old = audited_entry(cast), audited_entry(cast)
    age(old, 200)
    with pytest.raises(CommandError):
        call_command("purge_audit", days=30, stdout=io.StringIO())
    call_command("purge_audit", stdout=io.StringIO())
    assert LogEntry.objects.filter(pk=kept.pk).exists() and not LogEntry.objects.filter(pk=old.pk).exists()


def test_looking_at_a_priority_persons_dossier_is_an_audited_read(cast, client_for):
    from tests.factories import person_at

    ordinary, priority = person_at(cast.village_worker, name="普通对象", seq=61), person_at(
        cast.village_worker, name="重点对象", seq=62, priority=True)
    client = client_for(cast.village_worker)
    for person in (ordinary, priority):
        assert client.get(f"/people/{person.pk}/").status_code == 200
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="priority_view")
    assert list(reads.values_list("object_pk", "actor__username")) == [(str(priority.pk), "village_worker")]
