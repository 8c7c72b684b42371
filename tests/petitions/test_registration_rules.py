"""Registration by the letter of the 信访工作条例 (2022): 越级走访 (Art. 18), 集体访 and its representatives
(Art. 18), a request after 复核 (Art. 36), and each petitioner picked from the dossiers in the worker's scope."""

import pytest
from django.core.exceptions import ValidationError

from rongjia.core.models import Region
from rongjia.petitions.models import Petition, Petitioner
from rongjia.petitions.services import petition_register
from tests.api.conftest import api
from tests.factories import (
    HOME_COUNTY,
    OUTSIDER_COUNTY,
    VILLAGE_CODE,
    UserFactory,
    person_at,
    unit_at,
    valid_id_number,
)

PROVINCE, CITY, COUNTY = "320000000000", "320100000000", HOME_COUNTY + "000000"
BORN_IN_BEIJING = valid_id_number("19650202", region="110101", sequence=57)  # issued there, lives in Jiangning


@pytest.fixture
def province_director(cast):
    return UserFactory(username="province_director", org_unit=unit_at(PROVINCE), roles=["centre_director"])


def lodge(actor, *, at=VILLAGE_CODE, channel="visit", people=None, category="placement", subject="安置待遇未落实",
          **extra) -> Petition:
    return petition_register(actor=actor, unit=unit_at(at), channel=channel, type="claim", category=category,
                             subject=subject, petitioners=people or [{"name": "王建国"}], **extra)


# --- 越级走访 (Art. 18: 走访 to 有权处理的本级或者上一级机关) ------------------------------------------------

# (channel, unit, who: "dossier" = on file in a Jiangning village | a free-text petitioner's home, 越级?)
ABOVE_COUNTY = [
    ("visit", PROVINCE, "dossier", True),  # past the county and its city
    ("visit", CITY, "dossier", False),  # the level above the competent one: allowed
    ("visit", COUNTY, "dossier", False),  # the competent level
    ("letter", PROVINCE, "dossier", False),  # Art. 18 is about visits only
    ("online", PROVINCE, "dossier", False),
    ("phone", PROVINCE, "dossier", False),
    ("visit", PROVINCE, "home:" + COUNTY, True),  # not on file, the home chosen in the form
    ("visit", PROVINCE, "home:" + OUTSIDER_COUNTY + "000000", True),  # another county of the same city
    ("visit", PROVINCE, "home:", False),  # no known home: no flag
    ("visit", PROVINCE, "id:" + valid_id_number("19600101", sequence=31), False),  # the ID says where it was issued
]


@pytest.mark.parametrize(("channel", "at", "who", "flagged"), ABOVE_COUNTY)
def test_above_county_is_a_visit_past_the_county_and_its_city_art_18(cast, province_director, channel, at, who,
                                                                      flagged):
    if who == "dossier":
        people = [{"person_id": person_at(cast.village_worker, id_number=BORN_IN_BEIJING).pk}]
    elif who.startswith("home:"):
        people = [{"name": "李明", "home_region_code": who[5:]}]
    else:
        people = [{"name": "李明", "id_number": who[3:]}]
    assert lodge(province_director, at=at, channel=channel, people=people).above_county is flagged


def test_the_home_is_where_the_dossier_says_the_person_lives(cast, province_director):
    """Named by ID number only, the petitioner is linked to their dossier and lives where it says."""
    person = person_at(cast.village_worker, id_number=BORN_IN_BEIJING)
    petition = lodge(province_director, at=PROVINCE, people=[{"name": "张伟", "id_number": BORN_IN_BEIJING}])
    [petitioner] = petition.petitioners.all()
    assert (petitioner.person_id, petitioner.home_region_code) == (person.pk, VILLAGE_CODE)
    assert petition.above_county


# --- 集体访 and its representatives (Art. 18: 代表人数不超过5人) ----------------------------------------------

# (channel, petitioners named, headcount, collective? or the error's field)
HEADCOUNTS = [
    ("visit", 1, None, False),  # nobody but the named came
    ("visit", 2, 5, True),  # five present, two representatives
    ("visit", 2, 4, False),
    ("visit", 5, 30, True),  # thirty present, five representatives: the most Art. 18 allows
    ("visit", 6, 30, "petitioners"),  # six representatives: refused (Art. 18)
    ("visit", 3, 2, "headcount"),  # fewer present than named
    ("letter", 5, None, True),  # a co-signed letter: the names count
    ("letter", 4, None, False),
    ("online", 6, None, True),  # no representatives' limit in writing
    ("letter", 1, 10, "headcount"),  # people present are a visit's only: refused, not dropped
]


