"""The matching score (0–100) of a seeker for a posting, in four parts, computed twice from one definition:

- in SQL (`ranked_seekers`, `ranked_postings`), so that one query ranks every seeker in the viewer's scope and a
  page reads the top 50;
- in Python (`explain`), with the words a worker reads beside each part, and the score a referral stores.

The parts (tests compare both ways over hand-computed fixtures):
- skills (40): of the k skills the posting requires, the seeker has m: 40·m // k (floor); no skill required: 40.
- place (30): 30 when the seeker's wanted place covers the posting's place (the wanted prefix is the place's code or
  one of its ancestors) or the seeker lives in the posting's county; else 15 in the same city; else 0.
- education (20): 20 when the posting names no lowest education or the person has it or above; 10 one level
  below; else, or unknown, 0.
- preference (10): 10 when the posting's sector is among the sectors wanted; 5 when the seeker named none; else 0.

Hard filters, not scored: the seeker seeking work, the person on the books, available by the closing date, holding
a licence that permits what the posting requires, and visible to the viewer.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from rongjia.core.regions import CITY, COUNTY, PREFIX_LENGTH
from rongjia.core.scoping import code_in_subtree, subtree_q

from .models import EDUCATION_ORDER, LICENCE_COVERS, Posting, Seeker, licences_permitting

SKILLS, PLACE, EDUCATION, PREFERENCE = 40, 30, 20, 10
NEAR = 15  # the same city
ONE_BELOW = 10  # education one level below the lowest asked
NONE_NAMED = 5  # no sector wanted: any will do
PARTS = ("skill_part", "place_part", "education_part", "preference_part")
SeekerSkill = Seeker.skills.through
SeekerSector = Seeker.wanted_sectors.through
PostingSkill = Posting.skills.through
INT = IntegerField()


# --- the definition, shared by both ways -----------------------------------------------------------------------

def skill_points(required: int, held: int) -> int:
    return SKILLS if required == 0 else SKILLS * held // required


def covering_prefixes(place_code: str) -> list[str]:
    """The wanted-place prefixes that cover a posting's place: its own and each ancestor's (江宁区 320115, 南京市
    3201, 江苏省 32 cover a village of 江宁区). An empty wanted place ("near home") covers nothing by itself."""
    return [place_code[:length] for length in sorted(PREFIX_LENGTH.values())]


def education_levels(minimum: str) -> tuple[list[str], str]:
    """For a posting's lowest education: the levels that meet it, and the level one below ("" when none)."""
    if minimum not in EDUCATION_ORDER:
        return list(EDUCATION_ORDER), ""
    index = EDUCATION_ORDER.index(minimum)
    return EDUCATION_ORDER[index:], EDUCATION_ORDER[index - 1] if index else ""


def county_of(code: str) -> str:
    return code[: PREFIX_LENGTH[COUNTY]]


def city_of(code: str) -> str:
    return code[: PREFIX_LENGTH[CITY]]


def _filters(posting) -> Q:
    q = (Q(status=Seeker.Status.SEEKING, on_books=True)
         & (Q(available_from__isnull=True) | Q(available_from__lte=posting.closes_on)))
    if posting.driving_licence:
        q &= Q(driving_licence__in=licences_permitting(posting.driving_licence))
    return q


def passes_filters(posting, seeker) -> bool:
    """The hard filters in Python (scope aside), for a seeker already loaded."""
    return (seeker.status == Seeker.Status.SEEKING and seeker.on_books
            and (seeker.available_from is None or seeker.available_from <= posting.closes_on)
            and (not posting.driving_licence or seeker.driving_licence in licences_permitting(posting.driving_licence)))


# --- in SQL: the seekers for a posting --------------------------------------------------------------------------

