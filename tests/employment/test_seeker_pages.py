"""The job seekers' and matching pages: the right role gets them, the outsider gets 404 for a hidden record, a
leader reads but does not write, bad input changes nothing, lists stay within a query ceiling, exports are
audited."""

from io import BytesIO

from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from rongjia.employment.models import Certificate, Seeker
from rongjia.people.models import Tag
from tests.employment.conftest import seeker_for, skill
from tests.employment.test_matching import make_posting
from tests.factories import VILLAGE_CODE, person_at

LIST = reverse("employment:seekers")


def test_the_list_for_each_role(cast, client_for, seeker, sibling_seeker, outsider_seeker):
    page = client_for(cast.village_worker).get(LIST)
    assert page.status_code == 200
    assert f'data-seeker="{seeker.pk}"' in page.text and f'data-seeker="{sibling_seeker.pk}"' not in page.text
    county = client_for(cast.county_director).get(LIST).text
    assert f'data-seeker="{sibling_seeker.pk}"' in county and f'data-seeker="{outsider_seeker.pk}"' not in county
    leader = client_for(cast.leader).get(LIST)
    assert leader.status_code == 200 and 'data-testid="review"' not in leader.text
    assert client_for(cast.grid_worker).get(LIST).status_code == 403


def test_filters_search_sort_and_empty_state(cast, client_for, seeker, sibling_seeker):
    seeker_for(cast.village_worker, name="王电工", seq=901, skills=("电工",), status="not_seeking", reason="升学")
    client = client_for(cast.county_director)
    assert client.get(LIST, {"q": "赵"}).text.count("data-seeker=") == 1
    assert client.get(LIST, {"q": "zl"}).text.count("data-seeker=") == 1  # pinyin initials of 赵磊
    assert client.get(LIST, {"status": "not_seeking"}).text.count("data-seeker=") == 1
    assert client.get(LIST, {"skill": skill("电工").pk}).text.count("data-seeker=") == 1
    assert client.get(LIST, {"source": "worker", "sort": "-updated"}).text.count("data-seeker=") == 3
    assert client.get(LIST, {"region": VILLAGE_CODE}).text.count("data-seeker=") == 2
    assert client.get(LIST, {"sort": "nonsense", "status": "bogus"}).status_code == 200  # ignored, no 500
    empty = client.get(LIST, {"q": "没有这个人"})
    assert 'data-testid="empty"' in empty.text
    # a region outside the viewer's subtree is 404
    assert client_for(cast.village_worker).get(LIST, {"region": "320115003011"}).status_code == 404


def test_list_query_ceiling(cast, client_for, django_assert_max_num_queries):
    for n in range(12):
        seeker_for(cast.village_worker, name=f"求职{n}", seq=910 + n, skills=("汽车驾驶", "电工"))
    client = client_for(cast.county_director)
    client.get(LIST)
    with django_assert_max_num_queries(16):  # the sign-in's 5 and the session's 3 among them; not one a row
        page = client.get(LIST)
    assert page.text.count("data-seeker=") == 12


def test_export_is_audited(cast, client_for, seeker, sibling_seeker):
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client_for(cast.village_worker).get(reverse("employment:seekers_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["李强"]  # the sibling village's seeker is not in the village's sheet
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


def test_detail_and_hidden_records(cast, client_for, seeker):
    url = reverse("employment:seeker_detail", args=[seeker.pk])
    page = client_for(cast.village_worker).get(url)
    assert page.status_code == 200 and "李强" in page.text
    assert client_for(cast.county_director).get(url).status_code == 200
    assert client_for(cast.leader).get(url).status_code == 200
    for user in (cast.outsider, cast.village2_worker):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("employment:seeker_edit", args=[seeker.pk])).status_code == 404
        assert client.get(reverse("employment:seeker_postings", args=[seeker.pk])).status_code == 404


def test_new_profile_from_a_person(cast, client_for):
    person = person_at(cast.village_worker, name="周勇", seq=930)
    url = reverse("employment:seeker_new") + f"?person={person.pk}"
    client = client_for(cast.village_worker)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"status": "not_seeking", "wanted_pay": "800000"})
    assert refused.status_code == 400 and Seeker.objects.count() == 0
    response = client.post(url, {"status": "seeking", "wanted_work": "保安", "wanted_pay": "5000",
                                 "skills": [skill("安保").pk], "driving_licence": "C1"})
    assert response.status_code == 302
    created = Seeker.objects.get(person=person)
    assert created.wanted_work == "保安" and created.created_by == cast.village_worker
    assert client.get(url).status_code == 302  # a second profile: back to the first
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.leader).get(url).status_code == 403


