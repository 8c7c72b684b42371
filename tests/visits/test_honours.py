"""光荣牌 (one per household, the 2018-07-29 rule, withdraw and restore, kept after death) and 立功喜报 (the
level that delivers each merit)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rongjia.core.regions import CITY, COUNTY, PROVINCE, STREET
from rongjia.people.models import HouseholdMember, Person
from rongjia.people.services import id_index
from rongjia.visits import honours, services
from rongjia.visits.models import Merit, Plaque
from tests.factories import STREET_CODE, VILLAGE_CODE, person_at, unit_at, valid_id_number

pytestmark = pytest.mark.django_db


def test_one_plaque_per_household(cast):
    father = person_at(cast.village_worker, name="王建国", birth="19500101", seq=1)
    son_number = valid_id_number("19800101", sequence=2)
    HouseholdMember.objects.create(person=father, name="王军", relationship="child", id_hash=id_index(son_number))
    son = person_at(cast.village_worker, name="王军", id_number=son_number)
    honours.plaque_issue(actor=cast.village_worker, person_id=father.pk)
    with pytest.raises(ValidationError) as refused:
        honours.plaque_issue(actor=cast.village_worker, person_id=father.pk)
    assert "already" in str(refused.value) or "已" in str(refused.value)
    with pytest.raises(ValidationError) as through_father:
        honours.plaque_issue(actor=cast.village_worker, person_id=son.pk)
    assert "王建国" in str(through_father.value)
    assert Plaque.objects.count() == 1


def _died(person, on):
    Person.objects.filter(pk=person.pk).update(status=Person.Status.DECEASED, deceased_on=on)
    person.refresh_from_db()


def test_no_plaque_for_a_person_who_died_before_the_rule_began(cast):
    person = person_at(cast.village_worker)
    _died(person, date(2018, 7, 28))
    with pytest.raises(ValidationError):
        honours.plaque_issue(actor=cast.village_worker, person_id=person.pk)
    _died(person, date(2018, 7, 29))
    assert honours.plaque_issue(actor=cast.village_worker, person_id=person.pk).state == Plaque.State.ISSUED


def test_a_plaque_is_hung_withdrawn_with_a_reason_and_restored(cast):
    person = person_at(cast.village_worker)
    plaque = honours.plaque_issue(actor=cast.village_worker, person_id=person.pk, issued_on=date(2026, 3, 1))
    plaque = honours.plaque_step(actor=cast.village_worker, plaque_id=plaque.pk, action="hang", version=1,
                                 hung_on=date(2026, 3, 5), ceremony="村两委与网格员上门悬挂")
    assert (plaque.state, plaque.hung_on) == (Plaque.State.HUNG, date(2026, 3, 5))
    with pytest.raises(ValidationError):  # a reason is required
        honours.plaque_step(actor=cast.village_worker, plaque_id=plaque.pk, action="withdraw", version=2)
    plaque = honours.plaque_step(actor=cast.village_worker, plaque_id=plaque.pk, action="withdraw", version=2,
                                 note="受到刑事处罚")
    assert plaque.state == Plaque.State.WITHDRAWN and plaque.withdraw_reason == "受到刑事处罚"
    plaque = honours.plaque_step(actor=cast.village_worker, plaque_id=plaque.pk, action="restore", version=3,
                                 note="刑罚执行完毕")
    assert plaque.state == Plaque.State.ISSUED and not plaque.withdraw_reason
    assert [e.action for e in plaque.events.all()] == ["issue", "hang", "withdraw", "restore"]


def test_a_plaque_is_kept_after_death(cast):
    person = person_at(cast.village_worker)
    plaque = honours.plaque_issue(actor=cast.village_worker, person_id=person.pk)
    _died(person, date(2026, 11, 1))
    plaque.refresh_from_db()
    assert plaque.state == Plaque.State.ISSUED
    with pytest.raises(ValidationError):
        honours.plaque_issue(actor=cast.village_worker, person_id=person.pk)


def test_a_neighbour_cannot_step_a_plaque(cast):
    from django.http import Http404

    plaque = honours.plaque_issue(actor=cast.village_worker, person_id=person_at(cast.village_worker).pk)
    with pytest.raises(Http404):
        honours.plaque_step(actor=cast.village2_worker, plaque_id=plaque.pk, action="withdraw", version=1, note="x")


@pytest.mark.parametrize("level, delivering", [(Merit.Level.MEDAL, PROVINCE), (Merit.Level.FIRST, CITY),
                                               (Merit.Level.SECOND, COUNTY), (Merit.Level.THIRD, COUNTY)])
def test_the_merit_decides_who_delivers_the_notice(cast, level, delivering):
    merit = honours.merit_register(actor=cast.village_worker, soldier_name="李强", level=level,
                                   awarded_on=date(2026, 8, 1), family_name="李父", family_region_code=VILLAGE_CODE)
    assert merit.delivering_unit.level == delivering
    assert merit.delivering_unit.region_code == VILLAGE_CODE[:{1: 2, 2: 4, 3: 6}[delivering]].ljust(12, "0")


def test_a_county_may_leave_third_class_notices_to_its_streets(cast):
    services.regime_save(actor=cast.county_director, name="江宁区", priority_contacts_per_quarter=1,
                         priority_home_visits_per_year=1, other_contacts_per_year=1, trigger_days=7,
                         street_delivers_third_class=True)
    merit = honours.merit_register(actor=cast.village_worker, soldier_name="赵勇", level=Merit.Level.THIRD,
                                   awarded_on=date(2026, 8, 1), family_name="赵母", family_region_code=VILLAGE_CODE)
    assert merit.delivering_unit.level == STREET and merit.delivering_unit == unit_at(STREET_CODE)
    second = honours.merit_register(actor=cast.village_worker, soldier_name="钱峰", level=Merit.Level.SECOND,
                                    awarded_on=date(2026, 8, 1), family_name="钱父", family_region_code=VILLAGE_CODE)
    assert second.delivering_unit.level == COUNTY


def test_only_the_delivering_level_records_the_delivery(cast):
    merit = honours.merit_register(actor=cast.village_worker, soldier_name="孙磊", level=Merit.Level.SECOND,
                                   awarded_on=date(2026, 8, 1), family_name="孙父", family_region_code=VILLAGE_CODE)
    with pytest.raises(ValidationError):
        honours.merit_step(actor=cast.village_worker, merit_id=merit.pk, action="deliver", version=1)
    with pytest.raises(ValidationError):
        honours.merit_step(actor=cast.street_worker, merit_id=merit.pk, action="deliver", version=1)
    merit = honours.merit_step(actor=cast.county_director, merit_id=merit.pk, action="deliver", version=1,
                               delivered_on=date(2026, 8, 20), ceremony="区人武部、区退役军人事务局送喜报上门")
    assert merit.state == Merit.State.DELIVERED and merit.delivered_on == date(2026, 8, 20)


def test_a_merit_for_a_family_outside_the_area_is_refused(cast):
    with pytest.raises(ValidationError):
        honours.merit_register(actor=cast.village2_worker, soldier_name="周", level=Merit.Level.THIRD,
                               awarded_on=date(2026, 8, 1), family_name="周父", family_region_code=VILLAGE_CODE)
    assert not Merit.objects.exists()


def test_plaque_counts_per_unit_below_add_up(cast):
    from rongjia.visits.selectors import plaque_counts, plaque_counts_below
    from tests.factories import VILLAGE2_CODE

    first = person_at(cast.village_worker, seq=31)
    person_at(cast.village_worker, seq=32)
    other = person_at(cast.village2_worker, code=VILLAGE2_CODE, seq=33)
    honours.plaque_issue(actor=cast.village_worker, person_id=first.pk)
    plaque = honours.plaque_issue(actor=cast.village2_worker, person_id=other.pk)
    honours.plaque_step(actor=cast.village2_worker, plaque_id=plaque.pk, action="hang", version=1)
    rows = {row["code"]: row for row in plaque_counts_below(cast.street_worker)}
    assert (rows[VILLAGE_CODE]["eligible"], rows[VILLAGE_CODE]["pending"], rows[VILLAGE_CODE]["issued"]) == (2, 1, 1)
    assert (rows[VILLAGE2_CODE]["hung"], rows[VILLAGE2_CODE]["pending"]) == (1, 0)
    total = plaque_counts(cast.street_worker)
    for key in ("eligible", "pending", "issued", "hung", "withdrawn"):
        assert sum(row[key] for row in rows.values()) == total[key]


def test_the_ceremony_photo_is_kept_small_and_a_bad_one_hangs_nothing(cast, client_for):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    plaque = honours.plaque_issue(actor=cast.village_worker, person_id=person_at(cast.village_worker).pk)
    fake = SimpleUploadedFile("仪式.jpg", b"not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        honours.plaque_step(actor=cast.village_worker, plaque_id=plaque.pk, action="hang", version=1, photo=fake)
    plaque.refresh_from_db()
    assert plaque.state == Plaque.State.ISSUED and not plaque.photo
    buffer = BytesIO()
    Image.new("RGB", (4000, 3000), (200, 0, 0)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("仪式.jpg", buffer.getvalue(), content_type="image/jpeg")
    client = client_for(cast.village_worker)
    client.post(f"/visits/plaques/{plaque.pk}/step", {"action": "hang", "version": 1, "ceremony": "上门悬挂",
                                                       "photo": photo})
    plaque.refresh_from_db()
    assert plaque.state == Plaque.State.HUNG and Image.open(plaque.photo.open("rb")).size == (1600, 1200)
    assert client.get(f"/visits/plaques/{plaque.pk}/photo").status_code == 200
    assert client_for(cast.village2_worker).get(f"/visits/plaques/{plaque.pk}/photo").status_code == 404