@pytest.mark.parametrize(("channel", "named", "headcount", "expected"), HEADCOUNTS)
def test_a_collective_petition_counts_people_and_a_visit_names_at_most_five_art_18(cast, channel, named, headcount,
                                                                                  expected):
    people = [{"name": f"群众{n}"} for n in range(named)]
    if isinstance(expected, str):
        with pytest.raises(ValidationError) as refused:
            lodge(cast.village_worker, channel=channel, people=people, headcount=headcount)
        assert expected in refused.value.message_dict and not Petition.objects.exists()
        return
    petition = lodge(cast.village_worker, channel=channel, people=people, headcount=headcount)
    assert petition.collective is expected
    assert petition.headcount == (None if channel != "visit" else headcount or named)


def test_six_representatives_are_refused_with_the_article(cast):
    with pytest.raises(ValidationError, match="5") as refused:
        lodge(cast.village_worker, people=[{"name": f"群众{n}"} for n in range(6)], headcount=40)
    assert "第十八条" in str(refused.value) or "Art. 18" in str(refused.value)


# --- after 复核 (Art. 36: 仍然以同一事实和理由提出信访请求的，不再受理) --------------------------------------------

def rechecked(actor, person, **kwargs) -> Petition:
    """An earlier petition of `person` whose 复核 has been answered (the steps before are the workflow's tests')."""
    earlier = lodge(actor, people=[{"person_id": person.pk}], subject="安置待遇复核", **kwargs)
    Petition.objects.filter(pk=earlier.pk).update(state="rechecked")
    return Petition.objects.get(pk=earlier.pk)


# (what the worker says, the new petition's state)
AFTER_RECHECK = [
    (None, "registered"),  # a new matter in the same category is accepted
    ("earlier", "not_accepted"),  # the same facts and reasons: registered and answered 不予受理
]


@pytest.mark.parametrize(("same_facts", "state"), AFTER_RECHECK)
def test_after_recheck_only_the_same_facts_and_reasons_are_not_accepted_again_art_36(cast, same_facts, state):
    person = person_at(cast.village_worker)
    earlier = rechecked(cast.village_worker, person)
    petition = lodge(cast.village_worker, people=[{"person_id": person.pk}], subject="再次反映",
                     same_facts_as=earlier.pk if same_facts else None)
    assert petition.state == state
    if same_facts:
        reject = petition.events.get(action="reject")
        assert "第三十六条" in reject.note and f"{earlier.registered_on:%Y}-{earlier.pk:06d}" in reject.note


@pytest.mark.parametrize("which", ["not_rechecked", "outside", "missing", "another_person"])
def test_a_same_facts_claim_on_a_petition_that_does_not_qualify_writes_nothing(cast, which):
    person = person_at(cast.village_worker)
    if which == "not_rechecked":
        pk = lodge(cast.village_worker, people=[{"person_id": person.pk}]).pk
    elif which == "outside":  # concluded by 复核 in the other county: the worker may not open it
        outside = person_at(cast.outsider, code=OUTSIDER_COUNTY + "001001", name="外县李四",
                            id_number=valid_id_number("19700303", region=OUTSIDER_COUNTY, sequence=77))
        pk = rechecked(cast.outsider, outside, at=OUTSIDER_COUNTY + "001001").pk
    elif which == "another_person":
        pk = rechecked(cast.village_worker, person_at(cast.village_worker, name="赵六", seq=9)).pk
    else:
        pk = 999999
    before = Petition.objects.count()
    with pytest.raises(ValidationError) as refused:
        lodge(cast.village_worker, people=[{"person_id": person.pk}], same_facts_as=pk)
    assert "same_facts_as" in refused.value.message_dict and Petition.objects.count() == before


