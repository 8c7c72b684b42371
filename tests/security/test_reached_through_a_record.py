"""The scope matrix, second half: what a page reaches THROUGH a record the viewer may open.

An outside audit found petitions leaking this way while every direct probe held: a person's timeline
and 一人一册 booklet showed petitions the viewer got 404 on. Here every dossier contribution registered
with core's registry gets a linked record planted outside the viewer's reach (a provider below: a new
module that registers a contribution without one fails `test_every_contribution_has_a_planted_case`),
and the timeline, the booklet's PDF text, the dossier page, the workbench, the API and the export are
read for its marker. Outside records may show as a count, never as their content.
"""

import pytest
from django.urls import reverse

from rongjia.core import contributions
from rongjia.core.models import Region
from rongjia.core.scoping import subtree_q
from rongjia.people.books import services as books_services
from rongjia.petitions.models import PetitionNotice
from rongjia.petitions.services import petition_register
from tests.factories import OUTSIDER_COUNTY, VILLAGE_CODE, person_at, unit_at, valid_id_number
from tests.security.probes import visible_text

PERSON_ID = valid_id_number("19680808", sequence=321)
# Contributions whose entries are the record itself (the dossier's own history, read with people.view).
OWN_HISTORY = {"dossier": "the dossier's own creation, edits, books and merges: the record the viewer opened"}


def _petition(actor, unit, subject, id_number=PERSON_ID, name="赵守国"):
    return petition_register(actor=actor, unit=unit, channel="letter", type="accusation", category="housing",
                             subject=subject, petitioners=[{"name": name, "id_number": id_number}])


def _pages(client, person) -> dict[str, str]:
    """Everything a viewer reads about the person, by where it was read."""
    urls = {"dossier page": reverse("people:person_detail", args=[person.pk]),
            "timeline": reverse("people:person_timeline", args=[person.pk]),
            "booklet": reverse("people:booklet", args=[person.pk]),
            "export": reverse("people:person_export"), "workbench": reverse("home")}
    texts = {}
    for where, url in urls.items():
        response = client.get(url)
        texts[where] = visible_text(response) if response.status_code == 200 else ""
    return texts


@pytest.fixture
def villager(cast):
    return person_at(cast.village_worker, name="赵守国", id_number=PERSON_ID)


def test_a_county_centres_petition_stays_off_a_village_persons_dossier(cast, client_for, token_for, villager):
    """A 检举控告 the county registers against the village's own worker, with the villager as petitioner."""
    petition = _petition(cast.county_director, unit_at(f"{VILLAGE_CODE[:6]}000000"), "县级检举控告某站工作人员")
    assert petition.petitioners.get().person_id == villager.pk  # linked: the county sees the dossier
    village = client_for(cast.village_worker)
    assert village.get(reverse("petitions:petition_detail", args=[petition.pk])).status_code == 404
    texts = _pages(village, villager)
    assert texts["timeline"] and texts["booklet"], "the village worker reads the dossier itself"
    leaks = [where for where, text in texts.items() if "县级检举控告" in text]
    assert not leaks, f"the county's petition shows on: {leaks}"
    assert "另有 1 件信访" in texts["timeline"] and "另有 1 件信访" in texts["booklet"]  # a count, no content
    headers = {"Authorization": f"Bearer {token_for(cast.village_worker)}"}
    api = village.get(f"/api/v1/people/{villager.pk}", headers=headers)
    assert api.status_code == 200 and "县级检举控告" not in api.content.decode()
    county = _pages(client_for(cast.county_director), villager)
    assert "县级检举控告" in county["timeline"] and "县级检举控告" in county["booklet"]  # the county reads its own


def test_a_grid_worker_without_petitions_view_reads_the_dossier_but_no_petition(cast, client_for, villager):
    _petition(cast.village_worker, unit_at(VILLAGE_CODE), "村级信访事项安置待遇")
    texts = _pages(client_for(cast.grid_worker), villager)
    assert texts["timeline"], "the grid worker holds people.view"
    leaks = [where for where, text in texts.items() if "村级信访事项" in text]
    assert not leaks, f"a petition shows to a viewer without petitions.view on: {leaks}"
    assert "另有" not in texts["timeline"]  # not even the count: the feature is not the grid worker's
    assert "村级信访事项" in _pages(client_for(cast.village_worker), villager)["timeline"]


