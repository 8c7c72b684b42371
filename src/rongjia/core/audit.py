"""Audit helpers: attribute the entries that django-auditlog writes to the right person.

django-auditlog records every create/update/delete of a registered model from the model
signals, inside the same transaction as the change. In a web request its middleware names
the signed-in user and the client IP; services called from the API (token auth), from
commands or jobs name their actor explicitly with `audit_actor`.
"""

import contextlib

from auditlog.context import auditlog_value, set_extra_data
from auditlog.models import LogEntry


@contextlib.contextmanager
def audit_actor(actor):
    # Always open a context of our own: django-auditlog leaves its context variable set after
    # its block ends (only the signal is disconnected), so a context that merely looks like
    # ours may be a dead one left behind.
    previous = auditlog_value.get(None)
    context = {"actor": actor, "remote_addr": None, "remote_port": None}
    if previous:
        context["remote_addr"] = previous.get("remote_addr")
        context["remote_port"] = previous.get("remote_port")
    try:
        with set_extra_data(context_data=context):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def log_access(*, actor, obj, what: str, reason: str = "", **details) -> LogEntry:
    """An audited read (等保 8.1.4.3): who read what of whom, when, why — never the value itself."""
    context = auditlog_value.get(None) or {}
    return LogEntry.objects.log_create(
        obj, action=LogEntry.Action.ACCESS, changes=None, force_log=True, actor=actor,
        remote_addr=context.get("remote_addr"), additional_data={"what": what, "reason": reason, **details})


def log_export(*, actor, source: str, rows: int, filters: str = "", full: bool = False, reason: str = "") -> LogEntry:
    """A bulk export of personal data, masked or in full, is an audited read (等保 8.1.4.3): who took how
    many rows, from where, under which filter. A masked sheet is still names, addresses and birth dates.

    Recorded on the exporting account, since it is about a list rather than one record. `filters` must
    never hold a full ID number or phone (PersonFilterForm.audit_query gives the search masked).
    """
    return log_access(actor=actor, obj=actor, what="export_full" if full else "export", reason=reason,
                      source=source, rows=rows, filters=filters)
