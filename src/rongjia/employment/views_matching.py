"""Matching pages: a posting's seekers ranked by the score with each part explained in words, each with a 推荐 button,
and a seeker's open postings ranked the same way. The ranking is one query over the viewer's seekers (or postings);
the words of the page's 50 rows come from `matching.explain`, which gives the same numbers."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from rongjia.core.decorators import capability_required
from rongjia.core.pagination import paginate
from rongjia.core.scoping import get_visible_or_404

from . import matching
from .models import Posting, Referral, Seeker, Skill

VIEW, HANDLE = "employment.view", "employment.handle"
SKILLS = Prefetch("skills", queryset=Skill.objects.order_by("position", "id"))


def _explained(rows, explain):
    for row in rows:
        row.explanation = explain(row)
    return rows


@capability_required(VIEW)
def posting_matches(request, pk):
    """The seekers of the viewer's area for a posting, best first; the parts of each score in words."""
    posting = get_visible_or_404(Posting.objects.select_related("employer", "sector", "place").prefetch_related(SKILLS),
                                 request.user, pk=pk)
    today = timezone.localdate()
    rows = matching.ranked_seekers(request.user, posting, today).prefetch_related("wanted_place", SKILLS,
                                                                                   "wanted_sectors")
    page, query = paginate(request, rows)
    _explained(page.object_list, lambda seeker: matching.explain(posting, seeker))
    referred = set(Referral.objects.visible_to(request.user).filter(
        posting=posting, seeker__in=[row.pk for row in page.object_list]).values_list("seeker_id", flat=True))
    return render(request, "employment/matches.html", {
        "posting": posting, "page": page, "query": query, "referred": referred, "today": today,
        "is_open": posting.is_open(today), "can_refer": request.user.can(HANDLE) and posting.is_open(today),
        "maxima": dict(zip(matching.PARTS, (matching.SKILLS, matching.PLACE, matching.EDUCATION,
                                            matching.PREFERENCE), strict=True))})


@capability_required(VIEW)
def seeker_postings(request, pk):
    """The postings open today that the viewer sees, ranked for one seeker."""
    seeker = get_visible_or_404(Seeker.objects.select_related("person", "station", "wanted_place").prefetch_related(
        SKILLS, "wanted_sectors"), request.user, pk=pk)
    today = timezone.localdate()
    page, query = paginate(request, matching.ranked_postings(request.user, seeker, today).prefetch_related(SKILLS))
    _explained(page.object_list, lambda posting: matching.explain(posting, seeker))
    referred = set(Referral.objects.visible_to(request.user).filter(
        seeker=seeker, posting__in=[row.pk for row in page.object_list]).values_list("posting_id", flat=True))
    return render(request, "employment/seeker_postings.html", {
        "seeker": seeker, "page": page, "query": query, "referred": referred, "today": today,
        "can_refer": request.user.can(HANDLE) and seeker.status == Seeker.Status.SEEKING})