def test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_petitions(cast, client_for, villager):
    _petition(cast.village_worker, unit_at(VILLAGE_CODE), "迁出前的信访事项")
    village = Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first()
    to_station = unit_at(village.code)
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=villager, to_station=to_station,
                                                reason="随子女居住")
    books_services.transfer_accept(actor=cast.outsider, transfer=transfer)
    texts = _pages(client_for(cast.outsider), villager)
    assert "赵守国" in texts["dossier page"], "the new county holds the dossier now"
    leaks = [where for where, text in texts.items() if "迁出前的信访事项" in text]
    assert not leaks, f"the old county's petition shows on: {leaks}"
    assert "另有 1 件信访" in texts["timeline"]


def test_the_repeat_list_shows_only_the_petitions_the_viewer_may_open(cast, client_for, token_for, villager):
    earlier = _petition(cast.outsider, unit_at(f"{OUTSIDER_COUNTY}000000"), "外县此前的信访事项")
    again = _petition(cast.village_worker, unit_at(VILLAGE_CODE), "本村再次信访")
    assert set(again.repeat_of.all()) == {earlier}  # detected system-wide, as the 条例 needs
    page = client_for(cast.village_worker).get(reverse("petitions:petition_detail", args=[again.pk])).content.decode()
    assert "外县此前的信访事项" not in page and 'data-testid="repeats-outside"' in page
    headers = {"Authorization": f"Bearer {token_for(cast.village_worker)}"}
    body = client_for(cast.village_worker).get(f"/api/v1/petitions/{again.pk}", headers=headers).json()
    assert body["repeat_of"] == [] and body["repeats_outside"] == 1
    notice = PetitionNotice.objects.get(petition=earlier, kind=PetitionNotice.Kind.REPEATED)
    assert notice.unit == earlier.unit  # the holder of the earlier petition is told
    assert "外县此前的信访事项" in client_for(cast.outsider).get(reverse("petitions:notice_list")).content.decode()
    assert "本村再次信访" not in client_for(cast.outsider).get(reverse("petitions:notice_list")).content.decode()


def test_a_recheck_outside_the_scope_refuses_nothing_and_says_nothing(cast, villager):
    """After 复核 only a petition the worker may open refuses a new registration: no yes/no oracle."""
    from rongjia.petitions.models import Petition

    earlier = _petition(cast.outsider, unit_at(f"{OUTSIDER_COUNTY}000000"), "外县已复核的事项")
    Petition.objects.filter(pk=earlier.pk).update(state="rechecked")
    again = _petition(cast.village_worker, unit_at(VILLAGE_CODE), "本村新登记的事项")
    assert again.pk and earlier in again.repeat_of.all()


def test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_visits(cast, client_for, token_for,
                                                                                   villager):
    """Visit notes stay with the station that made them: the receiving county sees a count, not the notes."""
    from django.utils import timezone

    from rongjia.visits.honours import plaque_issue
    from rongjia.visits.services import visit_record

    visit_record(actor=cast.village_worker, person_id=villager.pk, visited_on=timezone.localdate(),
                 findings="迁出前的走访情况")
    plaque_issue(actor=cast.village_worker, person_id=villager.pk)
    village = Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first()
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=villager,
                                                to_station=unit_at(village.code), reason="随子女居住")
    books_services.transfer_accept(actor=cast.outsider, transfer=transfer)
    texts = _pages(client_for(cast.outsider), villager)
    leaks = [where for where, text in texts.items() if "迁出前的走访情况" in text or "光荣牌" in text]
    assert not leaks, f"the old county's visits show on: {leaks}"
    assert "另有 1 条走访记录" in texts["timeline"] and "另有 1 条走访记录" in texts["booklet"]
    headers = {"Authorization": f"Bearer {token_for(cast.outsider)}"}
    api = client_for(cast.outsider).get(f"/api/v1/visits/?person={villager.pk}", headers=headers)
    assert api.status_code == 200 and api.json()["count"] == 0


