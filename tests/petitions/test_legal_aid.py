"""Legal aid: the lawyer pool of a 法律援助工作站, referrals from petitions, and their outcome."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from rongjia.core.errors import StaleVersion
from rongjia.petitions.legal_aid.services import lawyer_save, lawyers_for, referral_create, referral_step
from rongjia.petitions.models import Lawyer, LegalAidReferral
from tests.factories import HOME_COUNTY, OUTSIDER_COUNTY, unit_at
from tests.petitions.test_workflow import register


def county_lawyer(actor, **overrides):
    values = {"name": "韩立新", "firm": "江苏天衡律师事务所", "specialities": ["placement"], "duty_days": [1, 3],
              **overrides}
    return lawyer_save(actor=actor, station=unit_at(HOME_COUNTY + "000000"), **values)


def test_the_pool_is_kept_by_the_centre_and_used_by_the_stations_below(cast):
    lawyer = county_lawyer(cast.county_director)
    assert lawyer.on_duty(date(2026, 11, 23)) and not lawyer.on_duty(date(2026, 11, 24))  # a Monday, a Tuesday
    for who in (cast.village_worker, cast.street_worker, cast.county_director):
        assert list(lawyers_for(who)) == [lawyer]
    assert not lawyers_for(cast.outsider).exists()
    with pytest.raises(PermissionDenied):  # a station worker does not manage the pool
        county_lawyer(cast.village_worker)
    with pytest.raises(Http404):  # nor does another county
        lawyer_save(actor=cast.outsider, station=unit_at(HOME_COUNTY + "000000"), lawyer=lawyer, name="改")
    outside = lawyer_save(actor=cast.outsider, station=unit_at(OUTSIDER_COUNTY + "000000"), name="外", firm="所")
    assert outside not in lawyers_for(cast.village_worker)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": " "}, "name"), ({"specialities": ["astrology"]}, "specialities"), ({"duty_days": [8]}, "duty_days"),
])
def test_a_bad_lawyer_is_refused(cast, overrides, field):
    with pytest.raises(ValidationError) as refused:
        county_lawyer(cast.county_director, **overrides)
    assert field in refused.value.error_dict and not Lawyer.objects.exists()


def test_a_change_with_a_stale_version_is_refused(cast):
    lawyer = county_lawyer(cast.county_director)
    with pytest.raises(StaleVersion):
        lawyer_save(actor=cast.county_director, station=lawyer.station, lawyer=lawyer, version=lawyer.version + 1,
                    active=False)
    assert Lawyer.objects.get().active


def test_referral_then_outcome_recorded_on_the_petition(cast):
    lawyer = county_lawyer(cast.county_director)
    petition = register(cast.village_worker)
    referral = referral_create(actor=cast.village_worker, petition=petition, lawyer=lawyer, question="安置待遇依据")
    with pytest.raises(ValidationError):  # one open referral at a time
        referral_create(actor=cast.village_worker, petition=petition, lawyer=lawyer, question="再转")
    referral = referral_step(actor=cast.village_worker, referral=referral, action="take_on")
    with pytest.raises(ValidationError):  # the outcome is required
        referral_step(actor=cast.village_worker, referral=referral, action="conclude")
    referral = referral_step(actor=cast.village_worker, referral=referral, action="conclude", outcome="已代理申请仲裁")
    assert (referral.state, referral.outcome, referral.closed_on is not None) == ("concluded", "已代理申请仲裁", True)
    with pytest.raises(ValidationError):  # concluded is the end
        referral_step(actor=cast.village_worker, referral=referral, action="decline", outcome="x")
    assert list(petition.events.values_list("action", flat=True)) == [
        "register", "legal_aid", "legal_aid_take_on", "legal_aid_conclude"]


def test_referral_scoping_and_roles(cast):
    lawyer = county_lawyer(cast.county_director)
    petition = register(cast.village_worker)
    with pytest.raises(Http404):
        referral_create(actor=cast.village2_worker, petition=petition, lawyer=lawyer, question="x")
    with pytest.raises(PermissionDenied):
        referral_create(actor=cast.leader, petition=petition, lawyer=lawyer, question="x")
    with pytest.raises(ValidationError):
        referral_create(actor=cast.village_worker, petition=petition, lawyer=lawyer, question=" ")
    Lawyer.objects.filter(pk=lawyer.pk).update(active=False)
    with pytest.raises(ValidationError):  # an inactive lawyer takes no referral
        referral_create(actor=cast.village_worker, petition=petition, lawyer=lawyer, question="x")
    assert not LegalAidReferral.objects.exists()


def test_the_pages(cast, client_for):
    director, worker = client_for(cast.county_director), client_for(cast.village_worker)
    response = director.post("/petitions/lawyers/new", {
        "station": unit_at(HOME_COUNTY + "000000").pk, "name": "沈雅琴", "firm": "江苏金陵律师事务所",
        "specialities": ["social"], "duty_days": ["2", "4"], "active": "on"})
    assert response.status_code == 302
    lawyer = Lawyer.objects.get()
    assert lawyer.duty_days == [2, 4]
    assert "沈雅琴" in worker.get("/petitions/lawyers/").content.decode()
    assert worker.get("/petitions/lawyers/new").status_code == 403
    assert client_for(cast.outsider).get(f"/petitions/lawyers/{lawyer.pk}/").status_code == 404
    petition = register(cast.village_worker)
    worker.post(f"/petitions/{petition.pk}/legal-aid/", {"lawyer": lawyer.pk, "question": "社保接续"})
    referral = LegalAidReferral.objects.get()
    page = worker.get(f"/petitions/{petition.pk}/").content.decode()
    assert "沈雅琴" in page and "社保接续" in page
    worker.post(f"/petitions/{petition.pk}/legal-aid/{referral.pk}",
                {f"r{referral.pk}-action": "decline", f"r{referral.pk}-outcome": "", f"r{referral.pk}-version": 1})
    assert LegalAidReferral.objects.get().state == "referred"  # a decline needs its reason: nothing changed
    prefix = f"r{referral.pk}-"
    worker.post(f"/petitions/{petition.pk}/legal-aid/{referral.pk}",
                {f"{prefix}action": "decline", f"{prefix}outcome": "利益冲突", f"{prefix}version": 1})
    assert LegalAidReferral.objects.get().state == "declined"
    assert client_for(cast.village2_worker).post(f"/petitions/{petition.pk}/legal-aid/",
                                                 {"lawyer": lawyer.pk, "question": "x"}).status_code == 404
