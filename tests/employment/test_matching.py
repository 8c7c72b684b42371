"""The matching score against hand-computed fixtures: each part's branches, the parts summing to the score, the SQL
ranking giving the same numbers as the Python explanation, the hard filters and the viewer's scope."""

from datetime import timedelta

import pytest

from rongjia.benchmarks.employment import ensure_seekers, hand_written
from rongjia.core.models import Region
from rongjia.employment import matching, services_seekers
from rongjia.employment.models import Posting, Seeker
from tests.employment.conftest import sector, seeker_for, skill
from tests.factories import OUTSIDER_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, person_at

TRANSPORT, MAKING = "交通运输、仓储和邮政业", "制造业"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def outsider_village() -> Region:
    """A village of the sibling county 雨花台区: the same city as 江宁区, another county."""
    return Region.objects.filter(level=5, code__gte=OUTSIDER_COUNTY, code__lt="320115").order_by("code").first()


def make_posting(employer, today, *, place=VILLAGE_CODE, skills=(), min_education="", licence="",
                 sector_name=TRANSPORT, closes_in=30, title="岗位") -> Posting:
    """A posting written straight to the table: the matching reads its fields, not how it was registered."""
    place_region = place if isinstance(place, Region) else region(place)
    posting = Posting.objects.create(
        employer=employer, jurisdiction_code=employer.jurisdiction_code, title=title, sector=sector(sector_name),
        place=place_region, place_code=place_region.code, pay_min=5000, pay_max=7000, places=2,
        min_education=min_education, driving_licence=licence, opens_on=today - timedelta(days=max(1, 5 - closes_in)),
        closes_on=today + timedelta(days=closes_in))
    posting.skills.set([skill(s) for s in skills])
    return posting


def ranked_row(viewer, posting, seeker, today):
    row = matching.ranked_seekers(viewer, posting, today).filter(pk=seeker.pk).first()
    assert row is not None, "the seeker is not ranked"
    return {name: getattr(row, name) for name in (*matching.PARTS, "score")}


# Each case: the posting, the seeker, and the four parts worked out by hand.
CASES = {
    # 1 skill of 1; lives in the posting's village (its county); senior ≥ junior; no sector named (5).
    "all-skills-home-county": (dict(skills=["汽车驾驶"], min_education="junior"),
                               dict(skills=["汽车驾驶"], education="senior"),
                               {"skill_part": 40, "place_part": 30, "education_part": 20, "preference_part": 5}),
    # 1 of 3 skills: 40*1//3 = 13; the posting in the sibling county, which the seeker wants (30); senior is one below
    # college (10); wants 制造业 only, the posting is 交通运输 (0).
    "a-third-wanted-county-one-below": (dict(skills=["汽车驾驶", "汽车维修", "电工"], min_education="college",
                                             place="outsider"),
                                        dict(skills=["汽车驾驶"], education="senior", wanted_place=OUTSIDER_COUNTY,
                                             sectors=[MAKING]),
                                        {"skill_part": 13, "place_part": 30, "education_part": 10,
                                         "preference_part": 0}),
    # 2 of 3: 40*2//3 = 26; the sibling county, not wanted: the same city (15); senior two below bachelor (0);
    # 交通运输 among the sectors wanted (10).
    "two-thirds-same-city-below": (dict(skills=["汽车驾驶", "汽车维修", "电工"], min_education="bachelor",
                                        place="outsider"),
                                   dict(skills=["汽车驾驶", "电工"], education="senior", sectors=[TRANSPORT, MAKING]),
                                   {"skill_part": 26, "place_part": 15, "education_part": 0, "preference_part": 10}),
    # no skill asked (40); the workplace is the province (outside the city, not wanted: 0); no lowest education (20)
    # whatever the person's, here unknown; no sector named (5).
    "nothing-asked-far-away": (dict(skills=[], min_education="", place="320000000000"),
                               dict(skills=[], education=""),
                               {"skill_part": 40, "place_part": 0, "education_part": 20, "preference_part": 5}),
    # 0 of 2 (0); wants anywhere in the province (prefix 32 covers 320000000000: 30); education unknown against
    # junior (0); wants 交通运输 (10).
    "no-skill-province-wanted-unknown-education": (
        dict(skills=["汽车维修", "电工"], min_education="junior", place="320000000000"),
        dict(skills=["汽车驾驶"], education="", wanted_place="320000000000", sectors=[TRANSPORT]),
        {"skill_part": 0, "place_part": 30, "education_part": 0, "preference_part": 10}),
    # 1 of 2 (20); wants only the street of another village of 江宁 (320115003 covers the posting's village, 30);
    # primary against primary, the lowest level with none below (20); wants 制造业 (0).
    "half-street-wanted-lowest-level": (dict(skills=["汽车驾驶", "电工"], min_education="primary",
                                             place=VILLAGE2_CODE),
                                        dict(skills=["电工", "厨师"], education="primary", wanted_place="320115003000",
                                             sectors=[MAKING]),
                                        {"skill_part": 20, "place_part": 30, "education_part": 20,
                                         "preference_part": 0}),
    # a primary-school seeker against junior: one below (10); 3 of 3 (40); home county (30); none named (5).
    "primary-one-below-junior": (dict(skills=["汽车驾驶", "电工", "厨师"], min_education="junior"),
                                 dict(skills=["汽车驾驶", "电工", "厨师", "安保"], education="primary"),
                                 {"skill_part": 40, "place_part": 30, "education_part": 10, "preference_part": 5}),
}


