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
