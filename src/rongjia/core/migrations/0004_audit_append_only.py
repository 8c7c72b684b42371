"""The audit log is append-only in the database itself (等保 8.1.4.3): no entry can be changed, and
none younger than the retention minimum (184 days) can be deleted, whatever the application does.
`manage.py purge_audit` removes only older entries."""

from django.db import migrations

RETENTION_DAYS = 184

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION rongjia_audit_append_only() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit log entries cannot be changed';
      END IF;
      IF OLD.timestamp > now() - interval '{RETENTION_DAYS} days' THEN
        RAISE EXCEPTION 'audit log entries younger than {RETENTION_DAYS} days cannot be deleted';
      END IF;
      RETURN OLD;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION rongjia_audit_append_only()
    """,
]
POSTGRESQL_REVERSE = ["DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog_logentry",
                      "DROP FUNCTION IF EXISTS rongjia_audit_append_only()"]
# SQLite keeps timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text in UTC: datetime() compares as text.
SQLITE = [
    """
    CREATE TRIGGER auditlog_no_update BEFORE UPDATE ON auditlog_logentry
    BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END
    """,
    f"""
    CREATE TRIGGER auditlog_no_early_delete BEFORE DELETE ON auditlog_logentry
    WHEN OLD.timestamp > datetime('now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit log entries younger than {RETENTION_DAYS} days cannot be deleted'); END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS auditlog_no_update", "DROP TRIGGER IF EXISTS auditlog_no_early_delete"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0003_holidays_2024_2026"), ("auditlog", "0017_add_actor_email")]
    operations = [migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                                       _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}))]