def test_a_task_reaches_each_unit_with_its_own_part_only(cast, client_for, token_for):
    """A task assigned to two villages: each village opens the task, but its roll-up, its unit list, its export
    and the API's parts hold that village's own part only, never the sibling's note, figures or evidence."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from rongjia.worklist.services import assignment_report, task_assign
    from rongjia.worklist.targets import Target
    from tests.factories import VILLAGE2_CODE, small_png

    task = task_assign(actor=cast.county_director, title="两村共同任务", kind="collection",
                       due_on=timezone.localdate() + timedelta(days=5),
                       target=Target(units=[unit_at(VILLAGE_CODE).pk, unit_at(VILLAGE2_CODE).pk]),
                       fields=[{"key": "f1", "label": "走访人数", "type": "number", "required": False}])
    part = task.assignments.get(region_code=VILLAGE_CODE)
    assignment_report(actor=cast.village_worker, assignment_id=part.pk, progress=50, note="古泉的进展说明",
                      values={"f1": "7731"}, photos=[SimpleUploadedFile("p.png", small_png())])
    sibling = client_for(cast.village2_worker)
    pages = [reverse("worklist:task_detail", args=[task.pk]), reverse("worklist:task_export", args=[task.pk]),
             reverse("worklist:inbox") + "?show=all"]
    texts = {url: visible_text(sibling.get(url)) for url in pages}
    leaks = [url for url, text in texts.items() if "古泉" in text or "7731" in text]
    assert not leaks, f"the sibling village's part shows on: {leaks}"
    headers = {"Authorization": f"Bearer {token_for(cast.village2_worker)}"}
    parts = sibling.get(f"/api/v1/tasks/{task.pk}/parts", headers=headers).json()
    rollup = sibling.get(f"/api/v1/tasks/{task.pk}/rollup", headers=headers).json()
    assert parts["count"] == 1 and rollup["total"] == 1 and rollup["counts"]["doing"] == 0
    county = visible_text(client_for(cast.county_director).get(reverse("worklist:task_export", args=[task.pk])))
    assert "古泉" in county and "7731" in county  # the assigner sees every assignee's


def test_a_stations_page_and_the_statistics_carry_only_the_stars_the_viewer_may_see(cast, client_for):
    """Village-level criteria of the county, a period scored and a sibling village marked with a note: the village's
    own station page shows its own sheet only; the network statistics and the targets count only the stations the
    viewer sees; a third-party evaluator reaches no station page at all."""
    from django.utils import timezone

    from rongjia.evaluation import services, services_titles
    from rongjia.evaluation.scoring import score_run
    from tests.factories import VILLAGE2_CODE

    today = timezone.localdate()
    item = {"group": "群众满意", "name": "实地察看", "weight": "10", "method": "manual"}
    criteria = services.criteria_set_create(actor=cast.county_director, name="村站评价", level=5, year=today.year,
                                            thresholds=["60", "70", "80", "90"], items=[item])
    run = services.run_create(actor=cast.county_director, version_id=criteria.versions.get().pk, title="村站评价期",
                              since=today, until=today)
    services.run_step(actor=cast.county_director, run_id=run.pk, action="start")
    score_run(run.pk)
    sibling = run.scores.get(unit=unit_at(VILLAGE2_CODE))
    manual = criteria.versions.get().items.get().pk
    services.mark_record(actor=cast.county_director, score_id=sibling.pk, criterion_id=manual, points=10,
                         note="邻村察看记录")
    own = run.scores.get(unit=unit_at(VILLAGE_CODE))
    services.mark_record(actor=cast.county_director, score_id=own.pk, criterion_id=manual, points=6, note="本村记录")
    services.run_step(actor=cast.county_director, run_id=run.pk, action="close")
    services_titles.target_create(actor=cast.county_director, name="五星村站", levels=[5], min_stars=5, share=80,
                                  each_below=False, by_year=today.year)
    village = client_for(cast.village_worker)
    own_page = visible_text(village.get(reverse("network:station_detail", args=[unit_at(VILLAGE_CODE).pk])))
    assert "村站评价期" in own_page and "邻村察看记录" not in own_page
    stats = village.get(reverse("network:network_stats")).context["sections"]
    (stars,) = [section for section in stats if section.key == "stars"]
    assert sum(row["stations"] for row in stars.context["levels"]) == 1  # its own station, not the county's
    board = village.get(reverse("evaluation:targets")).context["board"]
    assert [own.stations for _target, own, _below in board] == [1]
    county = client_for(cast.county_director).get(reverse("network:network_stats")).context["sections"]
    (stars,) = [section for section in county if section.key == "stars"]
    assert [row["counts"] for row in stars.context["levels"] if row["level"] == "村（社区）"] == [
        [1, 0, 0, 1, 0, run.scores.count() - 2]]  # the two marked (5 and 2 stars), the rest not yet rated
    evaluator = client_for(cast.evaluator)
    assert evaluator.get(reverse("network:station_detail", args=[sibling.unit_id])).status_code in (403, 404)


def _assistance_outside_note(count: int) -> str:
    from django.utils import translation

    from rongjia.assistance.dossier import OUTSIDE

    with translation.override("zh-hans"):
        return " ".join((str(OUTSIDE) % {"count": count}).split())


def test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_assistance(cast, client_for, token_for,
                                                                                       villager):
    """The hardship entry with its pairing, the aid application and the referral stay with the village that kept
    them: the receiving county reads the person, a count of those records and none of their content."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from rongjia.assistance import services as assistance
    from rongjia.assistance.models import AidKind, HardshipKind

    entry = assistance.hardship_create(actor=cast.village_worker, person=villager, cause="迁出前的困难原因",
                                       kind=HardshipKind.objects.get(name="因病"), level="serious",
                                       since=date(2024, 1, 1))
    assistance.pairing_create(actor=cast.village_worker, entry=entry, helper_kind="company", helper_name="某企业",
                              plan="迁出前的帮扶计划", since=date(2024, 2, 1))
    kind = AidKind.objects.get(jurisdiction_code="", name="临时救助")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assistance.application_register(actor=cast.village_worker, person=villager, kind=kind, amount="2000",
                                    reason="迁出前的申请事由", documents={
                                        name: SimpleUploadedFile(f"{name}.pdf", pdf) for name in kind.documents})
    assistance.referral_create(actor=cast.village_worker, person=villager, department="civil", service="低保",
                               request="迁出前的转介请求", sent_on=timezone.localdate())
    markers = ("迁出前的困难原因", "迁出前的帮扶计划", "迁出前的申请事由", "迁出前的转介请求")
    assert all(m in _pages(client_for(cast.village_worker), villager)["timeline"] for m in markers)
    village = Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first()
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=villager,
                                                to_station=unit_at(village.code), reason="随子女居住")
    books_services.transfer_accept(actor=cast.outsider, transfer=transfer)
    texts = _pages(client_for(cast.outsider), villager)
    assert "赵守国" in texts["dossier page"], "the new county holds the dossier now"
    leaks = [f"{where}: {m}" for where, text in texts.items() for m in markers if m in text]
    assert not leaks, f"the old village's assistance records show on: {leaks}"
    note = _assistance_outside_note(3)  # the entry (with its pairing), the application, the referral
    assert note in " ".join(texts["timeline"].split()) and note in " ".join(texts["booklet"].split())
    headers = {"Authorization": f"Bearer {token_for(cast.outsider)}"}
    outsider = client_for(cast.outsider)
    for url in ("/api/v1/hardship/", "/api/v1/aid-applications/", "/api/v1/referrals/"):
        response = outsider.get(url, {"person": villager.pk}, headers=headers)
        assert response.status_code == 200 and response.json()["count"] == 0, url
    assert outsider.get(f"/api/v1/hardship/{entry.pk}", headers=headers).status_code == 404


