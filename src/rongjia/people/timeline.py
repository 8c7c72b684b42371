"""One timeline per person: everything that touched them, newest first, as the viewer may see it.

The timeline, the dossier page's sections and the 一人一册 booklet are read only through core's
registry (`rongjia.core.contributions`). This module registers the dossier's own history (its
creation, edits and audited reads, categories, the books and merges) as one contribution; later
modules (petitions, visits, aid…) register theirs in their AppConfig.ready(). A contribution takes
`(viewer, person, pks)`, where `pks` holds the person's own primary key and those of records
merged into it, so a merged record's history stays on the survivor's timeline. It filters by
`person_id__in=pks`, starts from `visible_to(viewer)` where its rows are scoped apart from the
dossier, reads with select_related so it costs a fixed number of queries, and dates by an aware
datetime (`start_of(day)` for things that have only a date).

The dossier's own books (its status changes and transfers) travel with the dossier: a county that
receives a person reads where they were on the books before. What other modules link to the person
(a petition, a visit) does not: it is shown only where the viewer may open it.
"""

from datetime import date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core import contributions
from rongjia.core.audit_selectors import describe_entries, describe_read
from rongjia.core.contributions import Entry
from rongjia.core.history import actor_name

from .models import Person, PersonCategory, PersonMerge, StatusChange, Transfer

__all__ = ["Entry", "person_pks", "start_of", "timeline_for"]


def person_pks(person: Person) -> list[int]:
    """The person's own primary key and those of the duplicate records merged into it."""
    return [person.pk, *PersonMerge.objects.filter(survivor=person).values_list("merged_pk", flat=True)]


def timeline_for(viewer, person: Person, *, limit: int = 200) -> tuple[list[Entry], list[str]]:
    """The entries the viewer may see, newest first, and notes of linked records outside the scope."""
    return contributions.timeline(viewer, person, person_pks(person), limit=limit)


def start_of(day: date) -> datetime:
    """A change dated by day (not by clock) sorts at the start of that day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(person, pks):
    """Creation, edits and audited reads of the dossier itself, from the audit log."""
    entries = list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person),
                                           object_pk__in=[str(pk) for pk in pks])
                   .select_related("actor", "content_type").order_by("-timestamp")[:200])
    titles = {LogEntry.Action.CREATE: _("Dossier created"), LogEntry.Action.UPDATE: _("Dossier edited"),
              LogEntry.Action.DELETE: _("Duplicate record merged away")}
    for entry, rows in zip(entries, describe_entries(entries), strict=True):
        if entry.action == LogEntry.Action.ACCESS:
            what = (entry.additional_data or {}).get("what", "")
            yield Entry(entry.timestamp, "access", _("Sensitive read: %(what)s") % {"what": describe_read(what)},
                        (entry.additional_data or {}).get("reason", ""), actor_name(entry.actor))
            continue
        changed = "；".join(f"{row.label}：{row.text}" for row in rows)
        yield Entry(entry.timestamp, "edited" if entry.action == LogEntry.Action.UPDATE else "created",
                    titles.get(entry.action, ""), changed if entry.action == LogEntry.Action.UPDATE else "",
                    actor_name(entry.actor))


def category_entries(person, pks):
    for span in PersonCategory.objects.filter(person__in=pks).select_related("category"):
        name = {"name": span.category.name}
        yield Entry(start_of(span.start_date), "category", _("Category from: %(name)s") % name)
        if span.end_date:
            yield Entry(start_of(span.end_date), "category", _("Category ended: %(name)s") % name)


def status_entries(person, pks):
    for change in StatusChange.objects.filter(person__in=pks).select_related("station", "created_by"):
        yield Entry(start_of(change.date), "status", f"{change.get_kind_display()} · {change.station.name}",
                    change.reason, actor_name(change.created_by))


def transfer_entries(person, pks):
    transfers = Transfer.objects.filter(person__in=pks).select_related("from_station", "to_station", "proposed_by",
                                                                        "decided_by")
    link = reverse("people:transfer_list")
    for transfer in transfers:
        route = f"{transfer.from_station.name} → {transfer.to_station.name}"
        proposed = _("Transfer requested: %(route)s") if transfer.requested else _("Transfer proposed: %(route)s")
        yield Entry(transfer.proposed_at, "transfer", proposed % {"route": route},
                    transfer.reason, actor_name(transfer.proposed_by), link)
        if transfer.decided_at:
            yield Entry(transfer.decided_at, "transfer", f"{transfer.get_state_display()}：{route}",
                        transfer.decision_note, actor_name(transfer.decided_by), link)


def merge_entries(person, pks):
    for merge in PersonMerge.objects.filter(survivor=person).select_related("merged_station", "merged_by"):
        yield Entry(merge.merged_at, "merge", _("Duplicate record from %(station)s merged into this one")
                    % {"station": merge.merged_station.name}, "", actor_name(merge.merged_by))


def dossier_entries(viewer, person, pks):
    """The dossier's own history: it is the record the viewer opened, so it needs nothing beyond people.view."""
    for source in (audit_entries, category_entries, status_entries, transfer_entries, merge_entries):
        yield from source(person, pks)


# Registered in PeopleConfig.ready(), first on every dossier.
DOSSIER = contributions.DossierContribution(key="dossier", capability="people.view", entries=dossier_entries, order=0)
