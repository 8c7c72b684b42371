"""Every read of the job seekers' pages: the list under its filters, one seeker with what was done for them, the
places a seeker may want to work, each starting from `visible_to(viewer)`.

What a seeker's page reaches through the profile (referrals, enrolments, fair visits, businesses) is filtered by the
viewer like the profile itself: a county's fair is listed only when the attendance is in the viewer's area.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from rongjia.core.models import Region
from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH, STREET
from rongjia.core.scoping import at_or_above_q, subtree_q

from .models import Business, Certificate, Enrolment, FairGuest, Referral, Seeker, Skill

SORTS = {
    "": ("person__name_initials", "id"),
    "-updated": ("-updated_at", "-id"),
    "station": ("region_code", "person__name_initials", "id"),
    "available": ("available_from", "id"),
    "-created": ("-created_at", "-id"),
}


def seekers(viewer):
    """The seekers of the viewer's area with what a list row shows (one query for a page, one for its skills)."""
    return (Seeker.objects.visible_to(viewer).select_related("person", "station", "wanted_place")
            .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("position", "id"))))


def status_counts(viewer) -> dict[str, int]:
    """How many seekers of the viewer's area are in each status (one query)."""
    rows = Seeker.objects.visible_to(viewer).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


@dataclass
class SeekerPage:
    certificates: list
    referrals: list
    enrolments: list
    fair_visits: list
    businesses: list


def seeker_page(viewer, seeker: Seeker) -> SeekerPage:
    """What was done for the seeker, in the viewer's area only."""
    return SeekerPage(
        certificates=list(Certificate.objects.filter(seeker=seeker).select_related("course")),
        referrals=list(Referral.objects.visible_to(viewer).filter(seeker=seeker)
                       .select_related("posting__employer", "fair").order_by("-referred_on", "-id")),
        enrolments=list(Enrolment.objects.visible_to(viewer).filter(seeker=seeker).select_related("course")
                        .order_by("-course__starts_on", "-id")),
        fair_visits=list(FairGuest.objects.visible_to(viewer).filter(seeker=seeker).select_related("fair")
                         .order_by("-fair__date", "-id")),
        businesses=list(Business.objects.visible_to(viewer).filter(person_id=seeker.person_id)
                        .select_related("sector")),
    )


def wanted_places(home_code: str):
    """The places a person living at `home_code` may want to work in: the province, the city, the city's counties
    and the streets of the home county."""
    county, city = home_code[: PREFIX_LENGTH[COUNTY]], home_code[: PREFIX_LENGTH[CITY]]
    return (Region.objects.current().filter(at_or_above_q("code", county) & Q(level__lte=COUNTY)
                                            | subtree_q("code", city) & Q(level=COUNTY)
                                            | subtree_q("code", county) & Q(level=STREET))
            .order_by("code"))
