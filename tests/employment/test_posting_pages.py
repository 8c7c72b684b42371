"""The employers', postings' and referrals' pages: the right role opens them, an outsider gets 404 for a record it
cannot see, lists stay within a fixed number of queries, what a page reaches through a record is the viewer's, and
the forms bring refusals back with nothing changed."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from rongjia.core.models import Region
from rongjia.employment import services_postings, services_referrals
from rongjia.employment.models import Employer, Posting, Referral
from tests.employment.conftest import sector, seeker_for
from tests.factories import VILLAGE2_CODE, VILLAGE_CODE

pytestmark = pytest.mark.django_db


def ids(response, attribute: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-{attribute}="(\d+)"', response.content.decode())]


def more_postings(cast, employer, today, n=5):
    for i in range(n):
        services_postings.posting_create(
            actor=cast.county_director, employer=employer, title=f"岗位{i}",
            place=Region.objects.get(code=VILLAGE_CODE), pay_min=3000, pay_max=4000 + i, places=1, opens_on=today,
            closes_on=today + timedelta(days=5 + i))


@pytest.fixture
def referrals(cast, seeker, sibling_seeker, posting):
    return (services_referrals.referral_create(actor=cast.village_worker, seeker=seeker, posting=posting),
            services_referrals.referral_create(actor=cast.village2_worker, seeker=sibling_seeker, posting=posting))


# --- who opens what ----------------------------------------------------------------------------------------------

def test_lists_open_to_readers_and_show_only_what_they_see(cast, client_for, employer, posting):
    for who in (cast.village_worker, cast.county_director, cast.leader):
        client = client_for(who)
        assert ids(client.get(reverse("employment:employers")), "employer") == [employer.pk]
        assert ids(client.get(reverse("employment:postings")), "posting") == [posting.pk]
        assert client.get(reverse("employment:referrals")).status_code == 200
    outsider = client_for(cast.outsider)
    assert ids(outsider.get(reverse("employment:employers")), "employer") == []
    assert ids(outsider.get(reverse("employment:postings")), "posting") == []
    grid = client_for(cast.grid_worker)
    assert grid.get(reverse("employment:employers")).status_code == 403


def test_detail_pages_open_inside_the_scope_and_404_outside(cast, client_for, employer, posting):
    pages = [reverse("employment:employer_detail", args=[employer.pk]),
             reverse("employment:posting_detail", args=[posting.pk])]
    for url in pages:
        assert client_for(cast.village_worker).get(url).status_code == 200
        assert client_for(cast.outsider).get(url).status_code == 404
    outsider = client_for(cast.outsider)  # a centre with employment.manage, but not of this county
    for name, pk in (("employer_edit", employer.pk), ("posting_edit", posting.pk), ("posting_withdraw", posting.pk)):
        assert outsider.get(reverse(f"employment:{name}", args=[pk])).status_code == 404
        assert outsider.post(reverse(f"employment:{name}", args=[pk]), {"name": "x"}).status_code == 404
        assert client_for(cast.village_worker).get(reverse(f"employment:{name}", args=[pk])).status_code == 403
        assert client_for(cast.county_director).get(reverse(f"employment:{name}", args=[pk])).status_code == 200
    assert Employer.objects.get(pk=employer.pk).version == 1 and Posting.objects.get(pk=posting.pk).version == 1


def test_the_contact_phone_is_masked(cast, client_for, employer):
    page = client_for(cast.village_worker).get(reverse("employment:employer_detail", args=[employer.pk]))
    content = page.content.decode()
    assert "139****1111" in content and "13900001111" not in content
    edit = client_for(cast.county_director).get(reverse("employment:employer_edit", args=[employer.pk]))
    assert "13900001111" not in edit.content.decode()


def test_the_employer_page_counts_its_postings_and_fairs(cast, client_for, employer, posting):
    page = client_for(cast.village_worker).get(reverse("employment:employer_detail", args=[employer.pk]))
    assert ids(page, "posting") == [posting.pk]
    assert page.context["fair_count"] == 0


def test_the_posting_shows_only_the_viewers_referrals_and_counts_the_others(cast, client_for, posting, referrals):
    mine, sibling = referrals
    url = reverse("employment:posting_detail", args=[posting.pk])
    village = client_for(cast.village_worker).get(url)
    assert ids(village, "referral") == [mine.pk] and village.context["others"] == 1
    assert "赵磊" not in village.content.decode()  # the sibling village's seeker, not even by name
    county = client_for(cast.county_director).get(url)
    assert sorted(ids(county, "referral")) == sorted([mine.pk, sibling.pk]) and county.context["others"] == 0


def test_a_referral_is_opened_by_its_area_only(cast, client_for, referrals):
    mine, _ = referrals
    url = reverse("employment:referral_detail", args=[mine.pk])
    assert client_for(cast.village_worker).get(url).status_code == 200
    assert client_for(cast.county_director).get(url).status_code == 200
    for who in (cast.village2_worker, cast.outsider):
        assert client_for(who).get(url).status_code == 404
        response = client_for(who).post(reverse("employment:referral_step", args=[mine.pk]),
                                        {"action": "not_hired", "note": "x", "version": 1})
        assert response.status_code == 404
    assert Referral.objects.get(pk=mine.pk).state == "referred"


# --- query ceilings ----------------------------------------------------------------------------------------------

def test_the_lists_take_a_fixed_number_of_queries(cast, client_for, employer, posting, referrals, today,
                                                  django_assert_max_num_queries):
    more_postings(cast, employer, today)
    for i in range(3):
        services_postings.employer_create(actor=cast.county_director, name=f"企业{i}", sector=sector(),
                                          place=Region.objects.get(code=VILLAGE_CODE), contact_name="联系人",
                                          contact_phone="13800000000")
    client = client_for(cast.county_director)
    for name in ("employers", "postings", "referrals"):
        client.get(reverse(f"employment:{name}"))  # warm the session and the caches
        with django_assert_max_num_queries(14):
            assert client.get(reverse(f"employment:{name}")).status_code == 200
    with django_assert_max_num_queries(16):
        client.get(reverse("employment:posting_detail", args=[posting.pk]))


# --- filters and exports -----------------------------------------------------------------------------------------

def test_posting_filters_and_sorting(cast, client_for, employer, posting, today):
    more_postings(cast, employer, today, n=3)
    old = services_postings.posting_create(
        actor=cast.county_director, employer=employer, title="已截止", place=Region.objects.get(code=VILLAGE_CODE),
        pay_min=1, pay_max=2, places=1, opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=10))
    client = client_for(cast.village_worker)
    open_now = ids(client.get(reverse("employment:postings")), "posting")
    assert old.pk not in open_now and len(open_now) == 4
    closes = [Posting.objects.get(pk=pk).closes_on for pk in open_now]
    assert closes == sorted(closes)  # closing soonest first
    assert ids(client.get(reverse("employment:postings"), {"status": "closed"}), "posting") == [old.pk]
    assert len(ids(client.get(reverse("employment:postings"), {"status": "all"}), "posting")) == 5
    assert ids(client.get(reverse("employment:postings"), {"place": VILLAGE2_CODE}), "posting") == []
    bad = client.get(reverse("employment:postings"), {"place": "abc", "status": "nonsense", "sector": "x"})
    assert bad.status_code == 200 and len(ids(bad, "posting")) == 4  # ignored, said so


def test_exports_are_audited_and_mask_the_phone(cast, client_for, employer, posting):
    from auditlog.models import LogEntry

    client = client_for(cast.county_director)
    before = LogEntry.objects.count()
    for name in ("employers_export", "postings_export"):
        response = client.get(reverse(f"employment:{name}"))
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert LogEntry.objects.count() == before + 2


def test_overdue_outcomes_and_follow_ups_due(cast, client_for, posting, referrals, today):
    mine, _ = referrals
    Referral.objects.filter(pk=mine.pk).update(referred_on=today - timedelta(days=15))
    client = client_for(cast.village_worker)
    assert ids(client.get(reverse("employment:referrals"), {"overdue": "1"}), "referral") == [mine.pk]
    assert ids(client.get(reverse("employment:referrals"), {"follow_up": "1"}), "referral") == []
    Referral.objects.filter(pk=mine.pk).update(state="hired", follow_up_due=today)
    assert ids(client.get(reverse("employment:referrals"), {"follow_up": "1"}), "referral") == [mine.pk]
    assert ids(client.get(reverse("employment:referrals"), {"overdue": "1"}), "referral") == []


# --- forms -------------------------------------------------------------------------------------------------------

def test_registering_an_employer_from_the_page(cast, client_for):
    client = client_for(cast.county_director)
    data = {"name": "汤山建设", "sector": sector().pk, "place": VILLAGE_CODE, "contact_name": "吴工",
            "contact_phone": "13812340000", "credit_code": "91350100M000100Y44"}
    refused = client.post(reverse("employment:employer_new"), data)
    assert refused.status_code == 400 and "credit_code" in refused.context["form"].errors
    assert not Employer.objects.filter(name="汤山建设").exists()
    made = client.post(reverse("employment:employer_new"), data | {"credit_code": "91350100M000100Y43"})
    employer = Employer.objects.get(name="汤山建设")
    assert made.status_code == 302 and made["Location"] == reverse("employment:employer_detail", args=[employer.pk])
    assert client_for(cast.village_worker).get(reverse("employment:employer_new")).status_code == 403


def test_editing_keeps_the_phone_when_left_blank(cast, client_for, employer):
    client = client_for(cast.county_director)
    url = reverse("employment:employer_edit", args=[employer.pk])
    data = {"name": "江宁物流", "sector": employer.sector_id, "place": VILLAGE_CODE, "contact_name": "王经理",
            "contact_phone": "", "active": "on", "version": 1}
    assert client.post(url, data).status_code == 302
    fresh = Employer.objects.get(pk=employer.pk)
    assert (fresh.name, fresh.contact_phone, fresh.version) == ("江宁物流", "13900001111", 2)
    stale = client.post(url, data | {"name": "旧表单"})
    assert stale.status_code == 400 and Employer.objects.get(pk=employer.pk).name == "江宁物流"


def test_a_posting_closing_before_it_opens_is_refused_on_the_page(cast, client_for, employer, today):
    client = client_for(cast.county_director)
    assert client.get(reverse("employment:posting_new"), {"employer": employer.pk}).status_code == 200
    data = {"employer": employer.pk, "title": "叉车司机", "place": VILLAGE_CODE, "pay_min": 5000, "pay_max": 6000,
            "places": 1, "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat()}
    refused = client.post(reverse("employment:posting_new"), data)
    assert refused.status_code == 400 and "closes_on" in refused.context["form"].errors
    refused = client.post(reverse("employment:posting_new"), data | {
        "closes_on": today.isoformat(), "pay_min": 7000})
    assert refused.status_code == 400 and "pay_max" in refused.context["form"].errors
    assert not Posting.objects.exists()
    made = client.post(reverse("employment:posting_new"), data | {"closes_on": today.isoformat()})
    assert made.status_code == 302 and Posting.objects.get().sector == employer.sector


def test_withdrawing_asks_first(cast, client_for, posting):
    client = client_for(cast.county_director)
    url = reverse("employment:posting_withdraw", args=[posting.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": 1}).status_code == 400  # not confirmed
    assert not Posting.objects.get(pk=posting.pk).withdrawn
    assert client.post(url, {"version": 1, "confirm": "on"}).status_code == 302
    assert Posting.objects.get(pk=posting.pk).withdrawn


def test_the_refer_button_comes_back_to_a_page_of_this_site(cast, client_for, seeker, sibling_seeker, posting):
    client = client_for(cast.village_worker)
    back = reverse("employment:posting_detail", args=[posting.pk])
    made = client.post(reverse("employment:referral_create"), {"seeker": seeker.pk, "posting": posting.pk,
                                                               "next": back})
    assert made.status_code == 302 and made["Location"] == back
    referral = Referral.objects.get(seeker=seeker, posting=posting)
    again = client.post(reverse("employment:referral_create"), {"seeker": seeker.pk, "posting": posting.pk,
                                                                "next": "https://evil.example/x"}, follow=True)
    assert again.redirect_chain[0][0] == reverse("employment:referrals")  # the foreign address is ignored
    assert any(seeker.person.name in str(m) for m in again.context["messages"])  # why it was refused
    assert Referral.objects.filter(posting=posting).count() == 1
    other = seeker_for(cast.village_worker, name="钱勇", seq=505)
    made = client.post(reverse("employment:referral_create"), {"seeker": other.pk, "posting": posting.pk,
                                                               "next": "//evil.example"})
    assert made["Location"] == reverse("employment:referral_detail",
                                       args=[Referral.objects.get(seeker=other).pk])
    hidden = client.post(reverse("employment:referral_create"), {"seeker": sibling_seeker.pk, "posting": posting.pk})
    assert hidden.status_code == 302 and not Referral.objects.filter(seeker=sibling_seeker).exists()
    assert client_for(cast.leader).post(reverse("employment:referral_create"), {
        "seeker": seeker.pk, "posting": posting.pk}).status_code == 403
    assert referral.state == "referred"


def test_the_step_form_offers_the_viewers_steps_and_records_them(cast, client_for, referrals, today):
    mine, _ = referrals
    url = reverse("employment:referral_detail", args=[mine.pk])
    page = client_for(cast.village_worker).get(url)
    assert [c[0] for c in page.context["form"].fields["action"].choices] == ["interview", "hire", "not_hired"]
    assert client_for(cast.leader).get(url).context["form"] is None
    client = client_for(cast.village_worker)
    step = reverse("employment:referral_step", args=[mine.pk])
    refused = client.post(step, {"action": "not_hired", "note": "", "version": 1})
    assert refused.status_code == 400 and "note" in refused.context["form"].errors
    assert client_for(cast.leader).post(step, {"action": "interview", "version": 1}).status_code == 403
    done = client.post(step, {"action": "hire", "start_date": today.isoformat(), "version": 1})
    assert done.status_code == 302
    fresh = Referral.objects.get(pk=mine.pk)
    assert fresh.state == "hired" and fresh.follow_up_due is not None
    history = client.get(url)
    events = history.context["events"]
    assert [e.action for e in events] == ["refer", "hire"]
    assert any(today.isoformat() in detail for detail in events[1].details)  # the start date, in words
    assert any(fresh.follow_up_due.isoformat() in detail for detail in events[1].details)
