"""The demo's petitions span the lifecycle, with some overdue and some in 复查."""

from django.utils import timezone

from rongjia.demo.people_seed import seed_people
from rongjia.demo.petitions_seed import seed_petitions
from rongjia.petitions.clocks import provisional_years
from rongjia.petitions.models import Feedback, LegalAidReferral, Petition, PetitionReply
from tests.factories import UserFactory, unit_at


def test_demo_petitions(cast):
    UserFactory(username="jn_county", org_unit=unit_at("320115000000"), roles=["centre_director"])
    UserFactory(username="nj_city", org_unit=unit_at("320100000000"), roles=["centre_director"])
    seed_people(county_prefix="320115", total=300)
    made = seed_petitions(county_prefix="320115", total=80)
    assert made >= 70 and Petition.objects.count() == made
    states = set(Petition.objects.values_list("state", flat=True))
    assert {"registered", "accepted", "assigned", "closed", "review"} <= states
    assert Petition.objects.filter(due_on__lt=timezone.localdate(), state__in=["accepted", "assigned"]).exists()
    assert LegalAidReferral.objects.values("state").distinct().count() == 3  # referred, taken on, concluded
    assert Feedback.objects.filter(answered_at__isnull=True).exists() and Feedback.objects.exclude(answer="").exists()
    assert Feedback.objects.filter(routed_to__region_code="320100000000").exists()  # on the district centre
    assert seed_petitions(county_prefix="320115", total=80) == 0  # a second run adds nothing
    # the steps of the 条例: the receiving unit's own 受理, deliveries, answers with their own deadlines
    assert Petition.objects.filter(taken_on__isnull=False).exists()
    assert PetitionReply.objects.filter(delivered_on__isnull=False).exists()
    assert not PetitionReply.objects.filter(due_on__isnull=True).exists()
    # a deadline in a year whose holidays are not loaded yet is there to be seen as provisional
    open_due = Petition.objects.filter(due_on__isnull=False).values_list("due_on", flat=True)
    assert provisional_years(open_due), "the demo shows no provisional deadline"
