"""The person-side benefits pages: the queue of proposals with its confirm and refuse forms, the recipients, the
life certifications and a person's benefits page with the explanation of every payment line.

Who sees what (the village its own people, the county all, the outsider nothing: 404 on every record and POST),
the leader who reads but cannot write (403), bad input that changes nothing, the audited reveal of an account
number, and the query counts of the lists."""

import re
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from rongjia.benefits import proposals
from rongjia.benefits.models import (
    BenefitItem,
    Certification,
    Entitlement,
    PaymentAccount,
    PaymentLine,
    Proposal,
    Recipient,
)
from rongjia.benefits.periods import add_months, month_of
from rongjia.people.models import Category, HouseholdMember
from tests.factories import HOME_COUNTY, VILLAGE2_CODE, person_at

from .conftest import entitle, generate, luhn_number, pay, veteran

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = month_of(TODAY)


def ids(response, attribute: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-{attribute}="(\d+)"', response.content.decode())]


def sibling_veteran(cast, *, seq=2, name="李卫东"):
    """A 残疾军人 of the sibling village, with an account of its own."""
    from rongjia.benefits import services

    person = person_at(cast.village2_worker, code=VILLAGE2_CODE, seq=seq, name=name, categories=("残疾军人",),
                       disability_grade=6, disability_cause="war", registered_on=date(2020, 1, 1))
    services.account_add(actor=cast.village2_worker, person=person, bank="农业银行", number=luhn_number(seq))
    return person


def entitle_sibling(cast, person, item, month: date):
    """conftest.entitle, confirmed by the sibling village's worker (the village's own cannot see the person)."""
    proposal = Proposal.objects.create(person=person, item=item, change="new", month=month,
                                       category=Category.objects.get(name="残疾军人"), grade=6, cause="war",
                                       reason="测试")
    return proposals.proposal_confirm(actor=cast.village2_worker, pk=proposal.pk, month=month)


def refresh(prefix=HOME_COUNTY) -> dict:
    return proposals.proposals_refresh(prefix=prefix)


@pytest.fixture
def only_test_item(standards):
    """The seeded national items set aside, so the dossiers call for the test pension alone."""
    BenefitItem.objects.exclude(pk=standards.pk).update(active=False)
    return standards


@pytest.fixture
def queue(cast, only_test_item):
    """One open proposal (a new pension) at the village and one at the sibling village."""
    mine, theirs = veteran(cast), sibling_veteran(cast)
    refresh()
    return Proposal.objects.get(person=mine), Proposal.objects.get(person=theirs)


def confirm_data(proposal, **fields) -> dict:
    prefix = f"confirm-{proposal.pk}"
    values = {"month": f"{proposal.month:%Y-%m}", "note": "", "version": proposal.version, **fields}
    return {f"{prefix}-{key}": value for key, value in values.items()}


def refuse_data(proposal, **fields) -> dict:
    values = {"note": "未达到条件", "version": proposal.version, **fields}
    return {f"refuse-{proposal.pk}-{key}": value for key, value in values.items()}


# --- the queue ------------------------------------------------------------------------------------------------

def test_the_queue_shows_each_viewer_its_own_proposals(cast, client_for, queue):
    mine, theirs = queue
    village = client_for(cast.village_worker).get(reverse("benefits:proposals"))
    assert village.status_code == 200 and ids(village, "proposal") == [mine.pk]
    html = village.content.decode()
    assert reverse("people:person_detail", args=[mine.person_id]) in html
    assert reverse("benefits:proposal_confirm", args=[mine.pk]) in html
    assert 'type="month"' in html
    county = client_for(cast.county_director).get(reverse("benefits:proposals"))
    assert sorted(ids(county, "proposal")) == sorted([mine.pk, theirs.pk])
    assert ids(client_for(cast.outsider).get(reverse("benefits:proposals")), "proposal") == []
    leader = client_for(cast.leader).get(reverse("benefits:proposals"))
    assert leader.status_code == 200 and sorted(ids(leader, "proposal")) == sorted([mine.pk, theirs.pk])
    assert reverse("benefits:proposal_confirm", args=[mine.pk]) not in leader.content.decode()  # reads only


def test_the_queue_filters_by_change_item_and_station(cast, client_for, queue, standards):
    mine, theirs = queue
    client = client_for(cast.county_director)
    url = reverse("benefits:proposals")
    assert ids(client.get(url, {"region": VILLAGE2_CODE}), "proposal") == [theirs.pk]
    assert ids(client.get(url, {"region": HOME_COUNTY + "003"}), "proposal") != []
    assert ids(client.get(url, {"change": "end"}), "proposal") == []
    assert sorted(ids(client.get(url, {"item": standards.pk, "change": "new"}), "proposal")) == sorted(
        [mine.pk, theirs.pk])
    assert client.get(url, {"change": "nonsense"}).status_code == 200  # ignored, shown as the field's error
    assert client.get(url, {"region": "320114"}).status_code == 404  # another county
    village = client_for(cast.village_worker)
    assert village.get(url, {"region": VILLAGE2_CODE}).status_code == 404  # beside the village's own
    assert village.get(url, {"region": HOME_COUNTY}).status_code == 404  # above it


def test_the_queue_costs_a_fixed_number_of_queries(cast, client_for, only_test_item,
                                                    django_assert_max_num_queries):
    for seq in range(1, 9):
        veteran(cast, seq=seq, name=f"老兵{seq}")
    refresh()
    client = client_for(cast.village_worker)
    url = reverse("benefits:proposals")
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(ids(response, "proposal")) == 8


def test_check_the_dossiers_now_adds_and_withdraws(cast, client_for, only_test_item):
    person = veteran(cast)
    client = client_for(cast.village_worker)
    response = client.post(reverse("benefits:proposals_refresh"), follow=True)
    assert response.status_code == 200
    assert Proposal.objects.filter(person=person, state="open").count() == 1
    # the category ended in the dossier: the proposal is withdrawn at the next check
    person.category_spans.update(end_date=TODAY - timedelta(days=1))
    client.post(reverse("benefits:proposals_refresh"))
    assert not Proposal.objects.filter(person=person).exists()
    assert client_for(cast.leader).post(reverse("benefits:proposals_refresh")).status_code == 403


def test_a_proposal_confirmed_writes_the_entitlement(cast, client_for, queue):
    mine, _theirs = queue
    start = add_months(THIS_MONTH, -2)
    response = client_for(cast.village_worker).post(reverse("benefits:proposal_confirm", args=[mine.pk]),
                                                    {**confirm_data(mine, month=f"{start:%Y-%m}", note="核实"),
                                                     "next": reverse("benefits:person", args=[mine.person_id])})
    assert response.status_code == 302 and response["Location"] == reverse("benefits:person", args=[mine.person_id])
    mine.refresh_from_db()
    assert (mine.state, mine.month, mine.note) == ("confirmed", start, "核实")
    entitlement = Entitlement.objects.get(person=mine.person_id)
    assert (entitlement.start_month, entitlement.state, entitlement.recompute_from) == (start, "active", start)


def test_a_month_written_as_a_date_is_accepted(cast, client_for, queue):
    mine, _theirs = queue
    client_for(cast.county_director).post(reverse("benefits:proposal_confirm", args=[mine.pk]),
                                          confirm_data(mine, month=f"{THIS_MONTH:%Y-%m}-15"))
    assert Entitlement.objects.get(person=mine.person_id).start_month == THIS_MONTH


@pytest.mark.parametrize("month", ["2026-13", "next month", f"{add_months(THIS_MONTH, 14):%Y-%m}"])
def test_a_bad_month_changes_nothing(cast, client_for, queue, month):
    mine, _theirs = queue
    response = client_for(cast.village_worker).post(reverse("benefits:proposal_confirm", args=[mine.pk]),
                                                    confirm_data(mine, month=month))
    assert response.status_code == 400
    form = response.context["proposal"].confirm_form
    assert form.errors.get("month")  # on the field, the service's refusal included
    mine.refresh_from_db()
    assert mine.state == "open" and not Entitlement.objects.exists()


def test_a_refusal_needs_its_reason(cast, client_for, queue):
    mine, _theirs = queue
    client = client_for(cast.village_worker)
    url = reverse("benefits:proposal_refuse", args=[mine.pk])
    response = client.post(url, refuse_data(mine, note=""))
    assert response.status_code == 400 and response.context["proposal"].refuse_form.errors.get("note")
    mine.refresh_from_db()
    assert mine.state == "open"
    assert client.post(url, refuse_data(mine, note="评残材料不全")).status_code == 302
    mine.refresh_from_db()
    assert (mine.state, mine.note) == ("refused", "评残材料不全") and not Entitlement.objects.exists()


def test_a_stale_version_is_refused_with_a_clear_message(cast, client_for, queue):
    mine, _theirs = queue
    Proposal.objects.filter(pk=mine.pk).update(version=mine.version + 1)  # someone else saved it meanwhile
    client = client_for(cast.village_worker)
    response = client.post(reverse("benefits:proposal_confirm", args=[mine.pk]), confirm_data(mine))
    assert response.status_code == 409 and response.context["proposal"].confirm_form.non_field_errors()
    response = client.post(reverse("benefits:proposal_refuse", args=[mine.pk]), refuse_data(mine))
    assert response.status_code == 409
    mine.refresh_from_db()
    assert mine.state == "open" and not Entitlement.objects.exists()


def test_a_decided_proposal_cannot_be_decided_again(cast, client_for, queue):
    mine, _theirs = queue
    client = client_for(cast.village_worker)
    client.post(reverse("benefits:proposal_refuse", args=[mine.pk]), refuse_data(mine))
    mine.refresh_from_db()
    response = client.post(reverse("benefits:proposal_confirm", args=[mine.pk]), confirm_data(mine))
    assert response.status_code == 400 and not Entitlement.objects.exists()


def test_a_death_benefit_is_confirmed_to_a_survivor_of_the_household(cast, client_for):
    funeral = BenefitItem.objects.create(code="test-funeral", name="测试丧葬补助费", period="once", trigger="death")
    person = veteran(cast)
    widow = HouseholdMember.objects.create(person=person, name="刘桂兰", relationship="spouse")
    stranger = HouseholdMember.objects.create(person=sibling_veteran(cast), name="外人", relationship="spouse")
    proposal = Proposal.objects.create(person=person, item=funeral, change="new", month=THIS_MONTH,
                                       category=Category.objects.get(name="残疾军人"), reason="病故")
    client = client_for(cast.village_worker)
    page = client.get(reverse("benefits:proposal", args=[proposal.pk]))
    assert "刘桂兰" in page.content.decode() and "外人" not in page.content.decode()
    url = reverse("benefits:proposal_confirm", args=[proposal.pk])
    assert client.post(url, confirm_data(proposal, payee=stranger.pk)).status_code == 400
    assert not Entitlement.objects.exists()
    assert client.post(url, confirm_data(proposal, payee=widow.pk)).status_code == 302
    assert Entitlement.objects.get(person=person, item=funeral).payee == widow


def _proposal_posts(proposal):
    return [(reverse("benefits:proposal_confirm", args=[proposal.pk]), confirm_data(proposal)),
            (reverse("benefits:proposal_refuse", args=[proposal.pk]), refuse_data(proposal))]


@pytest.mark.parametrize("who", ["outsider", "village2_worker"])
def test_someone_outside_the_area_gets_404_on_the_proposal(cast, client_for, queue, who):
    mine, _theirs = queue
    client = client_for(getattr(cast, who))
    assert client.get(reverse("benefits:proposal", args=[mine.pk])).status_code == 404
    for url, data in _proposal_posts(mine):
        assert client.post(url, data).status_code == 404, url
    mine.refresh_from_db()
    assert mine.state == "open" and not Entitlement.objects.exists()


def test_the_leader_reads_the_proposal_but_cannot_decide(cast, client_for, queue):
    mine, _theirs = queue
    client = client_for(cast.leader)
    assert client.get(reverse("benefits:proposal", args=[mine.pk])).status_code == 200
    for url, data in _proposal_posts(mine):
        assert client.post(url, data).status_code == 403, url
    mine.refresh_from_db()
    assert mine.state == "open"


# --- recipients and certification --------------------------------------------------------------------------------

@pytest.fixture
def paid(cast, standards):
    """Two pensioners at the village and one at the sibling village, entitled from three months ago."""
    start = add_months(THIS_MONTH, -3)
    people = [veteran(cast, seq=1, name="王建国"), veteran(cast, seq=3, name="赵卫东")]
    for person in people:
        entitle(cast, person, standards, start)
    sibling = sibling_veteran(cast)
    entitle_sibling(cast, sibling, standards, start)
    return [*people, sibling]


def test_the_recipients_list_shows_the_account_masked(cast, client_for, paid):
    wang, zhao, sibling = paid
    response = client_for(cast.village_worker).get(reverse("benefits:recipients"))
    assert response.status_code == 200 and sorted(ids(response, "recipient")) == sorted([wang.pk, zhao.pk])
    html = response.content.decode()
    number = luhn_number(1)
    assert number not in html and f"**** **** **** {number[-4:]}" in html
    county = client_for(cast.county_director).get(reverse("benefits:recipients"))
    assert sorted(ids(county, "recipient")) == sorted([wang.pk, zhao.pk, sibling.pk])
    assert ids(client_for(cast.outsider).get(reverse("benefits:recipients")), "recipient") == []
    assert client_for(cast.leader).get(reverse("benefits:recipients")).status_code == 200


def test_the_recipients_list_filters_and_sorts(cast, client_for, paid, standards):
    wang, zhao, sibling = paid
    Recipient.objects.filter(person=zhao).update(suspended_from=THIS_MONTH, certification_due=TODAY - timedelta(
        days=90))
    Recipient.objects.filter(person=wang).update(certification_due=TODAY - timedelta(days=1), residence="urban")
    Recipient.objects.filter(person__in=[sibling, zhao]).update(residence="rural")
    client, url = client_for(cast.county_director), reverse("benefits:recipients")
    assert ids(client.get(url, {"suspended": "1"}), "recipient") == [zhao.pk]
    assert ids(client.get(url, {"overdue": "1"}), "recipient") == [wang.pk]  # suspended ones are not "overdue"
    assert ids(client.get(url, {"residence": "urban"}), "recipient") == [wang.pk]
    assert ids(client.get(url, {"item": standards.pk, "region": VILLAGE2_CODE}), "recipient") == [sibling.pk]
    other = BenefitItem.objects.create(code="other", name="其他待遇")
    assert ids(client.get(url, {"item": other.pk}), "recipient") == []
    by_station = ids(client.get(url, {"sort": "station"}), "recipient")
    assert by_station[-1] == sibling.pk  # the sibling village's code comes after the village's
    # an entitlement ended: no longer a recipient
    Entitlement.objects.filter(person=zhao).update(state="ended", end_month=THIS_MONTH)
    assert zhao.pk not in ids(client.get(url), "recipient")


def test_the_recipients_list_costs_a_fixed_number_of_queries(cast, client_for, paid, standards,
                                                             django_assert_max_num_queries):
    for seq in range(4, 10):
        entitle(cast, veteran(cast, seq=seq, name=f"老兵{seq}"), standards, THIS_MONTH)
    client = client_for(cast.county_director)
    client.get(reverse("benefits:recipients"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("benefits:recipients"))
    assert len(ids(response, "recipient")) == 9


def test_the_certifications_tabs(cast, client_for, paid):
    wang, zhao, sibling = paid
    Recipient.objects.filter(person=wang).update(certification_due=TODAY + timedelta(days=10))
    Recipient.objects.filter(person=zhao).update(certification_due=TODAY - timedelta(days=5))
    Recipient.objects.filter(person=sibling).update(certification_due=TODAY - timedelta(days=90),
                                                    suspended_from=THIS_MONTH, suspension_reason="未认证")
    client, url = client_for(cast.county_director), reverse("benefits:certifications")
    assert ids(client.get(url), "recipient") == [wang.pk]
    assert ids(client.get(url, {"show": "due"}), "recipient") == [wang.pk]
    assert ids(client.get(url, {"show": "overdue"}), "recipient") == [zhao.pk]
    assert ids(client.get(url, {"show": "suspended"}), "recipient") == [sibling.pk]
    assert ids(client.get(url, {"show": "bogus"}), "recipient") == [wang.pk]
    assert ids(client_for(cast.village_worker).get(url, {"show": "suspended"}), "recipient") == []


def test_a_quick_certification_from_the_list(cast, client_for, paid, django_assert_max_num_queries):
    wang, zhao, _sibling = paid
    Recipient.objects.filter(person__in=[wang, zhao]).update(certification_due=TODAY - timedelta(days=5))
    client = client_for(cast.village_worker)
    list_url = reverse("benefits:certifications") + "?show=overdue"
    with django_assert_max_num_queries(11):
        assert sorted(ids(client.get(list_url), "recipient")) == sorted([wang.pk, zhao.pk])
    prefix = f"certify-{wang.pk}"
    response = client.post(reverse("benefits:certify", args=[wang.pk]),
                           {f"{prefix}-on": TODAY.isoformat(), f"{prefix}-method": "station", "next": list_url})
    assert response.status_code == 302 and response["Location"] == list_url
    recipient = Recipient.objects.get(person=wang)
    assert recipient.certified_on == TODAY and recipient.certification_due > TODAY
    assert ids(client.get(list_url), "recipient") == [zhao.pk]
    # a date in the future, or no method: nothing recorded
    prefix = f"certify-{zhao.pk}"
    for data in ({f"{prefix}-on": (TODAY + timedelta(days=1)).isoformat(), f"{prefix}-method": "visit"},
                 {f"{prefix}-on": TODAY.isoformat(), f"{prefix}-method": ""}):
        assert client.post(reverse("benefits:certify", args=[zhao.pk]), data).status_code == 400
    assert not Certification.objects.filter(person=zhao).exists()


def test_a_certification_resumes_a_suspended_payment(cast, client_for, paid):
    wang, _zhao, _sibling = paid
    Recipient.objects.filter(person=wang).update(suspended_from=THIS_MONTH, suspension_reason="未认证")
    response = client_for(cast.village_worker).post(reverse("benefits:certify", args=[wang.pk]),
                                                    {"on": TODAY.isoformat(), "method": "visit", "note": "入户"})
    assert response.status_code == 302
    recipient = Recipient.objects.get(person=wang)
    assert recipient.suspended_from is None and recipient.certified_on == TODAY


# --- one person -------------------------------------------------------------------------------------------------

@pytest.fixture
def history(cast, staff, standards):
    """Grade 4 (¥5,000 a month) from three months ago, paid with back-pay by last month's approved batch; then
    re-assessed to grade 6 (¥3,000) from last month, so this month's batch, generated but not approved, recovers
    ¥2,000 of last month and pays this month's ¥3,000."""
    person = veteran(cast, grade=4)
    pension = entitle(cast, person, standards, add_months(THIS_MONTH, -3))
    approved = pay(staff, add_months(THIS_MONTH, -1))
    entitle(cast, person, standards, add_months(THIS_MONTH, -1), change="change", entitlement=pension, grade=6)
    open_batch = generate(staff[0], THIS_MONTH)
    return person, approved, open_batch


def test_the_person_page_explains_every_line(cast, client_for, history):
    person, approved, open_batch = history
    response = client_for(cast.village_worker).get(reverse("benefits:person", args=[person.pk]))
    assert response.status_code == 200
    assert ids(response, "batch") == [open_batch.pk, approved.pk]  # newest first
    groups = {group.batch.pk: group for group in response.context["groups"]}
    assert groups[approved.pk].approved and not groups[open_batch.pk].approved
    kinds = {line.kind for line in groups[approved.pk].lines}
    assert kinds == {PaymentLine.Kind.BACK_PAY, PaymentLine.Kind.REGULAR}
    assert [(line.kind, str(line.amount)) for line in groups[open_batch.pk].lines] == [
        (PaymentLine.Kind.RECOVERY, "-2000.00"), (PaymentLine.Kind.REGULAR, "3000.00")]
    html = response.content.decode()
    assert 'data-testid="not-approved"' in html and "data-recovery" in html
    for line in PaymentLine.objects.filter(payment__person=person):
        assert line.explanation and line.explanation in html
        assert f'data-line="{line.pk}"' in html
    assert sorted(ids(response, "entitlement")) == sorted(Entitlement.objects.filter(person=person).values_list(
        "pk", flat=True))
    assert 'data-state="ended"' in html and 'data-state="active"' in html


def test_the_person_page_says_why_a_batch_left_the_person_out(cast, client_for, staff, standards):
    person = veteran(cast, account=False)
    entitle(cast, person, standards, THIS_MONTH)
    batch = generate(staff[0], THIS_MONTH)
    response = client_for(cast.village_worker).get(reverse("benefits:person", args=[person.pk]))
    assert ids(response, "batch") == [batch.pk]
    assert 'data-exception="no_account"' in response.content.decode()


def test_the_person_page_reads_only_the_viewers_lines(cast, client_for, history):
    person, _approved, _open = history
    for who in ("village2_worker", "outsider"):
        assert client_for(getattr(cast, who)).get(reverse("benefits:person", args=[person.pk])).status_code == 404
    county = client_for(cast.county_director).get(reverse("benefits:person", args=[person.pk]))
    assert len(county.context["groups"]) == 2
    leader = client_for(cast.leader).get(reverse("benefits:person", args=[person.pk]))
    assert leader.status_code == 200 and leader.context.get("certify_form") is None


def test_the_person_page_costs_a_fixed_number_of_queries(cast, client_for, history,
                                                         django_assert_max_num_queries):
    person, _approved, _open = history
    client = client_for(cast.village_worker)
    client.get(reverse("benefits:person", args=[person.pk]))
    with django_assert_max_num_queries(21):
        client.get(reverse("benefits:person", args=[person.pk]))


def test_the_residence_is_set_from_the_page(cast, client_for, paid):
    wang, _zhao, _sibling = paid
    recipient = Recipient.objects.get(person=wang)
    other = "urban" if recipient.residence == "rural" else "rural"
    client = client_for(cast.village_worker)
    url = reverse("benefits:residence", args=[wang.pk])
    assert client.post(url, {"residence": "nowhere", "version": recipient.version}).status_code == 400
    assert client.post(url, {"residence": other, "version": recipient.version + 5}).status_code == 409
    recipient.refresh_from_db()
    assert recipient.residence != other
    assert client.post(url, {"residence": other, "version": recipient.version}).status_code == 302
    recipient.refresh_from_db()
    assert recipient.residence == other


def test_an_account_is_added_and_the_bad_number_refused(cast, client_for, standards):
    person = veteran(cast, account=False)
    client = client_for(cast.village_worker)
    url = reverse("benefits:account_add", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"bank": "农业银行", "number": "1234", "holder": "self"})
    assert response.status_code == 400 and response.context["form"].errors.get("number")
    response = client.post(url, {"bank": "农业银行", "number": luhn_number(7), "holder": "agent",
                                 "holder_name": "王小明"})
    assert response.status_code == 400 and response.context["form"].errors.get("reason")
    assert not PaymentAccount.objects.filter(person=person).exists()
    response = client.post(url, {"bank": "农业银行", "number": luhn_number(7), "holder": "self"})
    assert response.status_code == 302
    assert PaymentAccount.objects.get(person=person).last_digits == luhn_number(7)[-4:]


def test_revealing_an_account_number_is_audited(cast, client_for, standards):
    person = veteran(cast)
    account = PaymentAccount.objects.get(person=person)
    number = luhn_number(1)
    client = client_for(cast.village_worker)
    page = client.get(reverse("benefits:person", args=[person.pk])).content.decode()
    assert number not in page and number[-4:] in page
    url = reverse("benefits:account_reveal", args=[person.pk, account.pk])
    assert client.post(url, {f"reveal-{account.pk}-reason": ""}).status_code == 400  # a reason is needed
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(account.pk)).exists()
    response = client.post(url, {f"reveal-{account.pk}-reason": "核对代发失败原因"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and number in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(account.pk))
    assert entry.actor == cast.village_worker and entry.additional_data["reason"] == "核对代发失败原因"
    full = client.post(url, {f"reveal-{account.pk}-reason": "再次核对"})  # without htmx: the page, with it
    assert full.status_code == 200 and number in full.content.decode()
    assert number not in client.get(reverse("benefits:person", args=[person.pk])).content.decode()  # once


def test_the_leader_cannot_reveal_nor_write(cast, client_for, paid):
    wang, _zhao, _sibling = paid
    account = PaymentAccount.objects.get(person=wang)
    client = client_for(cast.leader)
    page = client.get(reverse("benefits:person", args=[wang.pk]))
    assert page.status_code == 200 and reverse("benefits:account_reveal", args=[wang.pk, account.pk]) not in (
        page.content.decode())
    recipient = Recipient.objects.get(person=wang)
    for url, data in [(reverse("benefits:account_reveal", args=[wang.pk, account.pk]),
                       {f"reveal-{account.pk}-reason": "看看"}),
                      (reverse("benefits:residence", args=[wang.pk]), {"residence": "urban"}),
                      (reverse("benefits:certify", args=[wang.pk]), {"on": TODAY.isoformat(), "method": "visit"}),
                      (reverse("benefits:account_add", args=[wang.pk]),
                       {"bank": "工商银行", "number": luhn_number(9), "holder": "self"})]:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("benefits:account_add", args=[wang.pk])).status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(account.pk)).exists()
    assert Recipient.objects.get(person=wang).version == recipient.version
    assert not Certification.objects.exists() and PaymentAccount.objects.filter(person=wang).count() == 1


