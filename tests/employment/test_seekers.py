"""The seeker services: a profile from a dossier of the actor's area, one per person, bad input refused with nothing
changed, stale edits refused, certificates, and the profiles the dossiers call for offered each night."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.core.models import Region
from rongjia.employment import services_seekers
from rongjia.employment.models import Certificate, MilitarySpeciality, Seeker
from rongjia.people.models import ServiceRecord, Tag
from tests.employment.conftest import sector, seeker_for, skill
from tests.factories import HOME_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, person_at


def test_a_profile_from_the_dossier(cast):
    person = person_at(cast.village_worker, name="王军", seq=801, education="senior")
    seeker = services_seekers.seeker_create(
        actor=cast.village_worker, person=person, wanted_work="司机", wanted_pay=6000,
        wanted_place=Region.objects.get(code="320115000000"), wanted_sectors=[sector()],
        skills=[skill("电工")], specialities=[MilitarySpeciality.objects.get(name="汽车修理工")], driving_licence="B2")
    assert seeker.region_code == VILLAGE_CODE and seeker.station == person.station
    assert seeker.home_code == person.address_region.code and len(seeker.home_code) == 12
    assert seeker.wanted_place_code == HOME_COUNTY  # the county's meaningful prefix
    assert {s.name for s in seeker.skills.all()} == {"电工", "汽车维修", "机械操作"}  # the speciality's are added
    assert seeker.status == "seeking" and seeker.source == "worker" and seeker.version == 1


def test_wanted_place_prefix_by_level(cast):
    seeker = seeker_for(cast.village_worker, wanted_place=Region.objects.get(code="320115003000"))
    assert seeker.wanted_place_code == "320115003"
    seeker = seeker_for(cast.village_worker, name="某", seq=802, wanted_place=Region.objects.get(code="320100000000"))
    assert seeker.wanted_place_code == "3201"


def test_one_profile_per_person_names_the_person(cast, seeker):
    with pytest.raises(ValidationError) as refused:
        services_seekers.seeker_create(actor=cast.village_worker, person=seeker.person)
    assert "李强" in str(refused.value.message_dict["person"])
    assert Seeker.objects.count() == 1


@pytest.mark.parametrize("bad, field", [
    ({"wanted_pay": 5}, "wanted_pay"),
    ({"wanted_pay": 2_000_000}, "wanted_pay"),
    ({"wanted_pay": "abc"}, "wanted_pay"),
    ({"status": "not_seeking"}, "reason"),
    ({"status": "nonsense"}, "status"),
    ({"source": "made-up"}, "source"),
    ({"driving_licence": "Z9"}, "driving_licence"),
    ({"wanted_work": "x" * 101}, "wanted_work"),
    ({"skills": [999_999]}, "skills"),
])
def test_bad_input_changes_nothing(cast, bad, field):
    person = person_at(cast.village_worker, name="王军", seq=803)
    with pytest.raises(ValidationError) as refused:
        services_seekers.seeker_create(actor=cast.village_worker, person=person, **bad)
    assert field in refused.value.message_dict
    assert Seeker.objects.count() == 0


def test_person_outside_the_scope_or_off_the_books(cast):
    sibling = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="赵", seq=804)
    with pytest.raises(ValidationError) as refused:
        services_seekers.seeker_create(actor=cast.village_worker, person=sibling)
    assert "person" in refused.value.message_dict and "赵" not in str(refused.value)  # no hint of who is outside
    gone = person_at(cast.village_worker, name="钱", seq=805)
    gone.status = "deceased"
    gone.save(update_fields=["status"])
    with pytest.raises(ValidationError) as refused:
        services_seekers.seeker_create(actor=cast.village_worker, person=gone)
    assert "钱" in str(refused.value.message_dict["person"])
    with pytest.raises(PermissionDenied):
        services_seekers.seeker_create(actor=cast.leader, person=sibling)
    assert Seeker.objects.count() == 0


def test_update_with_version(cast, seeker):
    updated = services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=1, wanted_pay=7000,
                                             specialities=[MilitarySpeciality.objects.get(name="炊事员")])
    assert updated.version == 2 and updated.wanted_pay == 7000
    assert {s.name for s in updated.skills.all()} == {"汽车驾驶", "厨师"}
    with pytest.raises(StaleVersion):
        services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=1, wanted_pay=8000)
    with pytest.raises(ValidationError):
        services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=2, status="not_seeking")
    with pytest.raises(ValidationError):
        services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=2, status="offered")
    with pytest.raises(Http404):
        services_seekers.seeker_update(actor=cast.village2_worker, seeker=seeker, version=2, wanted_pay=8000)
    seeker.refresh_from_db()
    assert seeker.version == 2 and seeker.wanted_pay == 7000 and seeker.status == "seeking"
    done = services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=2,
                                          status="not_seeking", reason="升学")
    assert done.status == "not_seeking" and done.reason == "升学" and done.version == 3


def test_status_set_by_other_services(cast, seeker):
    placed = services_seekers.seeker_status_set(actor=cast.county_director, seeker=seeker, status="placed")
    assert placed.status == "placed" and placed.version == 2
    with pytest.raises(Http404):
        services_seekers.seeker_status_set(actor=cast.outsider, seeker=seeker, status="seeking")


def test_certificates(cast, seeker):
    certificate = services_seekers.certificate_add(actor=cast.village_worker, seeker=seeker, name="电工证",
                                                   number="T123", issued_on=date(2024, 5, 1))
    assert certificate.seeker == seeker and Certificate.objects.count() == 1
    with pytest.raises(ValidationError):
        services_seekers.certificate_add(actor=cast.village_worker, seeker=seeker, name=" ")
    with pytest.raises(ValidationError):
        services_seekers.certificate_add(actor=cast.village_worker, seeker=seeker, name="叉车证",
                                         issued_on=date.today() + timedelta(days=400))
    with pytest.raises(Http404):
        services_seekers.certificate_add(actor=cast.village2_worker, seeker=seeker, name="叉车证")
    assert Certificate.objects.count() == 1


def test_offer_profiles(cast, today):
    need = Tag.objects.get(kind="need", name="就业需求")
    other = Tag.objects.get(kind="need", name="住房需求")
    wanting = person_at(cast.village_worker, name="甲", seq=810)
    wanting.tags.add(need)
    housing = person_at(cast.village_worker, name="乙", seq=811)
    housing.tags.add(other)
    back = person_at(cast.village_worker, name="丙", seq=812)
    ServiceRecord.objects.create(person=back, enlisted_on=date(2021, 9, 1), discharged_on=today - timedelta(days=30),
                                 branch="army")
    long_ago = person_at(cast.village_worker, name="丁", seq=813)
    ServiceRecord.objects.create(person=long_ago, enlisted_on=date(2001, 9, 1), discharged_on=date(2005, 9, 1),
                                 branch="army")
    sibling = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="戊", seq=814)
    sibling.tags.add(need)
    gone = person_at(cast.village_worker, name="己", seq=815)
    gone.tags.add(need)
    gone.status = "moved_out"
    gone.save(update_fields=["status"])
    has_one = seeker_for(cast.village_worker, name="庚", seq=816, status="not_seeking", reason="暂不就业")
    has_one.person.tags.add(need)

    assert services_seekers.offer_profiles(prefix=VILLAGE_CODE, today=today) == 2
    offered = {s.person.name: s for s in Seeker.objects.filter(status="offered")}
    assert set(offered) == {"甲", "丙"}
    assert offered["甲"].source == "need" and offered["丙"].source == "returning"
    assert offered["甲"].region_code == VILLAGE_CODE and offered["甲"].home_code == wanting.address_region.code
    assert services_seekers.offer_profiles(prefix=VILLAGE_CODE, today=today) == 0  # idempotent
    assert services_seekers.offer_profiles(prefix=HOME_COUNTY, today=today) == 1  # the sibling village's
    assert Seeker.objects.get(person=has_one.person).status == "not_seeking"  # refused once, not offered again


def test_an_offered_profile_is_confirmed_by_an_update(cast, today):
    person = person_at(cast.village_worker, name="甲", seq=820)
    person.tags.add(Tag.objects.get(kind="need", name="创业需求"))
    services_seekers.offer_profiles(prefix=VILLAGE_CODE, today=today)
    offered = Seeker.objects.get(person=person)
    confirmed = services_seekers.seeker_update(actor=cast.village_worker, seeker=offered, version=offered.version,
                                               status="seeking", wanted_work="个体经营")
    assert confirmed.status == "seeking" and confirmed.version == 2