def score_seekers(seekers, posting):
    """`seekers` annotated with the four parts and the score for `posting` (literals from the posting)."""
    required = list(posting.skills.values_list("pk", flat=True))
    if required:
        held = Coalesce(Subquery(SeekerSkill.objects.filter(seeker_id=OuterRef("pk"), skill_id__in=required)
                                 .order_by().values("seeker_id").annotate(n=Count("skill_id")).values("n")[:1]),
                        Value(0))
        skill = ExpressionWrapper(held * Value(SKILLS) / Value(len(required)), output_field=INT)
    else:
        skill = Value(SKILLS, output_field=INT)
    code = posting.place_code
    place = Case(When(Q(wanted_place_code__in=covering_prefixes(code)) | subtree_q("home_code", county_of(code)),
                      then=Value(PLACE)),
                 When(subtree_q("home_code", city_of(code)), then=Value(NEAR)), default=Value(0), output_field=INT)
    if posting.min_education:
        meets, below = education_levels(posting.min_education)
        whens = [When(education__in=meets, then=Value(EDUCATION))]
        if below:
            whens.append(When(education=below, then=Value(ONE_BELOW)))
        education = Case(*whens, default=Value(0), output_field=INT)
    else:
        education = Value(EDUCATION, output_field=INT)
    preference = Case(
        When(Exists(SeekerSector.objects.filter(seeker_id=OuterRef("pk"), sector_id=posting.sector_id)),
             then=Value(PREFERENCE)),
        When(~Exists(SeekerSector.objects.filter(seeker_id=OuterRef("pk"))), then=Value(NONE_NAMED)),
        default=Value(0), output_field=INT)
    return seekers.annotate(skill_part=skill, place_part=place, education_part=education,
                            preference_part=preference).annotate(
        score=ExpressionWrapper(F("skill_part") + F("place_part") + F("education_part") + F("preference_part"),
                                output_field=INT))


def ranked_seekers(viewer, posting, today=None):
    """The seekers in the viewer's scope who pass the hard filters, best first (`-score, id`). `today` is the
    day the ranking is for (the view says when the posting is not open on it)."""
    seekers = Seeker.objects.visible_to(viewer).filter(_filters(posting))
    # The person and the station are fetched for the page's rows only (prefetch after the slice): joined in, they
    # would be joined to every seeker in scope before the sort, a million dossiers' scan for a province.
    return score_seekers(seekers, posting).prefetch_related("person", "station").order_by("-score", "id")


# --- in SQL: the postings for a seeker --------------------------------------------------------------------------

def open_postings(viewer, today):
    return Posting.objects.visible_to(viewer).filter(withdrawn=False, opens_on__lte=today, closes_on__gte=today)


def ranked_postings(viewer, seeker, today):
    """The postings open today that the viewer sees and the seeker passes the hard filters of, best first."""
    postings = open_postings(viewer, today)
    if seeker.available_from:
        postings = postings.filter(closes_on__gte=seeker.available_from)
    permitted = LICENCE_COVERS.get(seeker.driving_licence, set())
    postings = postings.filter(Q(driving_licence="") | Q(driving_licence__in=sorted(permitted)))
    held = list(seeker.skills.values_list("pk", flat=True))
    required = Subquery(PostingSkill.objects.filter(posting_id=OuterRef("pk")).order_by().values("posting_id")
                        .annotate(n=Count("skill_id")).values("n")[:1])
    matched = Subquery(PostingSkill.objects.filter(posting_id=OuterRef("pk"), skill_id__in=held).order_by()
                       .values("posting_id").annotate(n=Count("skill_id")).values("n")[:1])
    postings = postings.annotate(required_n=Coalesce(required, Value(0)), held_n=Coalesce(matched, Value(0)))
    skill = Case(When(required_n=0, then=Value(SKILLS)),
                 default=ExpressionWrapper(F("held_n") * Value(SKILLS) / F("required_n"), output_field=INT),
                 output_field=INT)
    covered = subtree_q("place_code", county_of(seeker.home_code))
    if seeker.wanted_place_code:
        covered |= subtree_q("place_code", seeker.wanted_place_code)
    place = Case(When(covered, then=Value(PLACE)), When(subtree_q("place_code", city_of(seeker.home_code)),
                                                       then=Value(NEAR)), default=Value(0), output_field=INT)
    education = seeker.education
    if education in EDUCATION_ORDER:
        index = EDUCATION_ORDER.index(education)
        met, one_above = EDUCATION_ORDER[:index + 1], EDUCATION_ORDER[index + 1:index + 2]
        school = Case(When(Q(min_education="") | Q(min_education__in=met), then=Value(EDUCATION)),
                      When(min_education__in=one_above, then=Value(ONE_BELOW)), default=Value(0), output_field=INT)
    else:
        school = Case(When(min_education="", then=Value(EDUCATION)), default=Value(0), output_field=INT)
    wanted = list(seeker.wanted_sectors.values_list("pk", flat=True))
    preference = (Case(When(sector_id__in=wanted, then=Value(PREFERENCE)), default=Value(0), output_field=INT)
                  if wanted else Value(NONE_NAMED, output_field=INT))
    return (postings.annotate(skill_part=skill, place_part=place, education_part=school, preference_part=preference)
            .annotate(score=ExpressionWrapper(F("skill_part") + F("place_part") + F("education_part")
                                              + F("preference_part"), output_field=INT))
            .select_related("employer", "place", "sector").order_by("-score", "closes_on", "id"))


# --- in Python: one seeker and one posting, with the words ------------------------------------------------------

