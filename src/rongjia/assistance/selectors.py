"""Reads of aid applications for the pages; each starts from `visible_to` (DESIGN rule 1).

The list's filters and sorts, whose turn an application waits for, the levels it climbs with the unit at each,
its history in words and the rows of the 公示 sheet. The ID numbers and phones of applicants are never loaded by
a list or the sheet: they are not shown there, and an encrypted column costs a decryption per row.
"""

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from rongjia.core.masking import mask_name
from rongjia.core.models import OrgUnit
from rongjia.core.regions import PREFIX_LENGTH, pad_code
from rongjia.core.scoping import at_or_above_q, region_prefix_or_404
from rongjia.core.workflow import steps_open_to

from .models import AidApplication, AidKind, AidObjection, Referral
from .workflow import APPLICATION, level_name

S = AidApplication.State
OPEN_STATES = (S.REVIEWING, S.PUBLICITY, S.APPROVED)  # a level still has something to do
UNSHOWN_PERSON_FIELDS = ("person__id_number", "person__phone", "person__phone_alt")
SORTS = {"date": ("registered_on", "id"), "-date": ("-registered_on", "-id"),
         "amount": ("amount_requested", "id"), "-amount": ("-amount_requested", "-id")}
# What the proposal or the approval is, whichever came last: a batch approves the amount proposed (or asked).
AMOUNT_DUE = Coalesce("amount_proposed", "amount_requested", output_field=DecimalField(max_digits=12,
                                                                                      decimal_places=2))


def my_turn_q(user) -> Q:
    """Applications waiting for the viewer's own level: under review there, or at the last level (which is the
    viewer's) in 公示 or approved and not yet paid. Visible rows at the viewer's level are the viewer's unit's."""
    level = getattr(user.org_unit, "level", None)
    return Q(state__in=OPEN_STATES, level=level) if level else Q(pk__in=[])


def with_objection_waiting(applications):
    """`objection=open`: applications in their 公示 with an objection not yet answered (approval waits for it)."""
    open_objection = AidObjection.objects.filter(application=OuterRef("pk"), resolved_on__isnull=True)
    return applications.filter(Exists(open_objection), state=S.PUBLICITY)


def application_list(user, *, state: str = "", kind: int | None = None, mine: bool = False, q: str = "",
                     sort: str = "", objection: bool = False):
    applications = (AidApplication.objects.visible_to(user).select_related("person", "station", "kind")
                    .defer(*UNSHOWN_PERSON_FIELDS))
    if state in S.values:
        applications = applications.filter(state=state)
    if kind:
        applications = applications.filter(kind_id=kind)
    if mine:
        applications = applications.filter(my_turn_q(user))
    if objection:
        applications = with_objection_waiting(applications)
    if q.strip():
        applications = applications.filter(person__name__icontains=q.strip())
    return applications.order_by(*SORTS.get(sort, SORTS["-date"]))


def whose_turn(application: AidApplication) -> str:
    """The level whose turn it is, in words; "" once nothing is left to do."""
    return level_name(application.level) if application.state in OPEN_STATES else ""