def _place(value):
    return outsider_village() if value == "outsider" else region(value or VILLAGE_CODE)


def _seeker_from(cast, n: int, spec: dict) -> Seeker:
    wanted = spec.get("wanted_place")
    if wanted:
        wanted = Region.objects.get(code=wanted.ljust(12, "0"))
    return seeker_for(cast.village_worker, name=f"测试{n}", seq=600 + n, education=spec["education"],
                      skills=spec["skills"], wanted_place=wanted,
                      wanted_sectors=[sector(name) for name in spec.get("sectors", [])])


@pytest.mark.parametrize("case", sorted(CASES))
def test_hand_computed_parts(cast, employer, today, case):
    posting_spec, seeker_spec, parts = CASES[case]
    posting = make_posting(employer, today, place=_place(posting_spec.get("place")), skills=posting_spec["skills"],
                           min_education=posting_spec["min_education"])
    seeker = _seeker_from(cast, sorted(CASES).index(case), seeker_spec)
    expected = {**parts, "score": sum(parts.values())}
    explanation = matching.explain(posting, seeker)
    assert explanation.as_dict() == expected
    assert ranked_row(cast.county_director, posting, seeker, today) == expected
    assert all(part.words for part in explanation.parts) and len(explanation.parts) == 4


def test_the_parts_sum_to_the_score_and_stay_in_their_bounds(cast, employer, today):
    posting = make_posting(employer, today, skills=["汽车驾驶", "电工", "厨师"], min_education="senior")
    for n, (skills, education) in enumerate([((), ""), (("汽车驾驶",), "junior"), (("电工", "厨师"), "college")]):
        seeker = seeker_for(cast.village_worker, name=f"合计{n}", seq=640 + n, skills=skills, education=education)
        explanation = matching.explain(posting, seeker)
        assert explanation.total == sum(part.points for part in explanation.parts)
        assert all(0 <= part.points <= part.most for part in explanation.parts)
        assert [part.most for part in explanation.parts] == [40, 30, 20, 10]
    for row in matching.ranked_seekers(cast.county_director, posting, today):
        assert row.score == sum(getattr(row, name) for name in matching.PARTS)
        assert 0 <= row.score <= 100