def test_a_pairing_shows_on_the_helpers_dossier_only_where_it_may_be_opened(cast, client_for, villager):
    """The county pairs a village household with a veteran of the sibling village: the veteran's own village
    reads the veteran's dossier with a count of the pairing, not its plan; the household's village reads it all."""
    from datetime import date

    from rongjia.assistance import services as assistance
    from rongjia.assistance.models import HardshipKind
    from tests.factories import VILLAGE2_CODE

    veteran = person_at(cast.village2_worker, code=VILLAGE2_CODE, name="钱卫国",
                        id_number=valid_id_number("19600606", sequence=654))
    entry = assistance.hardship_create(actor=cast.village_worker, person=villager, cause="因病致贫",
                                       kind=HardshipKind.objects.get(name="因病"), level="serious",
                                       since=date(2024, 1, 1))
    assistance.pairing_create(actor=cast.county_director, entry=entry, helper_kind="veteran", helper_name="",
                              helper_person=veteran, plan="跨村老兵结对计划", since=date(2024, 2, 1))
    sibling = _pages(client_for(cast.village2_worker), veteran)
    assert sibling["timeline"], "the sibling village reads its own veteran's dossier"
    leaks = [where for where, text in sibling.items() if "跨村老兵结对计划" in text]
    assert not leaks, f"the pairing's plan shows to the helper's village on: {leaks}"
    assert _assistance_outside_note(1) in " ".join(sibling["timeline"].split())
    assert "跨村老兵结对计划" in _pages(client_for(cast.village_worker), villager)["timeline"]
    assert "跨村老兵结对计划" in _pages(client_for(cast.county_director), veteran)["timeline"]  # both sides


