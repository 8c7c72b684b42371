"""Every read of visits and care, starting from `visible_to(viewer)`."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum

from rongjia.core.models import OrgUnit
from rongjia.core.regions import CODE_LENGTH, PREFIX_LENGTH, pad_code
from rongjia.core.scoping import scope_prefix, subtree_q
from rongjia.people.models import Person

from .coverage import priority_q
from .honours import RULE_BEGAN
from .models import Campaign, DueVisit, FollowUp, Merit, Plaque, Visit


def visit_list(viewer, *, region: str = "", kind: str = "", since: date | None = None, until: date | None = None,
               campaign: int | None = None, person: int | None = None):
    visits = Visit.objects.visible_to(viewer).select_related("person", "station", "recorded_by", "campaign")
    if region:
        visits = visits.in_subtree(region)
    if kind:
        visits = visits.filter(kind=kind)
    if since:
        visits = visits.filter(visited_on__gte=since)
    if until:
        visits = visits.filter(visited_on__lte=until)
    if campaign:
        visits = visits.filter(campaign_id=campaign)
    if person:
        visits = visits.filter(person_id=person)
    return visits.annotate(photo_count=Count("photos")).order_by("-visited_on", "-id")


def due_visits(viewer, *, since: date | None = None, until: date | None = None, region: str = ""):
    """Visits owed (必访) not yet made, soonest first."""
    owed = (DueVisit.objects.visible_to(viewer).filter(visit__isnull=True, person__status=Person.Status.ACTIVE)
            .select_related("person", "person__station"))
    if region:
        owed = owed.in_subtree(region)
    if since:
        owed = owed.filter(due_on__gte=since)
    if until:
        owed = owed.filter(due_on__lte=until)
    return owed


def follow_ups_of(viewer, *, mine: bool = False, open_only: bool = True):
    follow_ups = FollowUp.objects.visible_to(viewer).select_related("visit__person", "owner")
    if mine:
        follow_ups = follow_ups.filter(owner=viewer)
    if open_only:
        follow_ups = follow_ups.filter(done_on__isnull=True)
    return follow_ups


def campaign_list(viewer):
    return Campaign.objects.visible_to(viewer).select_related("unit")


def campaign_targets(viewer, campaign: Campaign, region: str = ""):
    """The people on the books the campaign reaches, inside the viewer's scope."""
    people = Person.objects.visible_to(viewer).filter(status=Person.Status.ACTIVE).filter(
        subtree_q("station__region_code", campaign.jurisdiction_code))
    if region:
        people = people.filter(subtree_q("station__region_code", region))
    if campaign.target == Campaign.Target.PRIORITY:
        people = people.filter(priority_q())
    return people.annotate(visited=Exists(Visit.objects.filter(campaign=campaign, person=OuterRef("pk"))))


def campaign_progress(viewer, campaign: Campaign, region: str = "") -> dict:
    targets = campaign_targets(viewer, campaign, region)
    spent = Visit.objects.visible_to(viewer).filter(campaign=campaign)
    if region:
        spent = spent.in_subtree(region)
    figures = targets.aggregate(total=Count("pk"), done=Count("pk", filter=Q(visited=True)))
    figures["spent"] = spent.aggregate(total=Sum("money"))["total"] or 0
    figures["budget"] = (campaign.budget_per_person or 0) * figures["total"]
    return figures


def _rolled_up(viewer, rows, count) -> list[dict]:
    """(station region code, value) rows summed per unit one level below the viewer's own (a county: its
    streets) by `count(row_dict, value)`, named after the unit: one query for the names."""
    prefix = scope_prefix(viewer) or ""
    length = next((size for size in sorted(PREFIX_LENGTH.values()) if size > len(prefix)), CODE_LENGTH)
    below: dict[str, dict] = {}
    for code, value in rows:
        count(below.setdefault(code[:length], {"code": code[:length]}), value)
    names = dict(OrgUnit.objects.filter(region_code__in=[pad_code(code) for code in below],
                                        kind__in=(OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION))
                 .values_list("region_code", "name"))
    for row in below.values():
        row["name"] = names.get(pad_code(row["code"]), row["code"])
    return sorted(below.values(), key=lambda row: row["code"])


def _add(row: dict, key: str) -> None:
    row[key] = row.get(key, 0) + 1


def campaign_progress_below(viewer, campaign: Campaign) -> list[dict]:
    """The campaign's people ("total") and those visited ("done") per unit one level below the viewer's."""
    def count(row, visited):
        _add(row, "total")
        row.setdefault("done", 0)
        if visited:
            _add(row, "done")

    return _rolled_up(viewer, campaign_targets(viewer, campaign).values_list("station__region_code", "visited"),
                      count)


def plaque_counts_below(viewer) -> list[dict]:
    """Per unit one level below the viewer's: the households eligible, those pending and each plaque state."""
    def count(row, state):
        for key in ("eligible", "pending", *Plaque.State.values):
            row.setdefault(key, 0)
        _add(row, "eligible")
        _add(row, state or "pending")

    return _rolled_up(viewer, plaque_eligible(viewer).values_list("station__region_code", "plaque__state"), count)


def plaque_list(viewer, *, state: str = ""):
    plaques = Plaque.objects.visible_to(viewer).select_related("person", "person__station")
    return plaques.filter(state=state) if state else plaques


def plaque_eligible(viewer):
    """People whose household may hold a plaque: on the books, or died on or after the rule began."""
    return Person.objects.visible_to(viewer).filter(
        Q(status=Person.Status.ACTIVE) | Q(status=Person.Status.DECEASED, deceased_on__gte=RULE_BEGAN))


def plaque_counts(viewer) -> dict:
    eligible = plaque_eligible(viewer)
    counts = {"eligible": eligible.count(), "pending": eligible.filter(plaque__isnull=True).count()}
    by_state = dict(plaque_list(viewer).order_by().values_list("state").annotate(n=Count("pk")))
    counts.update({state: by_state.get(state, 0) for state in Plaque.State.values})
    return counts


def merit_list(viewer, *, state: str = ""):
    merits = Merit.objects.visible_to(viewer).select_related("delivering_unit", "family_region")
    return merits.filter(state=state) if state else merits
