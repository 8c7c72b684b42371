"""Assistance on the dossier, the 一人一册 booklet and the workbench, through core's registry: the timeline shows
what the viewer may open and only a count of the rest (a person transferred from the sibling village keeps the old
village's records there), the helper veteran's own dossier shows the pairing, and each workbench count is the
number of rows of the list its link opens, the leader's the same as the county's."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rongjia.assistance import dossier, services
from rongjia.assistance.models import AidApplication, HardshipEntry, HardshipKind
from rongjia.core import contributions
from rongjia.people.books import services as books_services
from rongjia.people.timeline import person_pks
from tests.factories import VILLAGE_CODE, person_at, unit_at
from tests.security.probes import visible_text

from .conftest import past_publicity, register, step, to_publicity

pytestmark = pytest.mark.django_db


def section(viewer, person):
    """The assistance part of the person's dossier as `viewer` reads it (None without the capability)."""
    found = [s for s in contributions.dossier_sections(viewer, person, person_pks(person)) if s.key == "assistance"]
    return found[0] if found else None


def titles(viewer, person) -> list[str]:
    return [entry.title for entry in section(viewer, person).entries]


def outside_note(count: int) -> str:
    with translation.override("zh-hans"):
        return str(dossier.OUTSIDE) % {"count": count}


def test_every_kind_of_record_is_on_the_timeline_newest_first(cast, person, entry, care_fund):
    services.hardship_review(actor=cast.village_worker, entry=entry, version=entry.version, level="extreme",
                             note="病情加重", on=timezone.localdate(),
                             next_due=timezone.localdate() + timedelta(days=90))
    pairing = services.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="army",
                                      helper_name="某部队", plan="安装太阳能板，收益共享", since=date(2025, 5, 1))
    solar = services.help_record(actor=cast.village_worker, pairing=pairing, kind="project", on=date(2025, 6, 1),
                                 description="屋顶太阳能板", amount="12000")
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    step(cast.county_director, application, "approve", "同意", fund=care_fund.pk, amount="1500")
    step(cast.county_director, application, "pay", method="bank", reference="TX1")
    refused = register(cast.village_worker, person, kind="应急救助")
    step(cast.village_worker, refused, "reject", "不符合条件")
    referral = services.referral_create(actor=cast.village_worker, person=person, department="civil", service="低保",
                                        request="申请低保", sent_on=timezone.localdate())
    services.referral_transition(actor=cast.village_worker, referral=referral, action="answer", note="已纳入低保",
                                 version=referral.version, data={"outcome": "granted"})
    seen = titles(cast.village_worker, person)
    kind = {"kind": "临时救助"}
    expected = [gettext("In hardship: %(kind)s") % {"kind": "因病"},
                gettext("Hardship reviewed: %(kind)s") % {"kind": "因病"},
                gettext("Paired with %(helper)s (%(kind)s)") % {"helper": "某部队",
                                                               "kind": pairing.get_helper_kind_display()},
                gettext("Help given: %(kind)s") % {"kind": solar.get_kind_display()},
                gettext("Aid application registered: %(kind)s") % kind,
                gettext("Aid approved: %(kind)s, %(amount)s") % {**kind, "amount": "¥1500.00"},
                gettext("Aid paid: %(kind)s") % kind,
                gettext("Aid refused: %(kind)s") % {"kind": "应急救助"},
                gettext("Referred to %(department)s: %(service)s") % {"department": referral.get_department_display(),
                                                                      "service": "低保"},
                gettext("Referral answered: %(department)s") % {"department": referral.get_department_display()}]
    missing = [title for title in expected if title not in seen]
    assert not missing, f"not on the timeline: {missing} (seen: {seen})"
    whens = [e.when for e in section(cast.village_worker, person).entries]
    assert whens == sorted(whens, reverse=True)
    assert section(cast.village_worker, person).outside == 0
    links = {e.link for e in section(cast.village_worker, person).entries}
    assert reverse("assistance:application_detail", args=[application.pk]) in links
    assert reverse("assistance:hardship_detail", args=[entry.pk]) in links
    assert reverse("assistance:referral_detail", args=[referral.pk]) in links
    assert section(cast.grid_worker, person) is None  # no assistance.view: not even a count


def test_the_booklet_prints_the_section_for_a_key_person_in_hardship(cast, person, entry, client_for):
    HardshipEntry.objects.filter(pk=entry.pk).update(key=True)
    text = visible_text(client_for(cast.village_worker).get(reverse("people:booklet", args=[person.pk])))
    with translation.override("zh-hans"):
        heading = str(dossier.DOSSIER.booklet_title)
    assert heading in text and "妻子患尿毒症" in text