@dataclass
class Part:
    key: str
    label: str
    points: int
    most: int
    words: str

    @property
    def percent(self) -> int:
        return self.points * 100 // self.most if self.most else 0


@dataclass
class Explanation:
    parts: list[Part] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def grade(self) -> str:
        """A word for the badge's colour: good, fair, weak or poor."""
        total = self.total
        return "good" if total >= 80 else "fair" if total >= 60 else "weak" if total >= 40 else "poor"

    def as_dict(self) -> dict[str, int]:
        return {part.key: part.points for part in self.parts} | {"score": self.total}


def explain(posting, seeker) -> Explanation:
    """The score of `seeker` for `posting`, part by part, with a sentence for each (pure Python: it reads the
    related rows it needs, prefetched or not; the hard filters are not its concern)."""
    return Explanation([_skill_part(posting, seeker), _place_part(posting, seeker),
                        _education_part(posting, seeker), _preference_part(posting, seeker)])


def _skill_part(posting, seeker) -> Part:
    required = list(posting.skills.all())
    held = {skill.pk for skill in seeker.skills.all()}
    have = [skill.name for skill in required if skill.pk in held]
    lack = [skill.name for skill in required if skill.pk not in held]
    points = skill_points(len(required), len(have))
    if not required:
        words = _("The posting requires no particular skill.")
    elif not lack:
        words = ngettext("Has the skill required: %(have)s.", "Has all %(n)d skills required: %(have)s.",
                         len(required)) % {"n": len(required), "have": "、".join(have)}
    elif not have:
        words = _("Has none of the skills required (lacks %(lack)s).") % {"lack": "、".join(lack)}
    else:
        words = _("Has %(m)d of the %(k)d skills required: %(have)s; lacks %(lack)s.") % {
            "m": len(have), "k": len(required), "have": "、".join(have), "lack": "、".join(lack)}
    return Part("skill_part", pgettext("match part", "Skills"), points, SKILLS, words)


def _place_part(posting, seeker) -> Part:
    code = posting.place_code
    place = posting.place.name if posting.place_id else code
    if seeker.wanted_place_code and seeker.wanted_place_code in covering_prefixes(code):
        wanted = seeker.wanted_place.name if seeker.wanted_place_id else seeker.wanted_place_code
        points, words = PLACE, _("Wants to work in %(wanted)s, which includes %(place)s.") % {
            "wanted": wanted, "place": place}
    elif code_in_subtree(seeker.home_code, county_of(code)):
        points, words = PLACE, _("Lives in the county of the workplace (%(place)s).") % {"place": place}
    elif code_in_subtree(seeker.home_code, city_of(code)):
        points, words = NEAR, _("Lives in the same city as the workplace (%(place)s), in another county.") % {
            "place": place}
    else:
        points, words = 0, _("Lives outside the city of the workplace (%(place)s) and wants to work elsewhere.") % {
            "place": place}
    return Part("place_part", pgettext("match part", "Place"), points, PLACE, words)


def _education_part(posting, seeker) -> Part:
    have = seeker.education
    have_label = seeker.get_education_display() if have else _("unknown")
    if not posting.min_education:
        points, words = EDUCATION, _("The posting names no lowest education.")
    else:
        meets, below = education_levels(posting.min_education)
        asked = posting.get_min_education_display()
        if have in meets:
            points, words = EDUCATION, _("Education %(have)s meets the lowest asked, %(asked)s.") % {
                "have": have_label, "asked": asked}
        elif have and have == below:
            points, words = ONE_BELOW, _("Education %(have)s is one level below the lowest asked, %(asked)s.") % {
                "have": have_label, "asked": asked}
        else:
            points, words = 0, _("Education %(have)s is below the lowest asked, %(asked)s.") % {
                "have": have_label, "asked": asked}
    return Part("education_part", pgettext("match part", "Education"), points, EDUCATION, words)


def _preference_part(posting, seeker) -> Part:
    wanted = list(seeker.wanted_sectors.all())
    sector = posting.sector.name if posting.sector_id else ""
    if any(s.pk == posting.sector_id for s in wanted):
        points, words = PREFERENCE, _("Wants to work in %(sector)s.") % {"sector": sector}
    elif not wanted:
        points, words = NONE_NAMED, _("Named no sector wanted: %(sector)s may do.") % {"sector": sector}
    else:
        points, words = 0, _("Wants other sectors (%(wanted)s), not %(sector)s.") % {
            "wanted": "、".join(s.name for s in wanted), "sector": sector}
    return Part("preference_part", pgettext("match part", "Preference"), points, PREFERENCE, words)