def test_the_form_shows_the_earlier_petition_and_asks_never_refuses(cast, client_for):
    person = person_at(cast.village_worker)
    earlier = rechecked(cast.village_worker, person)
    client = client_for(cast.village_worker)
    form = {"unit": unit_at(VILLAGE_CODE).pk, "channel": "visit", "type": "claim", "category": "placement",
            "subject": "再次反映", "people": [person.pk]}
    asked = client.post("/petitions/new", form)
    page = asked.content.decode()
    assert asked.status_code == 200 and Petition.objects.count() == 1  # nothing written until the worker says
    assert 'data-testid="rechecked-notice"' in page and f'href="/petitions/{earlier.pk}/"' in page
    assert 'name="same_facts_as"' in page and 'type="radio"' in page
    assert client.post("/petitions/new", {**form, "same_facts_as": "no"}).status_code == 302
    assert Petition.objects.latest("id").state == "registered"
    again = {**form, "same_facts_as": earlier.pk, "subject": "三次反映"}
    assert client.post("/petitions/new", again).status_code == 302
    assert Petition.objects.latest("id").state == "not_accepted"


def test_another_category_is_not_asked_about(cast, client_for):
    person = person_at(cast.village_worker)
    rechecked(cast.village_worker, person)
    response = client_for(cast.village_worker).post("/petitions/new", {
        "unit": unit_at(VILLAGE_CODE).pk, "channel": "visit", "type": "claim", "category": "medical",
        "subject": "医疗报销", "people": [person.pk]})
    assert response.status_code == 302 and Petition.objects.latest("id").state == "registered"


def test_the_api_takes_the_same_choice(cast, client, token_for):
    person = person_at(cast.village_worker)
    earlier = rechecked(cast.village_worker, person)
    token = token_for(cast.village_worker)
    body = {"unit_id": unit_at(VILLAGE_CODE).pk, "channel": "visit", "type": "claim", "category": "placement",
            "subject": "再次反映", "petitioners": [{"person_id": person.pk}]}
    other = lodge(cast.village_worker, people=[{"person_id": person.pk}], subject="未复核")
    refused = api(client, "post", "/api/v1/petitions/", token, **body, same_facts_as=other.pk)
    assert refused.status_code == 422 and "same_facts_as" in refused.json()["errors"]
    assert Petition.objects.count() == 2
    answered = api(client, "post", "/api/v1/petitions/", token, **body, same_facts_as=earlier.pk)
    assert answered.status_code == 201 and answered.json()["state"] == "not_accepted"
    new = api(client, "post", "/api/v1/petitions/", token, **{**body, "subject": "新事项"}, same_facts_as=None)
    assert new.status_code == 201 and new.json()["state"] == "registered"
    visit = api(client, "post", "/api/v1/petitions/", token, **{**body, "subject": "集体访"}, headcount=12)
    assert visit.status_code == 201 and visit.json()["collective"] and visit.json()["headcount"] == 12


# --- the petitioner picked from the dossiers in scope -------------------------------------------------------

def test_a_chosen_dossier_is_linked_and_the_petition_lands_on_it(cast, client_for):
    from rongjia.people.timeline import timeline_for

    person = person_at(cast.village_worker)
    response = client_for(cast.village_worker).post("/petitions/new", {
        "unit": unit_at(VILLAGE_CODE).pk, "channel": "letter", "type": "claim", "category": "medical",
        "subject": "医疗报销", "people": [person.pk], "petitioners": "李四"})
    assert response.status_code == 302
    assert sorted(Petitioner.objects.values_list("name", "person_id")) == [("张伟", person.pk), ("李四", None)]
    entries, _outside = timeline_for(cast.village_worker, person)
    assert any(entry.kind == "petition" and "医疗报销" in entry.title for entry in entries)