def test_a_person_transferred_from_the_sibling_village_keeps_the_old_records_there(cast, sibling_person,
                                                                                     hardship_kind, client_for):
    """The old village's entry, application and referral are counted on the new village's dossier, not shown."""
    services.hardship_create(actor=cast.village2_worker, person=sibling_person, kind=hardship_kind,
                             cause="邻村记录的困难原因", level="serious", since=date(2024, 1, 1))
    register(cast.village2_worker, sibling_person, reason="邻村登记的申请事由")
    services.referral_create(actor=cast.village2_worker, person=sibling_person, department="housing",
                             service="危房改造", request="邻村转介的请求", sent_on=timezone.localdate())
    transfer = books_services.transfer_propose(actor=cast.village2_worker, person=sibling_person,
                                                to_station=unit_at(VILLAGE_CODE), reason="随子女居住")
    books_services.transfer_accept(actor=cast.village_worker, transfer=transfer)
    new_village = section(cast.village_worker, sibling_person)
    assert new_village.entries == [] and new_village.outside == 3
    assert new_village.outside_text == outside_note(3)
    # what the new village records itself it reads; the old records stay counted
    services.hardship_create(actor=cast.village_worker, person=sibling_person, kind=HardshipKind.objects.get(
        name="住房"), cause="本村记录的住房困难", level="ordinary", since=date(2025, 1, 1))
    new_village = section(cast.village_worker, sibling_person)
    assert [e.detail for e in new_village.entries if "本村记录的住房困难" in e.detail]
    assert new_village.outside == 3
    page = client_for(cast.village_worker).get(reverse("people:person_timeline", args=[sibling_person.pk]))
    text = page.content.decode()
    assert "本村记录的住房困难" in text and outside_note(3) in text
    assert not [marker for marker in ("邻村记录的困难原因", "邻村登记的申请事由", "邻村转介的请求") if marker in text]
    county = section(cast.county_director, sibling_person)  # the county covers both villages
    assert county.outside == 0 and any("邻村记录的困难原因" in e.detail for e in county.entries)


def test_the_helper_veterans_dossier_shows_the_pairing(cast, person, entry):
    veteran = person_at(cast.village_worker, name="优秀退役军人", seq=5)
    pairing = services.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="veteran", helper_name="",
                                      helper_person=veteran, plan="每月上门一次", since=date(2025, 3, 1))
    services.help_record(actor=cast.village_worker, pairing=pairing, kind="visit", on=date(2025, 4, 1),
                         description="上门陪同就医")
    helper_side = section(cast.village_worker, veteran)
    assert gettext("Pairing: helps %(name)s") % {"name": person.name} in [e.title for e in helper_side.entries]
    assert any("上门陪同就医" in e.detail for e in helper_side.entries)  # the help given, on both sides
    helped_side = section(cast.village_worker, person)
    assert gettext("Paired with %(helper)s (%(kind)s)") % {
        "helper": "优秀退役军人", "kind": pairing.get_helper_kind_display()} in [e.title for e in helped_side.entries]
    assert any("上门陪同就医" in e.detail for e in helped_side.entries)


def test_a_helper_in_the_sibling_village_sees_a_count_of_the_pairing_not_its_plan(cast, entry, sibling_person):
    """The county pairs the village's household with a veteran of the sibling village: the pairing is the
    village's record, so the sibling village reads the veteran's dossier with a count only."""
    services.pairing_create(actor=cast.county_director, entry=entry, helper_kind="veteran", helper_name="",
                            helper_person=sibling_person, plan="邻村老兵结对计划", since=date(2025, 3, 1))
    sibling = section(cast.village2_worker, sibling_person)
    assert sibling.entries == [] and sibling.outside == 1
    county = section(cast.county_director, sibling_person)
    assert county.outside == 0 and [e for e in county.entries if e.detail == "邻村老兵结对计划"]


def test_the_dossier_section_costs_a_fixed_number_of_queries(cast, person, entry, django_assert_max_num_queries):
    for n in range(3):
        pairing = services.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="company",
                                          helper_name=f"企业{n}", plan="结对", since=date(2025, 1, 1))
        services.help_record(actor=cast.village_worker, pairing=pairing, kind="goods", on=date(2025, 2, 1),
                             description="米面油")
        register(cast.village_worker, person)
        services.referral_create(actor=cast.village_worker, person=person, department="civil", service="低保",
                                 request="申请", sent_on=timezone.localdate())
    pks = person_pks(person)
    with django_assert_max_num_queries(12):
        entries = dossier.assistance_entries(cast.village_worker, person, pks)
        dossier.assistance_outside(cast.village_worker, person, pks)
    assert len(entries) == 1 + 3 + 3 + 3 + 3  # the entry, 3 pairings, 3 helps, 3 registrations, 3 referrals


