"""Benefits on the dossier, the 一人一册 booklet and the workbench, through core's registry.

The timeline shows the entitlements (their start and end), the life certifications, a suspension and the payments
of approved batches, as the viewer may see them: the sibling village reads none of the village's records, and a
county that receives a transferred person reads the payments made before as a count only. Each workbench count is
the number of rows of the list its link opens, the leader's the same as the county's (the batch steps' too: a
leader reads what waits), the batch steps of a worker only those it may take.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rongjia.benefits import dossier, proposals, workbench
from rongjia.benefits.models import BenefitItem, PaymentBatch, Proposal, Recipient
from rongjia.benefits.periods import add_months, month_of
from rongjia.core import contributions
from rongjia.people.books import services as books_services
from rongjia.people.timeline import person_pks
from tests.factories import HOME_COUNTY, VILLAGE_CODE, unit_at

from .conftest import COUNTY_UNIT, entitle, generate, pay, veteran
from .test_people_pages import entitle_sibling, sibling_veteran

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = month_of(TODAY)


def section(viewer, person):
    """The benefits part of the person's dossier as `viewer` reads it (None without the capability)."""
    found = [s for s in contributions.dossier_sections(viewer, person, person_pks(person)) if s.key == "benefits"]
    return found[0] if found else None


def titles(viewer, person) -> list[str]:
    return [entry.title for entry in section(viewer, person).entries]


# --- the dossier ------------------------------------------------------------------------------------------------

@pytest.fixture
def pensioner(cast, staff, standards):
    """Grade 6 from three months ago, paid by last month's approved batch, re-assessed to grade 4 from last month,
    certified, then suspended; this month's batch generated but not approved."""
    person = veteran(cast)
    first = entitle(cast, person, standards, add_months(THIS_MONTH, -3))
    approved = pay(staff, add_months(THIS_MONTH, -1))
    entitle(cast, person, standards, add_months(THIS_MONTH, -1), change="change", entitlement=first, grade=4)
    from rongjia.benefits import services

    services.certify(actor=cast.village_worker, person=person, on=TODAY - timedelta(days=3), method="visit",
                     note="入户见面")
    Recipient.objects.filter(person=person).update(suspended_from=add_months(THIS_MONTH, 1),
                                                   suspension_reason="测试暂停")
    generate(staff[0], THIS_MONTH)
    return person, approved


def test_every_kind_of_record_is_on_the_timeline_newest_first(cast, pensioner):
    person, approved = pensioner
    seen = titles(cast.village_worker, person)
    start, change = add_months(THIS_MONTH, -3), add_months(THIS_MONTH, -1)
    expected = [gettext("Benefit from %(month)s: %(item)s") % {"month": f"{start:%Y-%m}", "item": "测试抚恤金"},
                gettext("Benefit ended after %(month)s: %(item)s") % {"month": f"{add_months(change, -1):%Y-%m}",
                                                                     "item": "测试抚恤金"},
                gettext("Benefit from %(month)s: %(item)s") % {"month": f"{change:%Y-%m}", "item": "测试抚恤金"},
                gettext("Life certified: %(method)s") % {"method": gettext("Home visit")},
                gettext("Benefit payment suspended from %(month)s") % {
                    "month": f"{add_months(THIS_MONTH, 1):%Y-%m}"}]
    amount = approved.payments.get(person=person).amount
    expected.append(gettext("Benefits paid for %(month)s: %(amount)s") % {"month": f"{approved.month:%Y-%m}",
                                                                         "amount": f"¥{amount:.2f}"})
    missing = [title for title in expected if title not in seen]
    assert not missing, f"not on the timeline: {missing} (seen: {seen})"
    paid = [entry for entry in section(cast.village_worker, person).entries if entry.kind == "payment"]
    assert len(paid) == 1  # the batch not yet approved is not "paid"
    whens = [entry.when for entry in section(cast.village_worker, person).entries]
    assert whens == sorted(whens, reverse=True)
    assert {entry.link for entry in section(cast.village_worker, person).entries} == {
        reverse("benefits:person", args=[person.pk])}
    assert section(cast.village_worker, person).outside == 0
    assert section(cast.grid_worker, person) is None  # no benefits.view: not even a count


def test_the_sibling_village_sees_none_of_the_records(cast, client_for, pensioner):
    person, _approved = pensioner
    sibling = section(cast.village2_worker, person)
    assert sibling.entries == [] and sibling.outside >= 5  # 2 entitlements, 1 certification, 1 suspension, 1 paid
    with translation.override("zh-hans"):
        assert sibling.outside_text == str(dossier.OUTSIDE) % {"count": sibling.outside}
    assert client_for(cast.village2_worker).get(reverse("benefits:person", args=[person.pk])).status_code == 404
    assert client_for(cast.village2_worker).get(reverse("people:person_detail", args=[person.pk])).status_code == 404
    county = section(cast.county_director, person)
    assert county.outside == 0 and len(county.entries) == len(section(cast.village_worker, person).entries)


