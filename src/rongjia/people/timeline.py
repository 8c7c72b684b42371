"""One timeline per person: everything that touched them, newest first.

This module is the one registration point. A source is a function `(person, pks) -> iterable of
Entry`, where `pks` holds the person's own primary key and those of records merged into it, so
a merged record's history stays on the survivor's timeline. Later modules (visits, petitions,
aid, benefits, jobs, tasks) add their own with `register(source)` in their AppConfig.ready():

    # visits/apps.py
    def ready(self):
        from rongjia.people import timeline
        from .selectors import visit_timeline_entries  # (person, pks) -> [timeline.Entry, …]
        timeline.register(visit_timeline_entries)

A source filters by `person_id__in=pks` (never by the person object alone, or a merged
record's history disappears), reads with select_related so it costs a fixed number of
queries, and dates by an aware datetime (`start_of(day)` for things that have only a date).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.audit_selectors import describe_changes

from .models import Person, PersonCategory, PersonMerge, StatusChange, Transfer


@dataclass(frozen=True)
class Entry:
    when: datetime
    kind: str  # a short key for the icon/colour: "created", "edited", "status", "transfer"…
    title: str
    detail: str = ""
    actor: str = ""
    link: str = ""  # a page with more (the visit, the petition…), if the viewer may open it


_SOURCES = []


def register(source):
    """Add a source of timeline entries; returns it, so it can be used as a decorator."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def timeline_for(person: Person, *, limit: int = 200) -> list[Entry]:
    pks = [person.pk, *PersonMerge.objects.filter(survivor=person).values_list("merged_pk", flat=True)]
    entries = [entry for source in _SOURCES for entry in source(person, pks)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]


def start_of(day: date) -> datetime:
    """A change dated by day (not by clock) sorts at the start of that day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(user) -> str:
    return user.get_full_name() or user.username if user else ""


@register
def audit_entries(person, pks):
    """Creation, edits and audited reads of the dossier itself, from the audit log."""
    entries = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person),
                                       object_pk__in=[str(pk) for pk in pks])
               .select_related("actor", "content_type").order_by("-timestamp")[:200])
    titles = {LogEntry.Action.CREATE: _("Dossier created"), LogEntry.Action.UPDATE: _("Dossier edited"),
              LogEntry.Action.DELETE: _("Duplicate record merged away")}
    for entry in entries:
        if entry.action == LogEntry.Action.ACCESS:
            what = (entry.additional_data or {}).get("what", "")
            yield Entry(entry.timestamp, "access", _("Sensitive read: %(what)s") % {"what": _describe_read(what)},
                        (entry.additional_data or {}).get("reason", ""), _name(entry.actor))
            continue
        changed = "；".join(f"{label}：{before or '—'} → {after or '—'}"
                           for label, before, after in describe_changes(entry))
        yield Entry(entry.timestamp, "edited" if entry.action == LogEntry.Action.UPDATE else "created",
                    titles.get(entry.action, ""), changed if entry.action == LogEntry.Action.UPDATE else "",
                    _name(entry.actor))


def _describe_read(what: str) -> str:
    return {"reveal:id_number": _("full ID number revealed"), "reveal:phone": _("full phone revealed"),
            "reveal:household:id_number": _("a household member's full ID number revealed"),
            "reveal:household:phone": _("a household member's full phone revealed"),
            "booklet": _("一人一册 printed"), "export_full": _("exported with full values"),
            "priority_view": _("dossier of a priority person viewed")}.get(what, what)


@register
def category_entries(person, pks):
    for span in PersonCategory.objects.filter(person__in=pks).select_related("category"):
        name = {"name": span.category.name}
        yield Entry(start_of(span.start_date), "category", _("Category from: %(name)s") % name)
        if span.end_date:
            yield Entry(start_of(span.end_date), "category", _("Category ended: %(name)s") % name)


@register
def status_entries(person, pks):
    for change in StatusChange.objects.filter(person__in=pks).select_related("station", "created_by"):
        yield Entry(start_of(change.date), "status", f"{change.get_kind_display()} · {change.station.name}",
                    change.reason, _name(change.created_by))


@register
def transfer_entries(person, pks):
    transfers = Transfer.objects.filter(person__in=pks).select_related("from_station", "to_station", "proposed_by",
                                                                        "decided_by")
    link = reverse("people:transfer_list")
    for transfer in transfers:
        route = f"{transfer.from_station.name} → {transfer.to_station.name}"
        yield Entry(transfer.proposed_at, "transfer", _("Transfer proposed: %(route)s") % {"route": route},
                    transfer.reason, _name(transfer.proposed_by), link)
        if transfer.decided_at:
            yield Entry(transfer.decided_at, "transfer", f"{transfer.get_state_display()}：{route}",
                        transfer.decision_note, _name(transfer.decided_by), link)


@register
def merge_entries(person, pks):
    for merge in PersonMerge.objects.filter(survivor=person).select_related("merged_station", "merged_by"):
        yield Entry(merge.merged_at, "merge", _("Duplicate record from %(station)s merged into this one")
                    % {"station": merge.merged_station.name}, "", _name(merge.merged_by))