def test_sql_ranking_equals_the_python_explanation_for_many_seekers(cast, employer, today):
    specs = []
    skills = ["汽车驾驶", "汽车维修", "电工", "厨师", "安保"]
    educations = ["", "primary", "junior", "senior", "college", "bachelor", "master"]
    places = [None, "320115000000", "320115003000", OUTSIDER_COUNTY.ljust(12, "0"), "320100000000", "320000000000"]
    sectors = [[], [TRANSPORT], [MAKING], [TRANSPORT, MAKING]]
    for n in range(14):
        specs.append({"skills": skills[: n % 6], "education": educations[n % 7],
                      "wanted_place": places[n % 6], "sectors": sectors[n % 4]})
    seekers = [_seeker_from(cast, 20 + n, spec) for n, spec in enumerate(specs)]
    street = seeker_for(cast.street_worker, code="320115003000", name="街道", seq=690, skills=["厨师"])
    postings = [
        make_posting(employer, today, skills=["汽车驾驶", "电工"], min_education="senior", title="a"),
        make_posting(employer, today, place=outsider_village(), skills=["汽车驾驶", "汽车维修", "电工"],
                     min_education="college", sector_name=MAKING, title="b"),
        make_posting(employer, today, place="320000000000", title="c"),
        make_posting(employer, today, place=VILLAGE2_CODE, skills=["厨师"], min_education="primary", title="d"),
    ]
    for posting in postings:
        rows = list(matching.ranked_seekers(cast.county_director, posting, today))
        assert {row.pk for row in rows} == {s.pk for s in [*seekers, street]}
        assert [row.score for row in rows] == sorted((row.score for row in rows), reverse=True)
        for row in rows:
            from_sql = {name: getattr(row, name) for name in (*matching.PARTS, "score")}
            assert from_sql == matching.explain(posting, row).as_dict(), (posting.title, row.person.name)


def test_ranked_postings_give_the_same_numbers(cast, employer, today, seeker):
    [
        make_posting(employer, today, skills=["汽车驾驶", "电工"], min_education="college", title="a"),
        make_posting(employer, today, place=outsider_village(), skills=["汽车驾驶"], min_education="primary",
                     sector_name=MAKING, title="b"),
        make_posting(employer, today, place="320000000000", min_education="bachelor", title="c"),
        make_posting(employer, today, skills=["厨师"], licence="A1", title="needs A1"),  # B2 does not permit A1
        make_posting(employer, today, closes_in=-3, title="closed"),
    ]
    services_seekers.seeker_update(actor=cast.village_worker, seeker=seeker, version=seeker.version,
                                   wanted_sectors=[sector(MAKING)])
    seeker.refresh_from_db()
    rows = list(matching.ranked_postings(cast.village_worker, seeker, today))
    assert {row.title for row in rows} == {"a", "b", "c"}
    for row in rows:
        assert {name: getattr(row, name) for name in (*matching.PARTS, "score")} == \
            matching.explain(row, seeker).as_dict(), row.title


def test_hard_filters(cast, employer, today):
    posting = make_posting(employer, today, skills=["汽车驾驶"], licence="B2", closes_in=10)
    a1 = seeker_for(cast.village_worker, name="甲", seq=660, driving_licence="A1")  # A1 permits B2
    b2 = seeker_for(cast.village_worker, name="乙", seq=661, driving_licence="B2")
    c1 = seeker_for(cast.village_worker, name="丙", seq=662, driving_licence="C1")  # C1 does not
    none = seeker_for(cast.village_worker, name="丁", seq=663)
    late = seeker_for(cast.village_worker, name="戊", seq=664, driving_licence="B2",
                      available_from=today + timedelta(days=11))
    in_time = seeker_for(cast.village_worker, name="己", seq=665, driving_licence="B2",
                         available_from=today + timedelta(days=10))
    placed = seeker_for(cast.village_worker, name="庚", seq=666, driving_licence="B2", status="placed")
    not_seeking = seeker_for(cast.village_worker, name="辛", seq=667, driving_licence="B2", status="not_seeking",
                             reason="升学")
    moved = seeker_for(cast.village_worker, name="壬", seq=668, driving_licence="B2")
    moved.person.status = "moved_out"
    moved.person.save(update_fields=["status"])
    ranked = set(matching.ranked_seekers(cast.county_director, posting, today).values_list("pk", flat=True))
    assert ranked == {a1.pk, b2.pk, in_time.pk}
    assert not ranked & {c1.pk, none.pk, late.pk, placed.pk, not_seeking.pk, moved.pk}