@pytest.mark.parametrize("who", ["outsider", "village2_worker"])
def test_someone_outside_the_area_gets_404_on_the_persons_pages(cast, client_for, paid, who):
    wang, _zhao, _sibling = paid
    account = PaymentAccount.objects.get(person=wang)
    recipient = Recipient.objects.get(person=wang)
    client = client_for(getattr(cast, who))
    assert client.get(reverse("benefits:person", args=[wang.pk])).status_code == 404
    assert client.get(reverse("benefits:account_add", args=[wang.pk])).status_code == 404
    for url, data in [(reverse("benefits:account_reveal", args=[wang.pk, account.pk]),
                       {f"reveal-{account.pk}-reason": "看看"}),
                      (reverse("benefits:residence", args=[wang.pk]), {"residence": "urban"}),
                      (reverse("benefits:certify", args=[wang.pk]), {"on": TODAY.isoformat(), "method": "visit"}),
                      (reverse("benefits:account_add", args=[wang.pk]),
                       {"bank": "工商银行", "number": luhn_number(9), "holder": "self"})]:
        assert client.post(url, data).status_code == 404, url
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(account.pk)).exists()
    assert Recipient.objects.get(person=wang).version == recipient.version
    assert not Certification.objects.exists() and PaymentAccount.objects.filter(person=wang).count() == 1