def test_a_dossier_outside_the_scope_is_neither_suggested_nor_accepted(cast, client_for, token_for, client):
    outside = person_at(cast.village2_worker, code="320115003011", name="邻村王五", seq=5)
    mine = person_at(cast.village_worker, name="本村王五", seq=6)
    worker = client_for(cast.village_worker)
    # three characters find them anywhere in the name (one or two find the names beginning with them)
    suggested = worker.get("/petitions/new/petitioners", {"q": "村王五"}).content.decode()
    assert "本村王五" in suggested and "邻村王五" not in suggested
    assert "邻村王五" not in worker.get("/petitions/new/petitioners", {"q": "lcww"}).content.decode()
    assert worker.get(f"/petitions/new/petitioners/{outside.pk}").status_code == 404
    form = {"unit": unit_at(VILLAGE_CODE).pk, "channel": "letter", "type": "claim", "category": "medical",
            "subject": "x", "people": [mine.pk, outside.pk]}
    assert worker.post("/petitions/new", form).status_code == 200
    with pytest.raises(ValidationError):
        lodge(cast.village_worker, people=[{"person_id": outside.pk}])
    refused = api(client, "post", "/api/v1/petitions/", token_for(cast.village_worker), unit_id=unit_at(
        VILLAGE_CODE).pk, channel="letter", type="claim", category="medical", subject="x",
        petitioners=[{"person_id": mine.pk}, {"person_id": outside.pk}])
    assert refused.status_code == 422 and not Petition.objects.exists()


@pytest.mark.parametrize("query", ["张伟", "zw", "ZW", "full id"])
def test_suggestions_by_name_initials_or_the_full_id_number_masked(cast, client_for, query):
    number = valid_id_number("19750505", sequence=1)
    person = person_at(cast.village_worker, id_number=number)
    page = client_for(cast.village_worker).get("/petitions/new/petitioners",
                                               {"q": number if query == "full id" else query}).content.decode()
    assert f"/petitions/new/petitioners/{person.pk}" in page and number[:14] + "****" in page
    assert number not in page


def test_the_picker_is_on_the_form_and_a_pick_is_a_ticked_line(cast, client_for):
    person = person_at(cast.village_worker)
    client = client_for(cast.village_worker)
    form = client.get("/petitions/new").content.decode()
    assert 'hx-get="/petitions/new/petitioners"' in form and 'id="chosen-petitioners"' in form
    picked = client.get(f"/petitions/new/petitioners/{person.pk}").content.decode()
    assert f'name="people" value="{person.pk}" checked' in picked and "张伟" in picked


def test_the_picker_s_roles(cast, client_for):
    person = person_at(cast.village_worker)
    for who, status in (("village_worker", 200), ("county_director", 200), ("leader", 403), ("grid_worker", 403)):
        client = client_for(getattr(cast, who))
        assert client.get("/petitions/new/petitioners", {"q": "张"}).status_code == status, who
        assert client.get(f"/petitions/new/petitioners/{person.pk}").status_code == status, who
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/petitions/new/petitioners/{person.pk}").status_code == 404
    assert "张伟" not in outsider.get("/petitions/new/petitioners", {"q": "张伟"}).content.decode()


def test_suggestions_run_bounded_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(12):
        person_at(cast.village_worker, name=f"张{n}", seq=10 + n)
    client = client_for(cast.village_worker)
    # the session, the user, their unit and roles, the search, the page's breadcrumb (2), the session's save (3):
    # the same for one suggestion or eight
    with django_assert_max_num_queries(10):
        page = client.get("/petitions/new/petitioners", {"q": "张"}).content.decode()
    assert page.count("/petitions/new/petitioners/") == 8  # a short list


def test_someone_not_on_file_is_offered_a_dossier(cast, client_for):
    client = client_for(cast.village_worker)
    client.post("/petitions/new", {"unit": unit_at(VILLAGE_CODE).pk, "channel": "letter", "type": "claim",
                                   "category": "medical", "subject": "x", "petitioners": "李四"})
    page = client.get(f"/petitions/{Petition.objects.get().pk}/").content.decode()
    assert 'data-testid="register-dossier"' in page and "/people/new?name=%E6%9D%8E%E5%9B%9B" in page
    assert 'value="李四"' in client.get("/people/new?name=李四").content.decode()


def test_at_the_province_the_form_asks_where_those_not_on_file_live(cast, province_director, client_for):
    client = client_for(province_director)
    assert 'name="home_region"' in client.get("/petitions/new").content.decode()
    assert 'name="home_region"' not in client_for(cast.village_worker).get("/petitions/new").content.decode()
    home = Region.objects.get(code=COUNTY)
    response = client.post("/petitions/new", {"unit": unit_at(PROVINCE).pk, "channel": "visit", "type": "claim",
                                              "category": "placement", "subject": "越级", "petitioners": "李明",
                                              "home_region": home.pk, "headcount": 3})
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.above_county and petition.headcount == 3 and not petition.collective