# --- the workbench ----------------------------------------------------------------------------------------------

@pytest.fixture
def work(cast, person, sibling_person, entry, hardship_kind):
    """Something for every item, at the village and the sibling village."""
    today = timezone.localdate()
    HardshipEntry.objects.filter(pk=entry.pk).update(review_due=today - timedelta(days=1))
    sibling_entry = services.hardship_create(actor=cast.village2_worker, person=sibling_person, kind=hardship_kind,
                                             cause="邻村", level="ordinary", since=date(2025, 1, 1))
    HardshipEntry.objects.filter(pk=sibling_entry.pk).update(review_due=today - timedelta(days=3))
    services.referral_create(actor=cast.village_worker, person=person, department="civil", service="低保",
                             request="逾期未复", sent_on=today - timedelta(days=20))
    services.referral_create(actor=cast.village_worker, person=person, department="civil", service="临时救助",
                             request="未到期", sent_on=today)
    register(cast.village_worker, person)  # the village's turn
    passed_up = register(cast.village_worker, person, kind="应急救助")
    step(cast.village_worker, passed_up, "recommend", "情况属实")  # the street's turn
    objected = register(cast.village2_worker, sibling_person, kind="关爱基金帮扶")
    step(cast.village2_worker, objected, "recommend", "情况属实")
    step(cast.street_worker, objected, "recommend", "同意上报")
    step(cast.county_director, objected, "agree", "同意公示")
    step(cast.county_director, objected, "object", "群众反映家庭有经营收入", raised_by="村民")
    return objected


def _page_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


ITEMS = ("aid_my_turn", "aid_objections", "hardship_reviews_overdue", "referrals_overdue")


def test_each_workbench_count_is_the_list_it_opens(cast, work, client_for):
    expected = {"village_worker": {"aid_my_turn": 1, "aid_objections": 0, "hardship_reviews_overdue": 1,
                                   "referrals_overdue": 1},
                "village2_worker": {"aid_my_turn": 0, "aid_objections": 1, "hardship_reviews_overdue": 1,
                                    "referrals_overdue": 0},
                "street_worker": {"aid_my_turn": 1, "aid_objections": 1, "hardship_reviews_overdue": 2,
                                  "referrals_overdue": 1},
                "county_director": {"aid_my_turn": 1, "aid_objections": 1, "hardship_reviews_overdue": 2,
                                    "referrals_overdue": 1}}
    for username, counts in expected.items():
        user = getattr(cast, username)
        items = {item.key: item for item in contributions.workbench(user) if item.key in ITEMS}
        assert {key: item.count for key, item in items.items()} == counts, username
        client = client_for(user)
        for key, item in items.items():
            if key == "aid_objections":  # the applications list's `objection=open` filter: see the report
                assert item.count == AidApplication.objects.visible_to(user).filter(
                    objections__resolved_on__isnull=True, objections__isnull=False, state="publicity").count()
                continue
            assert item.count == _page_count(client, item.url), f"{username}: {key} ({item.url})"
        assert f'href="{items["referrals_overdue"].url}"' in client.get("/").content.decode()


def test_the_leader_sees_the_countys_counts_and_the_grid_worker_none(cast, work):
    def counts(user):
        return {item.key: item.count for item in contributions.workbench(user) if item.key in ITEMS}

    assert counts(cast.leader) == counts(cast.county_director) and counts(cast.leader)["aid_objections"] == 1
    assert counts(cast.grid_worker) == {}
    assert counts(cast.outsider) == dict.fromkeys(ITEMS, 0)  # another county: nothing of ours


def test_the_objections_count_equals_the_list_it_opens(cast, client_for, person, care_fund):
    from rongjia.core import contributions
    from tests.assistance.conftest import register, step, to_publicity

    waiting = to_publicity(cast, register(cast.village_worker, person))
    step(cast.county_director, waiting, "object", "收入超标")
    to_publicity(cast, register(cast.village_worker, person, kind="应急救助"))  # posted, no objection
    [item] = [i for i in contributions.workbench(cast.county_director) if i.key == "aid_objections"]
    page = client_for(cast.county_director).get(item.url).context["page"]
    assert item.count == page.paginator.count == 1 and [a.pk for a in page.object_list] == [waiting.pk]
