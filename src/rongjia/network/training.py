"""Training compliance (seed 003 (五)): every worker of the network is trained (轮训) at least once a year. Who in
post has no training this year, per unit and rolled up one level down, from the staff directory's training records
(a completed course writes one); the counts and the list are one predicate. Beside it: who still owes a month of
随岗锻炼, and how many courses each city and district centre organised."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from rongjia.core.models import OrgUnit
from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH
from rongjia.core.scoping import region_prefix_or_404, scope_prefix, subtree_q
from rongjia.core.selectors import prefix_names

from .models import Course, Placement, StaffMember, TrainingRecord
from .services_training import MONTH_DAYS, PLACEMENT_LEVELS


def trained_q(year: int) -> Q:
    """A staff member with a training record dated in the year."""
    return Q(Exists(TrainingRecord.objects.filter(staff=OuterRef("pk"), date__year=year)))


def staff_in_post(viewer, region: str = ""):
    staff = StaffMember.objects.visible_to(viewer).filter(active=True)
    if region:
        staff = staff.filter(subtree_q("unit__region_code", region_prefix_or_404(viewer, region)))
    return staff


def untrained(viewer, year: int, region: str = ""):
    """Staff in post with no training this year, unit by unit."""
    return (staff_in_post(viewer, region).exclude(trained_q(year)).select_related("unit")
            .order_by("unit__region_code", "name", "id"))


@dataclass
class TrainingRow:
    code: str
    name: str
    staff: int = 0
    trained: int = 0

    @property
    def untrained(self) -> int:
        return self.staff - self.trained

    @property
    def percent(self) -> int | None:
        return round(100 * self.trained / self.staff) if self.staff else None


def compliance(viewer, year: int, region: str = "") -> tuple[TrainingRow, list[TrainingRow]]:
    """The staff in post and those trained this year under `region` (default: the viewer's area), and per region
    one level down: two grouped queries."""
    prefix = region or scope_prefix(viewer) or ""
    staff = staff_in_post(viewer, region)
    figures = {"staff": Count("id"), "trained": Count("id", filter=trained_q(year))}
    total = staff.aggregate(**figures)
    names = prefix_names([prefix]) if prefix else {}
    own = TrainingRow(prefix, names.get(prefix, ""), total["staff"], total["trained"])
    child_length = next((n for n in sorted(PREFIX_LENGTH.values()) if n > len(prefix)), None)
    if child_length is None:
        return own, []
    rows = (staff.annotate(child=Substr("unit__region_code", 1, child_length)).values("child")
            .annotate(**figures).order_by("child"))
    rows = list(rows)
    names = prefix_names([row["child"] for row in rows])
    return own, [TrainingRow(row["child"], names.get(row["child"], row["child"]), row["staff"], row["trained"])
                 for row in rows]



# --- 随岗锻炼 and the centres' own courses ------------------------------------------------------------------

def placement_gaps(viewer):
    """Staff in post at district centres and street stations without a month (30 days or more) of 随岗锻炼 at the
    centre one level up."""
    done = Placement.objects.filter(staff=OuterRef("pk"), days__gte=MONTH_DAYS)
    return (staff_in_post(viewer).filter(unit__level__in=PLACEMENT_LEVELS).exclude(Exists(done))
            .select_related("unit").order_by("unit__region_code", "name", "id"))


def courses_of(viewer, year: int):
    return Course.objects.visible_to(viewer).filter(starts_on__year=year).select_related("organiser").annotate(
        enrolled=Count("enrolments"), completed=Count("enrolments", filter=Q(enrolments__completed_on__isnull=False)))


def enrolment_candidates(viewer, course: Course):
    """Staff in post in the organiser's area, not yet on the course."""
    prefix = course.organiser_code[:PREFIX_LENGTH[course.organiser.level]]
    return (staff_in_post(viewer).filter(subtree_q("unit__region_code", prefix))
            .exclude(enrolments__course=course).select_related("unit").order_by("unit__region_code", "name"))


def organisers(viewer, year: int) -> list[tuple[OrgUnit, int]]:
    """The city and district centres in the viewer's area and the courses each organised in the year (two a year
    is the rule)."""
    centres = list(OrgUnit.objects.visible_to(viewer).filter(level__in=(CITY, COUNTY), kind=OrgUnit.Kind.CENTRE)
                   .order_by("region_code"))
    counts = dict(Course.objects.filter(organiser__in=centres, starts_on__year=year).values_list("organiser")
                  .annotate(n=Count("id")).order_by())
    return [(centre, counts.get(centre.pk, 0)) for centre in centres]