def units_above(station: OrgUnit, levels) -> dict[int, OrgUnit]:
    """The centre or station at each of `levels` above (or at) a station: who reviews at each level."""
    units = OrgUnit.objects.filter(at_or_above_q("region_code", station.region_code), level__in=list(levels),
                                   kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
    return {unit.level: unit for unit in units}


def levels_path(application: AidApplication) -> list[dict]:
    """村 → 乡 → 县 as this application climbs it: each level, its unit, and whether it is done or current."""
    units = units_above(application.station, application.levels)
    open_now = application.state in OPEN_STATES
    path = []
    for level in application.levels:
        current = open_now and level == application.level
        done = level > application.level or (level == application.level and application.state == S.PAID)
        path.append({"level": level, "name": level_name(level), "unit": units.get(level), "current": current,
                     "done": done})
    return path


def history(application: AidApplication) -> list:
    """Each step in words: when, who, the unit, the level, the step's name, the opinion and the amount."""
    labels = {"register": _("Registered"), **APPLICATION.action_labels()}
    events = list(application.events.select_related("actor", "unit"))
    for event in events:
        event.label = labels.get(event.action, event.action)
        event.level_name = level_name(event.level) if event.level else ""
    return events


def ready_totals(applications) -> dict:
    """How many applications and how much money a batch would approve."""
    return applications.aggregate(count=Count("id"), total=Coalesce(Sum(AMOUNT_DUE), 0,
                                                                    output_field=AMOUNT_DUE.output_field))


def ready_by_kind(applications) -> dict[int, dict]:
    """The same, per kind of aid, in one query."""
    rows = (applications.order_by().values("kind").annotate(count=Count("id"), total=Sum(AMOUNT_DUE)))
    return {row["kind"]: {"count": row["count"], "total": row["total"]} for row in rows}


# --- the 公示 sheet ----------------------------------------------------------------------------------------------

def masked_name(name: str, rule: str) -> str:
    """The name as the kind posts it: 张** (surname only) or 张*丰 (first and last character); two characters
    are 张* either way, as the last character would otherwise be the whole given name."""
    if rule == AidKind.NameMask.ENDS and len(name) > 2:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return mask_name(name)


def publicity_rows(user, *, kind: str = "", region: str = "") -> list[dict]:
    """Every application in 公示 the viewer may see, for the printed sheet: the masked name, the station, the kind,
    the amount proposed, the period and where to object. Nothing else of the applicant leaves the system."""
    applications = (AidApplication.objects.visible_to(user).filter(state=S.PUBLICITY)
                    .select_related("person", "station", "kind")
                    .only("id", "region_code", "levels", "amount_proposed", "amount_requested", "publicity_from",
                          "publicity_until", "person__name", "station__name", "station__level", "kind__name",
                          "kind__name_mask")
                    .order_by("region_code", "kind__position", "id"))
    if kind.isdigit():
        applications = applications.filter(kind_id=int(kind))
    if region:
        applications = applications.in_subtree(region_prefix_or_404(user, region))
    applications = list(applications)
    venues = _objection_units(applications)
    return [{"pk": a.pk, "name": masked_name(a.person.name, a.kind.name_mask), "station": a.station.name,
             "kind": a.kind.name, "amount": a.amount_proposed or a.amount_requested, "from": a.publicity_from,
             "until": a.publicity_until, "venue": venues.get(_last_code(a))} for a in applications]


def _last_code(application: AidApplication) -> str:
    """The padded code of the last level above the station: its centre registers the approval and hears
    objections."""
    last = application.levels[-1] if application.levels else application.station.level
    return pad_code(application.region_code[:PREFIX_LENGTH[last]])


def _objection_units(applications) -> dict[str, OrgUnit]:
    """The units that hear objections, in one query for the whole sheet."""
    codes = {_last_code(a) for a in applications}
    units = OrgUnit.objects.filter(region_code__in=codes, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])
    return {unit.region_code: unit for unit in units.only("region_code", "name", "phone")}


def steps_offered(application: AidApplication, viewer) -> list[str]:
    """The steps the engine would let the viewer take, less those that would only be refused today: answering
    when no objection waits, approving before the 公示 is over or while an objection waits."""
    steps = steps_open_to(APPLICATION, application, viewer)
    if "answer" in steps or "approve" in steps:
        waiting = application.objections.filter(resolved_on__isnull=True).exists()
        over = application.publicity_until is not None and application.publicity_until < timezone.localdate()
        steps = [action for action in steps
                 if not (action == "answer" and not waiting) and not (action == "approve" and (waiting or not over))]
    return steps


def review_overdue_q(today) -> Q:
    """Households still in hardship whose review date has passed: the ledger's filter and the workbench's count."""
    return Q(until__isnull=True, review_due__lt=today)


def referral_overdue_q(today) -> Q:
    """Referrals sent and not answered by the day the answer was expected."""
    return Q(state=Referral.State.SENT, answer_due__lt=today)


def in_region(request, records):
    """Narrow a list to `?region=<prefix>` (a region inside the viewer's scope, else 404): how the statistics'
    figures of each region open exactly the records they count."""
    region = request.GET.get("region", "").strip()
    return records.in_subtree(region_prefix_or_404(request.user, region)) if region else records