def test_another_persons_account_is_not_revealed_through_this_person(cast, client_for, paid):
    wang, zhao, _sibling = paid
    other = PaymentAccount.objects.get(person=zhao)
    response = client_for(cast.village_worker).post(reverse("benefits:account_reveal", args=[wang.pk, other.pk]),
                                                    {f"reveal-{other.pk}-reason": "看看"})
    assert response.status_code == 404


def test_the_grid_worker_has_no_benefits_pages(cast, client_for, paid):
    wang, _zhao, _sibling = paid
    client = client_for(cast.grid_worker)
    for name, args in (("proposals", []), ("recipients", []), ("certifications", []), ("person", [wang.pk])):
        assert client.get(reverse(f"benefits:{name}", args=args)).status_code == 403, name



def test_an_entitlement_carried_over_without_a_confirming_worker_still_shows(cast, client_for, standards):
    """Entitlements taken over from an old ledger have nobody who confirmed them: the page names nobody."""
    person = veteran(cast)
    entitlement = entitle(cast, person, standards, date(2026, 10, 1))
    Entitlement.objects.filter(pk=entitlement.pk).update(confirmed_by=None)
    response = client_for(cast.village_worker).get(reverse("benefits:person", args=[person.pk]))
    assert response.status_code == 200 and "测试抚恤金" in response.content.decode()