def test_payments_made_before_a_transfer_stay_with_the_old_village(cast, client_for, staff, standards):
    """The entitlement follows the person; the payments made at the sibling village are counted, not shown."""
    person = sibling_veteran(cast)
    entitle_sibling(cast, person, standards, add_months(THIS_MONTH, -2))
    pay(staff, add_months(THIS_MONTH, -1))
    transfer = books_services.transfer_propose(actor=cast.village2_worker, person=person,
                                                to_station=unit_at(VILLAGE_CODE), reason="随子女居住")
    books_services.transfer_accept(actor=cast.village_worker, transfer=transfer)
    new_village = section(cast.village_worker, person)
    assert new_village.outside == 1  # the payment
    assert [t for t in titles(cast.village_worker, person) if "测试抚恤金" in t]  # the entitlement followed
    assert not [e for e in new_village.entries if e.kind == "payment"]
    page = client_for(cast.village_worker).get(reverse("benefits:person", args=[person.pk]))
    assert page.status_code == 200 and page.context["groups"] == []  # the benefits page reads the same way
    assert len(client_for(cast.county_director).get(reverse("benefits:person", args=[person.pk])).context[
        "groups"]) == 1


def test_the_dossier_section_costs_a_fixed_number_of_queries(cast, pensioner, django_assert_max_num_queries):
    person, _approved = pensioner
    pks = person_pks(person)
    with django_assert_max_num_queries(9):
        dossier.benefit_entries(cast.village_worker, person, pks)
        dossier.benefits_outside(cast.village_worker, person, pks)


def test_the_timeline_page_shows_the_benefits(cast, client_for, pensioner):
    person, _approved = pensioner
    page = client_for(cast.village_worker).get(reverse("people:person_timeline", args=[person.pk]))
    assert page.status_code == 200
    assert gettext("Life certified: %(method)s") % {"method": gettext("Home visit")} in page.content.decode()


# --- the workbench ----------------------------------------------------------------------------------------------

ITEMS = ("benefits_proposals", "benefits_certification_overdue", "benefits_suspended")
BATCH_ITEMS = ("benefits_batches_draft", "benefits_batches_prepared", "benefits_batches_checked")


@pytest.fixture
def work(cast, standards):
    """Something for every item: a proposal at each village, an overdue certification at the village, a suspended
    payment at the sibling village, and a county batch in each open state."""
    BenefitItem.objects.exclude(pk=standards.pk).update(active=False)
    veteran(cast, seq=1, name="待确认甲")
    sibling_veteran(cast, seq=2, name="待确认乙")
    proposals.proposals_refresh(prefix=HOME_COUNTY)
    late = veteran(cast, seq=3, name="逾期未认证")
    entitle(cast, late, standards, THIS_MONTH)
    Recipient.objects.filter(person=late).update(certification_due=TODAY - timedelta(days=10))
    stopped = sibling_veteran(cast, seq=4, name="已暂停")
    entitle_sibling(cast, stopped, standards, THIS_MONTH)
    Recipient.objects.filter(person=stopped).update(certification_due=TODAY - timedelta(days=100),
                                                    suspended_from=THIS_MONTH, suspension_reason="未认证")
    unit = unit_at(COUNTY_UNIT)
    for offset, state in ((-3, "draft"), (-2, "prepared"), (-1, "checked"), (-4, "paid")):
        PaymentBatch.objects.create(unit=unit, region_code=unit.region_code, month=add_months(THIS_MONTH, offset),
                                    state=state, running=False)
    assert Proposal.objects.filter(state="open").count() == 2


def _page_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_each_workbench_count_is_the_list_it_opens(cast, staff, work, client_for):
    preparer = staff[0]  # centre staff: prepares and checks, does not approve
    expected = {
        "village_worker": {"benefits_proposals": 1, "benefits_certification_overdue": 1, "benefits_suspended": 0},
        "village2_worker": {"benefits_proposals": 1, "benefits_certification_overdue": 0, "benefits_suspended": 1},
        "street_worker": {"benefits_proposals": 2, "benefits_certification_overdue": 1, "benefits_suspended": 1},
        "county_director": {"benefits_proposals": 2, "benefits_certification_overdue": 1, "benefits_suspended": 1,
                            "benefits_batches_draft": 1, "benefits_batches_prepared": 1,
                            "benefits_batches_checked": 1},
        "preparer": {"benefits_proposals": 2, "benefits_certification_overdue": 1, "benefits_suspended": 1,
                     "benefits_batches_draft": 1, "benefits_batches_prepared": 1},
    }
    for username, counts in expected.items():
        user = preparer if username == "preparer" else getattr(cast, username)
        items = {item.key: item for item in contributions.workbench(user) if item.key.startswith("benefits_")}
        assert {key: item.count for key, item in items.items()} == counts, username
        client = client_for(user)
        for key, item in items.items():
            assert item.count == _page_count(client, item.url), f"{username}: {key} ({item.url})"
    home = client_for(cast.village_worker).get("/").content.decode()
    assert f'href="{reverse("benefits:certifications")}?show=overdue"' in home


def test_the_leader_sees_the_countys_counts_with_the_batch_steps(cast, work):
    def counts(user):
        return {item.key: item.count for item in contributions.workbench(user) if item.key.startswith("benefits_")}

    county = counts(cast.county_director)
    assert counts(cast.leader) == county
    assert set(county) == {*ITEMS, *BATCH_ITEMS}
    assert counts(cast.grid_worker) == {}
    assert counts(cast.outsider) == dict.fromkeys((*ITEMS, *BATCH_ITEMS), 0)  # another county: nothing of ours


def test_the_workbench_counts_in_one_query(cast, work, django_assert_num_queries):
    workbench.counts(cast.county_director)  # the capabilities read once
    with django_assert_num_queries(1):
        counts = workbench.counts(cast.county_director)
    assert counts["benefits_proposals"] == 2 and counts["benefits_batches_checked"] == 1
