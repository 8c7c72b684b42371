"""Reads of the books: who was on them on a past day, duplicates, transfers (all scoped)."""

from datetime import date

from django.db.models import Case, Count, OuterRef, Subquery, Value, When

from rongjia.core.scoping import scope_prefix, subtree_q

from ..models import Person, StatusChange, Transfer


def people_on_books(user, day: date):
    """The people on the books of the viewer's stations at the end of `day`, from the change history.

    For each person the latest change on or before `day` decides: a 新增, 迁入 or restored
    contact means on the books, at that change's station; anything else means off them. The
    station is the one of that day, not today's, so a person moved away since still counts
    where they were. Rows are StatusChange rows (with `person` and `station` joined).
    """
    latest = (StatusChange.objects.filter(person=OuterRef("person"), date__lte=day)
              .order_by("-date", "-id").values("id")[:1])
    return (StatusChange.objects.visible_to(user).filter(date__lte=day, kind__in=StatusChange.ON_BOOKS)
            .filter(id=Subquery(latest)).select_related("person", "station")
            .order_by("station__region_code", "person__name_initials", "person_id"))


def duplicate_groups(user):
    """ID numbers held by more than one dossier inside the viewer's scope, each with its dossiers.

    A centre sees the duplicates between the stations below it; a station's worker sees only
    those inside their own station. Returns a list of lists of people, largest groups first.
    """
    visible = Person.objects.visible_to(user)
    hashes = (visible.values("id_hash").annotate(n=Count("id")).filter(n__gt=1)
              .order_by("-n", "id_hash").values_list("id_hash", flat=True))
    groups: dict[str, list[Person]] = {}
    for person in visible.filter(id_hash__in=list(hashes[:500])).select_related("station").order_by("created_at"):
        groups.setdefault(person.id_hash, []).append(person)
    return sorted(groups.values(), key=lambda group: (-len(group), group[0].name_initials))


def incoming_transfers(user):
    """Transfers to the viewer's stations: the inbox, those awaiting a decision first."""
    return _transfers(user, side="to_station")


def outgoing_transfers(user):
    """Transfers from the viewer's stations, those still awaiting the receiver first."""
    return _transfers(user, side="from_station")


def _transfers(user, *, side: str):
    prefix = scope_prefix(user)
    if prefix is None:
        return Transfer.objects.none()
    awaiting = (Transfer.State.PROPOSED, Transfer.State.REQUESTED)
    awaiting_first = Case(When(state__in=awaiting, then=Value(0)), default=Value(1))
    return (Transfer.objects.visible_to(user).filter(subtree_q(f"{side}__region_code", prefix))
            .select_related("person", "from_station", "to_station", "proposed_by", "decided_by")
            .order_by(awaiting_first, "-proposed_at", "-id"))