def test_edit_with_version(cast, client_for, seeker):
    url = reverse("employment:seeker_edit", args=[seeker.pk])
    client = client_for(cast.village_worker)
    assert client.get(url).status_code == 200
    data = {"status": "seeking", "wanted_work": "货车司机", "driving_licence": "B2", "version": seeker.version,
            "skills": [skill("汽车驾驶").pk]}
    assert client.post(url, data).status_code == 302
    seeker.refresh_from_db()
    assert seeker.wanted_work == "货车司机" and seeker.version == 2
    stale = client.post(url, {**data, "wanted_work": "叉车工"})  # still version 1
    assert stale.status_code == 409
    seeker.refresh_from_db()
    assert seeker.wanted_work == "货车司机"
    assert client.post(url, {**data, "version": 2, "status": "not_seeking"}).status_code == 400
    assert client_for(cast.leader).post(url, {**data, "version": 2}).status_code == 403


def test_certificate_form(cast, client_for, seeker):
    url = reverse("employment:seeker_certificate", args=[seeker.pk])
    client = client_for(cast.village_worker)
    assert client.post(url, {"name": ""}).status_code == 400 and Certificate.objects.count() == 0
    assert client.post(url, {"name": "电工证", "number": "A1"}).status_code == 302
    assert Certificate.objects.filter(seeker=seeker).count() == 1
    assert client_for(cast.outsider).post(url, {"name": "x"}).status_code == 404


def test_review_button_and_confirm(cast, client_for, today):
    person = person_at(cast.village_worker, name="吴斌", seq=940)
    person.tags.add(Tag.objects.get(kind="need", name="就业需求"))
    client = client_for(cast.village_worker)
    response = client.post(reverse("employment:seekers_review"), follow=True)
    assert response.status_code == 200 and "1" in response.text
    offered = Seeker.objects.get(person=person)
    assert offered.status == "offered"
    page = client.get(LIST, {"status": "offered"})
    assert f'data-seeker="{offered.pk}"' in page.text
    confirm = reverse("employment:seeker_confirm", args=[offered.pk])
    assert client.post(confirm, {"version": offered.version}).status_code == 302
    offered.refresh_from_db()
    assert offered.status == "seeking"
    assert client_for(cast.leader).post(reverse("employment:seekers_review")).status_code == 403


def test_the_nightly_command(cast, capsys):
    person = person_at(cast.village_worker, name="郑刚", seq=950)
    person.tags.add(Tag.objects.get(kind="need", name="培训需求"))
    call_command("employment_review", region="320115")
    assert Seeker.objects.filter(person=person, status="offered").exists()
    call_command("employment_review")
    assert "0" in capsys.readouterr().out.splitlines()[-1]


def test_posting_matches_page(cast, client_for, employer, today, seeker, sibling_seeker, outsider_seeker,
                              django_assert_max_num_queries):
    posting = make_posting(employer, today, skills=["汽车驾驶", "电工"], min_education="junior")
    for n in range(8):
        seeker_for(cast.village_worker, name=f"司机{n}", seq=960 + n, skills=("汽车驾驶",))
    url = reverse("employment:posting_matches", args=[posting.pk])
    village = client_for(cast.village_worker)
    page = village.get(url)
    assert page.status_code == 200
    assert f'data-seeker="{seeker.pk}"' in page.text and f'data-seeker="{sibling_seeker.pk}"' not in page.text
    assert 'data-part="skill_part"' in page.text and 'data-testid="refer"' in page.text
    county = client_for(cast.county_director)
    county.get(url)
    with django_assert_max_num_queries(21):  # the sign-in's 5 and the session's 3 among them; not one a row
        text = county.get(url).text
    assert f'data-seeker="{sibling_seeker.pk}"' in text and f'data-seeker="{outsider_seeker.pk}"' not in text
    leader = client_for(cast.leader).get(url)
    assert leader.status_code == 200 and 'data-testid="refer"' not in leader.text
    assert client_for(cast.outsider).get(url).status_code == 404  # the home county's posting is hidden from it


def test_seeker_postings_page(cast, client_for, employer, today, seeker, django_assert_max_num_queries):
    for n in range(5):
        make_posting(employer, today, skills=["汽车驾驶"], title=f"岗位{n}")
    url = reverse("employment:seeker_postings", args=[seeker.pk])
    client = client_for(cast.village_worker)
    client.get(url)
    with django_assert_max_num_queries(18):
        page = client.get(url)
    assert page.status_code == 200 and page.text.count("data-posting=") == 5