def test_scope_a_village_worker_ranks_only_its_village(cast, employer, today, seeker, sibling_seeker,
                                                       outsider_seeker):
    posting = make_posting(employer, today, skills=["汽车驾驶"])
    village = set(matching.ranked_seekers(cast.village_worker, posting, today).values_list("pk", flat=True))
    assert seeker.pk in village and sibling_seeker.pk not in village and outsider_seeker.pk not in village
    sibling = set(matching.ranked_seekers(cast.village2_worker, posting, today).values_list("pk", flat=True))
    assert sibling == {sibling_seeker.pk}
    county = set(matching.ranked_seekers(cast.county_director, posting, today).values_list("pk", flat=True))
    assert {seeker.pk, sibling_seeker.pk} <= county and outsider_seeker.pk not in county
    street = set(matching.ranked_seekers(cast.street_worker, posting, today).values_list("pk", flat=True))
    assert outsider_seeker.pk not in street
    outsider = set(matching.ranked_seekers(cast.outsider, posting, today).values_list("pk", flat=True))
    assert outsider == {outsider_seeker.pk}  # their own only: never the home county's


def test_the_conftest_posting_ranks_the_b2_driver_first(cast, posting, today, seeker, sibling_seeker):
    """The shared fixtures: a B2 driving job in the home village; the village's B2 driver and the sibling village's
    A1 driver both qualify; both live in the county and hold the skill."""
    rows = list(matching.ranked_seekers(cast.county_director, posting, today))
    assert [row.pk for row in rows] == [seeker.pk, sibling_seeker.pk]  # equal scores: by id
    assert rows[0].score == rows[1].score == 40 + 30 + 20 + 5


def test_the_hand_written_sql_agrees_with_ranked_seekers(cast, employer, today):
    for n in range(10):
        person_at(cast.village_worker, name=f"甲{n}", seq=330 + n, education=["junior", "senior", ""][n % 3])
    ensure_seekers("320115", 1)
    posting = make_posting(employer, today, skills=["汽车驾驶", "电工", "厨师"], min_education="senior")
    ours = [(s.pk, s.score, s.skill_part, s.place_part, s.education_part, s.preference_part)
            for s in matching.ranked_seekers(cast.county_director, posting, today)[:50]]
    assert ours and ours == hand_written("320115", posting)


def test_the_profile_follows_its_dossier_and_the_nightly_review_mends_what_a_bulk_writer_skipped(cast, posting,
                                                                                                   seeker, today):
    """Matching reads the dossier's copy on the profile (education, on the books): a dossier saved through its
    service updates it at once; a bulk update (as the ledger import writes) is mended by the nightly review."""
    from rongjia.people import services as people_services
    from rongjia.people.models import Person

    person = Person.objects.get(pk=seeker.person_id)
    people_services.person_update(actor=cast.village_worker, person=person, version=person.version,
                                  education="primary")
    seeker.refresh_from_db()
    assert seeker.education == "primary" and matching.explain(posting, seeker).parts[2].points == 10  # one below
    Person.objects.filter(pk=person.pk).update(status=Person.Status.DECEASED, education="bachelor")  # no signal
    assert seeker.pk in ranked_ids(cast.village_worker, posting), "stale until the review"
    assert services_seekers.reconcile_with_dossiers("320115") == 1
    seeker.refresh_from_db()
    assert (seeker.on_books, seeker.education) == (False, "bachelor")
    assert seeker.pk not in ranked_ids(cast.village_worker, posting)
    assert services_seekers.reconcile_with_dossiers("320115") == 0


def ranked_ids(viewer, posting) -> list[int]:
    return [row.pk for row in matching.ranked_seekers(viewer, posting)]