def test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_payments(cast, client_for, villager):
    """A pension paid by the old county's batch stays with the station that paid it: the receiving county reads
    the person and the entitlement (both follow the person), the payment only as a count, on the dossier, the
    timeline, the booklet and the person's benefits page."""
    from datetime import date

    from django.utils import translation

    from rongjia.benefits.dossier import OUTSIDE
    from rongjia.benefits.models import BenefitItem
    from rongjia.people.models import Category
    from tests.benefits.conftest import entitle, pay, table
    from tests.factories import HOME_COUNTY, UserFactory

    item = BenefitItem.objects.create(code="planted-pension", name="迁出前的抚恤金", period="monthly")
    item.categories.set([Category.objects.get(name="残疾军人")])
    table(cast, item, date(2024, 1, 1), [{"amount": "37481.40"}])  # ¥3,123.45 a month: the marker
    from rongjia.benefits import services

    services.account_add(actor=cast.village_worker, person=villager, bank="农业银行", number="6222020000000000011")
    entitle(cast, villager, item, date(2026, 10, 1))
    centre = unit_at(HOME_COUNTY + "000000")
    staff = (UserFactory(username="planted_preparer", org_unit=centre, roles=["centre_staff"]),
             UserFactory(username="planted_checker", org_unit=centre, roles=["centre_staff"]), cast.county_director)
    pay(staff, date(2026, 10, 1))
    person_page = reverse("benefits:person", args=[villager.pk])
    own = client_for(cast.village_worker)
    assert "3123.45" in _pages(own, villager)["timeline"] and "3123.45" in visible_text(own.get(person_page))
    village = Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first()
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=villager,
                                                to_station=unit_at(village.code), reason="随子女居住")
    books_services.transfer_accept(actor=cast.outsider, transfer=transfer)
    outsider = client_for(cast.outsider)
    texts = {**_pages(outsider, villager), "benefits page": visible_text(outsider.get(person_page))}
    assert "迁出前的抚恤金" in texts["benefits page"], "the entitlement follows the person"
    leaks = [where for where, text in texts.items() if "3123.45" in text or "3,123.45" in text]
    assert not leaks, f"the old county's payment shows on: {leaks}"
    with translation.override("zh-hans"):
        note = " ".join((str(OUTSIDE) % {"count": 1}).split())
    assert note in " ".join(texts["timeline"].split()) and note in " ".join(texts["booklet"].split())


