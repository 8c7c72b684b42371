"""Reads of the books: who was on them on a past day, duplicates, transfers (all scoped)."""

from datetime import date

from django.db.models import Count, OuterRef, Subquery

from rongjia.core.scoping import scope_prefix

from .models import Person, StatusChange, Transfer


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


def transfers_for(user, *, direction: str):
    """Open and decided transfers: "in" to the viewer's stations, "out" from them."""
    prefix = scope_prefix(user)
    transfers = Transfer.objects.visible_to(user).select_related("person", "from_station", "to_station",
                                                                 "proposed_by", "decided_by")
    if prefix is None:
        return transfers.none()
    side = "to_station" if direction == "in" else "from_station"
    return transfers.filter(**{f"{side}__region_code__startswith": prefix}).order_by("state", "-proposed_at")
