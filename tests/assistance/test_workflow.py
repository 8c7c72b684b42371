"""An application's review path on core's engine: each level in turn, no level skipped, the 公示 counted in working
days with the holiday table, an objection pausing approval, and the bad input that changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from rongjia.assistance import services
from rongjia.assistance.models import AidApplication, AidEvent, AidKind, FundEntry
from rongjia.assistance.workflow import APPLICATION, publicity_end
from rongjia.core.models import CalendarDay
from rongjia.core.workflow import IllegalStep, steps_open_to
from tests.assistance.conftest import kind_named, past_publicity, pdf, register, step, to_publicity
from tests.factories import STREET_CODE, person_at

pytestmark = pytest.mark.django_db


def state_of(application):
    application.refresh_from_db()
    return application.state, application.level, application.version


@pytest.mark.parametrize("kind", ["应急救助", "临时救助", "大病医疗救助", "关爱基金帮扶"])
def test_each_kind_climbs_village_street_county_then_posts_approves_and_pays(cast, person, care_fund, kind):
    application = register(cast.village_worker, person, kind=kind, amount="3000")
    assert (application.level, application.levels) == (5, [5, 4, 3])
    step(cast.village_worker, application, "recommend", "走访核实，情况属实", amount="3000")
    assert state_of(application)[:2] == ("reviewing", 4)
    step(cast.street_worker, application, "recommend", "同意", amount="2500")
    assert state_of(application)[:2] == ("reviewing", 3)
    step(cast.county_director, application, "agree", "同意公示")
    application.refresh_from_db()
    assert application.state == "publicity" and application.amount_proposed == 2500
    assert application.publicity_until == publicity_end(timezone.localdate(), kind_named(kind).publicity_days)
    past_publicity(application)
    step(cast.county_director, application, "approve", "批准", fund=care_fund.pk)
    step(cast.county_director, application, "pay", method="bank", reference="JN2026-0001")
    application.refresh_from_db()
    assert (application.state, application.amount_approved, application.payment_method) == ("paid", 2500, "bank")
    history = list(application.events.values_list("action", "level", "actor__username"))
    assert history == [("register", 5, "village_worker"), ("recommend", 5, "village_worker"),
                       ("recommend", 4, "street_worker"), ("agree", 3, "county_director"),
                       ("approve", 3, "county_director"), ("pay", 3, "county_director")]


def test_a_level_cannot_be_skipped_and_each_acts_only_in_its_turn(cast, person):
    application = register(cast.village_worker, person)
    before = state_of(application)
    for actor, action in ((cast.county_director, "recommend"), (cast.county_director, "agree"),
                          (cast.street_worker, "recommend"), (cast.county_director, "reject")):
        with pytest.raises(ValidationError):
            step(actor, application, action, "越级")
        assert state_of(application) == before
    assert steps_open_to(APPLICATION, application, cast.county_director) == []
    assert set(steps_open_to(APPLICATION, application, cast.village_worker)) == {"recommend", "reject", "withdraw"}
    step(cast.village_worker, application, "recommend")
    with pytest.raises(ValidationError):  # the village has had its turn
        step(cast.village_worker, application, "recommend")
    with pytest.raises(ValidationError):  # the street is not the last level: it passes up, it does not post
        step(cast.street_worker, application, "agree")
    assert state_of(application)[:2] == ("reviewing", 4)


def test_who_may_act_needs_the_capability_and_the_scope(cast, person, care_fund):
    application = register(cast.village_worker, person)
    with pytest.raises(PermissionDenied):
        step(cast.leader, application, "recommend")  # reads, never acts
    with pytest.raises(Http404):
        step(cast.outsider, application, "recommend")
    with pytest.raises(Http404):
        step(cast.village2_worker, application, "recommend")
    to_publicity(cast, application)
    past_publicity(application)
    staff = cast.street_worker  # assistance.handle but not approve, and not the county anyway
    with pytest.raises((PermissionDenied, ValidationError)):
        step(staff, application, "approve", fund=care_fund.pk)
    assert state_of(application)[0] == "publicity"


def test_a_township_stations_application_starts_at_the_township(cast):
    person = person_at(cast.street_worker, code=STREET_CODE, name="赵振华", seq=3)
    application = register(cast.street_worker, person)
    assert (application.level, application.levels) == (4, [4, 3])


def test_a_kind_of_the_county_that_skips_the_township_goes_village_to_county(cast, person):
    kind = AidKind.objects.create(jurisdiction_code="320115", name="春节特别关爱", who_may_apply="困难退役军人",
                                  documents=["申请书"], cap=1000, levels=[5, 3], publicity_days=3)
    application = register(cast.village_worker, person, kind=kind, amount="800")
    step(cast.village_worker, application, "recommend")
    assert state_of(application)[:2] == ("reviewing", 3)
    step(cast.county_director, application, "agree")
    assert state_of(application)[0] == "publicity"


def test_the_publicity_counts_working_days_with_the_holiday_table(db):
    # 2026 National Day: 10-01…10-07 off, Saturday 10-10 a 调休 working day. Posted Wednesday 09-30 for five
    # working days: 09-30, 10-08, 10-09, 10-10 (Saturday, working), 10-12.
    assert publicity_end(date(2026, 9, 30), 5) == date(2026, 10, 12)
    assert publicity_end(date(2026, 11, 2), 5) == date(2026, 11, 6)  # an ordinary week: Monday to Friday
    assert publicity_end(date(2026, 11, 7), 1) == date(2026, 11, 9)  # posted on a Saturday: Monday is day one


def test_the_agree_step_reads_the_holiday_table(cast, person):
    monday = timezone.localdate() + timedelta(days=7)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    for day in (monday + timedelta(days=1), monday + timedelta(days=2)):  # a two-day holiday that week
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": CalendarDay.Kind.REST, "name": "测试假日"})
    rest_days = set(CalendarDay.objects.filter(date__range=(monday, monday + timedelta(days=30)), kind="rest")
                    .values_list("date", flat=True))
    application = register(cast.village_worker, person)
    step(cast.village_worker, application, "recommend")
    step(cast.street_worker, application, "recommend")
    step(cast.county_director, application, "agree", publicity_from=monday.isoformat(), publicity_days=5)
    application.refresh_from_db()
    counted, day = 0, monday - timedelta(days=1)
    while counted < 5:  # count by hand against the table as it stands
        day += timedelta(days=1)
        counted += day.weekday() < 5 and day not in rest_days
    assert application.publicity_until == day >= monday + timedelta(days=8)


def test_a_publicity_shorter_than_the_kind_asks_is_refused(cast, person):
    application = register(cast.village_worker, person, kind="关爱基金帮扶")
    step(cast.village_worker, application, "recommend")
    step(cast.street_worker, application, "recommend")
    before = state_of(application)
    with pytest.raises(ValidationError) as refused:
        step(cast.county_director, application, "agree", publicity_days=3)
    assert "publicity_days" in refused.value.message_dict
    with pytest.raises(ValidationError):
        step(cast.county_director, application, "agree", publicity_from=(timezone.localdate() - timedelta(days=1))
             .isoformat())
    assert state_of(application) == before


def test_approval_waits_for_the_publicity_to_end(cast, person, care_fund):
    application = to_publicity(cast, register(cast.village_worker, person))
    with pytest.raises(ValidationError):
        step(cast.county_director, application, "approve", fund=care_fund.pk)
    assert state_of(application)[0] == "publicity"
    assert not FundEntry.objects.filter(application=application).exists()


def test_an_objection_pauses_approval_until_it_is_answered(cast, person, care_fund):
    application = to_publicity(cast, register(cast.village_worker, person))
    step(cast.county_director, application, "object", "申请人家中有经营性车辆", raised_by="村民（匿名）")
    past_publicity(application)
    with pytest.raises(ValidationError):
        step(cast.county_director, application, "approve", fund=care_fund.pk)
    care_fund.refresh_from_db()
    assert state_of(application)[0] == "publicity" and care_fund.balance == 50000
    step(cast.county_director, application, "answer", "经核实车辆已于2025年转让，异议不成立", upheld="")
    objection = application.objections.get()
    assert objection.resolved_on and objection.upheld is False
    with pytest.raises(ValidationError):  # nothing left to answer
        step(cast.county_director, application, "answer", "再答复")
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    assert state_of(application)[0] == "approved"


def test_an_upheld_objection_leads_to_a_refusal_with_its_letter(cast, person):
    application = to_publicity(cast, register(cast.village_worker, person))
    step(cast.county_director, application, "object", "家庭收入超过标准")
    step(cast.county_director, application, "answer", "异议成立", upheld="1")
    with pytest.raises(ValidationError):
        step(cast.county_director, application, "reject")  # a refusal says why
    step(cast.county_director, application, "reject", "经核实家庭人均收入超过当地标准，不符合救助条件")
    application.refresh_from_db()
    assert application.state == "rejected" and "人均收入" in application.closed_reason
    assert "reject" in APPLICATION.documents()


@pytest.mark.parametrize("change", [
    {"amount": "20000"},  # above 临时救助's cap of 5,000
    {"documents": {}},  # the 申请书 and 困难情况证明 missing
    {"documents": {"申请书": pdf(), "困难情况证明": __import__("django.core.files.uploadedfile", fromlist=["x"])
                   .SimpleUploadedFile("x.pdf", b"not a pdf")}},
    {"reason": "  "},
    {"amount": "-5"},
    {"amount": "12.345"},
])
def test_bad_registrations_are_refused_and_save_nothing(cast, person, change):
    kind = kind_named("临时救助")
    arguments = {"actor": cast.village_worker, "person": person, "kind": kind, "amount": "2000",
                 "reason": "受灾", "documents": {name: pdf(f"{name}.pdf") for name in kind.documents}}
    with pytest.raises(ValidationError):
        services.application_register(**{**arguments, **change})
    assert not AidApplication.objects.exists() and not AidEvent.objects.exists()


def test_an_application_for_a_person_outside_the_scope_is_refused(cast, sibling_person):
    kind = kind_named("临时救助")
    with pytest.raises(ValidationError) as refused:
        services.application_register(actor=cast.village_worker, person=sibling_person, kind=kind, amount="100",
                                      reason="受灾", documents={name: pdf() for name in kind.documents})
    assert "person" in refused.value.message_dict
    assert not AidApplication.objects.exists()


def test_an_amount_above_the_cap_is_refused_at_each_step(cast, person):
    application = register(cast.village_worker, person, amount="4000")
    with pytest.raises(ValidationError):
        step(cast.village_worker, application, "recommend", amount="6000")
    assert state_of(application)[:2] == ("reviewing", 5)


def test_a_payment_cannot_be_recorded_twice_and_cash_needs_the_signed_receipt(cast, person, care_fund):
    application = past_publicity(to_publicity(cast, register(cast.village_worker, person)))
    step(cast.county_director, application, "approve", fund=care_fund.pk)
    with pytest.raises(ValidationError) as no_receipt:
        step(cast.county_director, application, "pay", method="cash")
    assert "receipt" in no_receipt.value.message_dict
    with pytest.raises(ValidationError):
        step(cast.county_director, application, "pay", method="bank")  # a transfer has its reference
    services.application_transition(actor=cast.county_director, application=application, action="pay",
                                    version=application.version, data={"method": "cash"}, receipt=pdf("签收单.pdf"))
    application.refresh_from_db()
    assert application.state == "paid" and application.documents.filter(requirement="签收单").count() == 1
    with pytest.raises(IllegalStep):
        services.application_transition(actor=cast.county_director, application=application, action="pay",
                                        version=application.version, data={"method": "cash"},
                                        receipt=pdf("签收单.pdf"))
    assert application.documents.filter(requirement="签收单").count() == 1
    assert FundEntry.objects.filter(application=application).count() == 1


def test_scoping_a_village_sees_its_own_the_county_all_below_a_sibling_nothing(cast, person, sibling_person):
    own = register(cast.village_worker, person)
    other = register(cast.village2_worker, sibling_person)
    assert list(AidApplication.objects.visible_to(cast.village_worker)) == [own]
    assert set(AidApplication.objects.visible_to(cast.county_director)) == {own, other}
    assert set(AidApplication.objects.visible_to(cast.street_worker)) == {own, other}
    assert not AidApplication.objects.visible_to(cast.outsider).exists()
    with pytest.raises(Http404):
        step(cast.village2_worker, own, "withdraw", "误登记")


def test_a_stale_version_is_refused(cast, person):
    from rongjia.core.errors import StaleVersion

    application = register(cast.village_worker, person)
    with pytest.raises(StaleVersion):
        services.application_transition(actor=cast.village_worker, application=application, action="recommend",
                                        version=application.version - 1 if application.version > 1 else 99)
    assert state_of(application)[:2] == ("reviewing", 5)