def test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_employment_work(cast, client_for,
                                                                                          villager):
    """The old station's job-seeker profile, its referral to the county's posting, the fair the person attended and
    the business it recorded stay with the station that kept them: after a transfer the receiving county reads the
    person, and those only as a count, on the dossier, the timeline and the booklet. A sibling village opening the
    county's fair and posting reads none of the villager's part in them."""
    from django.utils import timezone, translation

    from rongjia.employment import services_business, services_fairs, services_referrals, services_seekers
    from rongjia.employment.dossier import OUTSIDE
    from rongjia.employment.models import Sector
    from tests.employment.conftest import skill

    today = timezone.localdate()
    employer = _county_employer(cast)
    posting = _county_posting(cast, employer, today)
    seeker = services_seekers.seeker_create(actor=cast.village_worker, person=villager, wanted_work="迁出前的求职意向",
                                            skills=[skill("汽车驾驶")])
    services_referrals.referral_create(actor=cast.village_worker, seeker=seeker, posting=posting)
    fair = services_fairs.fair_create(actor=cast.county_director, title="县里的招聘会", date=today, venue="县中心",
                                      employers=[employer], postings=[posting])
    services_fairs.fair_check_in(actor=cast.village_worker, fair=fair, code=services_fairs.check_in_code(seeker),
                                 today=today)
    services_business.business_create(actor=cast.village_worker, person=villager, name="迁出前的创业项目",
                                      sector=Sector.objects.first(), registered_on=today)
    markers = ("迁出前的求职意向", "迁出前的推荐岗位", "迁出前的创业项目")
    own = _pages(client_for(cast.village_worker), villager)["timeline"]
    assert all(marker in own for marker in markers), own
    sibling = client_for(cast.village2_worker)
    for url in (reverse("employment:fair_detail", args=[fair.pk]), reverse("employment:posting_detail",
                                                                            args=[posting.pk])):
        assert villager.name not in visible_text(sibling.get(url)), url
    village = Region.objects.filter(subtree_q("code", OUTSIDER_COUNTY), level=5).order_by("code").first()
    transfer = books_services.transfer_propose(actor=cast.village_worker, person=villager,
                                                to_station=unit_at(village.code), reason="随子女居住")
    books_services.transfer_accept(actor=cast.outsider, transfer=transfer)
    texts = _pages(client_for(cast.outsider), villager)
    leaks = [f"{where}: {marker}" for where, text in texts.items() for marker in markers if marker in text]
    assert not leaks, f"the old station's employment work shows on: {leaks}"
    with translation.override("zh-hans"):
        note = " ".join((str(OUTSIDE) % {"count": 4}).split())
    assert note in " ".join(texts["timeline"].split()) and note in " ".join(texts["booklet"].split())


def _county_employer(cast):
    from rongjia.employment import services_postings
    from rongjia.employment.models import Sector

    return services_postings.employer_create(actor=cast.county_director, name="县里的拥军企业",
                                             sector=Sector.objects.first(), place=Region.objects.get(code=VILLAGE_CODE),
                                             contact_name="王经理", contact_phone="13900001111")


def _county_posting(cast, employer, today):
    from rongjia.employment import services_postings
    from tests.employment.conftest import skill

    return services_postings.posting_create(actor=cast.county_director, employer=employer, title="迁出前的推荐岗位",
                                            place=Region.objects.get(code=VILLAGE_CODE), pay_min=5000, pay_max=6000,
                                            places=2, opens_on=today, closes_on=today, skills=[skill("汽车驾驶")])


# --- every contribution has a planted case ----------------------------------------------------------------

PLANTED = {
    "petitions": test_a_county_centres_petition_stays_off_a_village_persons_dossier,
    "visits": test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_visits,
    "assistance": test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_assistance,
    "benefits": test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_payments,
    "employment": test_after_a_transfer_the_new_county_reads_the_person_but_not_the_old_employment_work,
}


def test_every_contribution_has_a_planted_case():
    """A module that attaches to the dossier adds its "reached through a record" case above."""
    registered = {contribution.key for contribution in contributions.dossier_contributions()}
    missing = registered - set(PLANTED) - set(OWN_HISTORY)
    assert not missing, f"dossier contributions without a reached-through-a-record case: {sorted(missing)}"


def test_a_viewer_without_a_contributions_capability_gets_none_of_it(cast, villager):
    """The registry itself answers nothing to a viewer without the capability, whatever the contribution does."""
    _petition(cast.village_worker, unit_at(VILLAGE_CODE), "村级信访事项")
    keys = {section.key for section in contributions.dossier_sections(cast.grid_worker, villager, [villager.pk])}
    assert keys == {"dossier", "visits"}  # the grid worker visits; petitions are not the grid worker's
    keys = {section.key for section in contributions.dossier_sections(cast.village_worker, villager, [villager.pk])}
    assert keys == {"dossier", "petitions", "visits", "assistance", "benefits", "employment"}
