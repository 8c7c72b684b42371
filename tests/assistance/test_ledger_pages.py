"""The hardship ledger's and the pairings' pages: who sees what, what each form refuses (nothing changed), the
overdue-review filter, the export against the list, and the query counts of the lists."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rongjia.assistance import services
from rongjia.assistance.models import HardshipEntry, HardshipKind, HardshipReview, Pairing, PairingHelp
from rongjia.core.errors import StaleVersion
from tests.factories import person_at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ids(response, attribute: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'data-{attribute}="(\d+)"', response.content.decode())]


def enter(actor, person, kind="因病", **fields) -> HardshipEntry:
    values = {"cause": "长期患病", "level": "ordinary", "since": date(2024, 1, 1), **fields}
    return services.hardship_create(actor=actor, person=person, kind=HardshipKind.objects.get(name=kind), **values)


def pair(actor, entry, **fields) -> Pairing:
    values = {"helper_kind": "company", "helper_name": "江宁某科技公司", "plan": "每季度走访，帮助就业",
              "since": date(2024, 6, 1), **fields}
    return services.pairing_create(actor=actor, entry=entry, **values)


def new_form(who, **fields) -> dict:
    return {"person": who.pk, "kind": HardshipKind.objects.get(name="因残").pk, "cause": "工伤致残，无法务工",
            "level": "serious", "household_size": "4", "monthly_income": "1500.50", "household_facts": "",
            "since": "2024-05-01", "review_due": "", **fields}


@pytest.fixture
def pairing(cast, entry):
    return pair(cast.village_worker, entry)


@pytest.fixture
def sibling_entry(cast, sibling_person):
    return enter(cast.village2_worker, sibling_person)


# --- who sees what ----------------------------------------------------------------------------------------------

def test_the_village_sees_its_own_ledger_and_the_county_everything_below(cast, client_for, entry, sibling_entry):
    response = client_for(cast.village_worker).get(reverse("assistance:index"))
    assert response.status_code == 200
    assert ids(response, "entry") == [entry.pk]
    county = client_for(cast.county_director).get(reverse("assistance:index"))
    assert sorted(ids(county, "entry")) == sorted([entry.pk, sibling_entry.pk])
    assert client_for(cast.leader).get(reverse("assistance:index")).status_code == 200
    assert ids(client_for(cast.outsider).get(reverse("assistance:index")), "entry") == []


def test_the_entry_page_shows_the_record_and_its_links(cast, client_for, entry, pairing):
    response = client_for(cast.village_worker).get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("people:person_detail", args=[entry.person_id]) in html
    assert f'{reverse("assistance:application_new")}?person={entry.person_id}' in html
    assert f'{reverse("assistance:referral_new")}?person={entry.person_id}' in html
    assert ids(response, "pairing") == [pairing.pk]
    assert response.context["review_form"] is not None and response.context["pairing_form"] is not None
    county = client_for(cast.county_director).get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert county.status_code == 200
    leader = client_for(cast.leader).get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert leader.status_code == 200 and leader.context["review_form"] is None  # reads, writes nothing


def _record_urls(entry, pairing):
    return [("get", reverse("assistance:hardship_detail", args=[entry.pk]), {}),
            ("get", reverse("assistance:hardship_edit", args=[entry.pk]), {}),
            ("post", reverse("assistance:hardship_edit", args=[entry.pk]), {"cause": "x", "version": entry.version}),
            ("post", reverse("assistance:hardship_review", args=[entry.pk]), {"review-note": "x"}),
            ("post", reverse("assistance:pairing_new", args=[entry.pk]), {"pairing-helper_kind": "company"}),
            ("post", reverse("assistance:help_new", args=[pairing.pk]), {}),
            ("post", reverse("assistance:pairing_end", args=[pairing.pk]), {})]


@pytest.mark.parametrize("who", ["outsider", "village2_worker"])
def test_someone_outside_the_area_gets_404_on_every_record(cast, client_for, entry, pairing, who):
    client = client_for(getattr(cast, who))
    for method, url, data in _record_urls(entry, pairing):
        assert getattr(client, method)(url, data).status_code == 404, url
    entry.refresh_from_db()
    assert entry.version == 1 and not entry.reviews.exists() and entry.pairings.count() == 1
    assert not PairingHelp.objects.exists()


def test_a_grid_worker_has_no_assistance_pages(cast, client_for, entry, pairing):
    client = client_for(cast.grid_worker)
    for method, url, data in [*_record_urls(entry, pairing), ("get", reverse("assistance:index"), {}),
                              ("get", reverse("assistance:hardship_export"), {}),
                              ("get", reverse("assistance:hardship_new"), {}),
                              ("get", reverse("assistance:pairings"), {})]:
        assert getattr(client, method)(url, data).status_code in (403, 404), url


def test_the_leader_reads_but_cannot_write(cast, client_for, entry, pairing):
    client = client_for(cast.leader)
    assert client.get(reverse("assistance:hardship_new")).status_code == 403
    for method, url, data in _record_urls(entry, pairing)[1:]:
        assert getattr(client, method)(url, data).status_code == 403, url


# --- entering and editing ------------------------------------------------------------------------------------------

def test_a_household_is_entered_from_the_dossier(cast, client_for, person):
    client = client_for(cast.village_worker)
    page = client.get(reverse("assistance:hardship_new"), {"person": person.pk})
    assert page.status_code == 200 and page.context["chosen"] == person
    assert page.context["form"]["person"].value() == person.pk
    response = client.post(f'{reverse("assistance:hardship_new")}?person={person.pk}', new_form(person))
    entry = HardshipEntry.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("assistance:hardship_detail",
                                                                           args=[entry.pk])
    assert entry.level == "serious" and entry.household_size == 4 and entry.monthly_income == Decimal("1500.50")
    assert entry.region_code == person.station.region_code


def test_the_person_can_be_found_by_name(cast, client_for, person, sibling_person):
    client = client_for(cast.village_worker)
    response = client.get(reverse("assistance:hardship_new"), {"q": "王建"})
    assert ids(response, "person") == [person.pk]
    assert ids(client.get(reverse("assistance:hardship_new"), {"q": "李卫东"}), "person") == []  # a sibling's


@pytest.mark.parametrize("change, field", [
    ({"since": (TODAY + timedelta(days=1)).isoformat()}, "since"),
    ({"cause": "  "}, "cause"),
    ({"person": "999999"}, "person"),
    ({"household_size": "0"}, "household_size"),
    ({"monthly_income": "-1"}, "monthly_income"),
    ({"review_due": "2024-04-01"}, "review_due"),
])
def test_a_bad_entry_changes_nothing(cast, client_for, person, change, field):
    response = client_for(cast.village_worker).post(reverse("assistance:hardship_new"), new_form(person, **change))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not HardshipEntry.objects.exists()


def test_a_person_outside_the_scope_cannot_be_entered(cast, client_for, sibling_person):
    response = client_for(cast.village_worker).post(reverse("assistance:hardship_new"), new_form(sibling_person))
    assert response.status_code == 400 and "person" in response.context["form"].errors
    assert response.context["chosen"] is None  # no hint of who the number is
    assert not HardshipEntry.objects.exists()


def test_the_entry_is_edited_with_its_version(cast, client_for, entry):
    client, url = client_for(cast.village_worker), reverse("assistance:hardship_edit", args=[entry.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(level="extreme", key="on", monthly_income="900")
    data = {k: ("" if v is None else v.isoformat() if isinstance(v, date) else v) for k, v in data.items()
            if k != "key" or v}
    assert client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.level == "extreme" and entry.key and entry.monthly_income == Decimal("900") and entry.version == 2
    stale = client.post(url, {**data, "level": "ordinary"})  # the version read before the first save
    assert stale.status_code == 400
    assert str(StaleVersion.message) in stale.context["form"].non_field_errors()
    entry.refresh_from_db()
    assert entry.level == "extreme" and entry.version == 2


# --- reviews ------------------------------------------------------------------------------------------------------

def review_form(entry, **fields) -> dict:
    values = {"on": TODAY.isoformat(), "level": "ordinary", "note": "收入有所增加", "version": entry.version,
              "next_due": (TODAY + timedelta(days=180)).isoformat(), **fields}
    return {f"review-{name}": value for name, value in values.items() if value is not None}


def test_a_review_is_recorded_and_shown_in_words(cast, client_for, entry):
    client = client_for(cast.village_worker)
    response = client.post(reverse("assistance:hardship_review", args=[entry.pk]), review_form(entry))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.level == "ordinary" and entry.review_due == TODAY + timedelta(days=180)
    review = HardshipReview.objects.get(entry=entry)
    page = client.get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert ids(page, "review") == [review.pk] and "收入有所增加" in page.content.decode()


def test_a_review_closes_the_entry_out_of_hardship(cast, client_for, entry):
    client = client_for(cast.village_worker)
    response = client.post(reverse("assistance:hardship_review", args=[entry.pk]),
                           review_form(entry, closed="on", next_due=""))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.until == TODAY
    page = client.get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert page.context["review_form"] is None and page.context["pairing_form"] is None


@pytest.mark.parametrize("change, field", [
    ({"next_due": ""}, "next_due"),
    ({"next_due": (TODAY - timedelta(days=1)).isoformat()}, "next_due"),
    ({"on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
    ({"note": ""}, "note"),
    ({"level": "none"}, "level"),
])
def test_a_bad_review_changes_nothing(cast, client_for, entry, change, field):
    before = (entry.level, entry.review_due, entry.version)
    response = client_for(cast.village_worker).post(reverse("assistance:hardship_review", args=[entry.pk]),
                                                    review_form(entry, **change))
    assert response.status_code == 400 and field in response.context["review_form"].errors
    entry.refresh_from_db()
    assert (entry.level, entry.review_due, entry.version) == before and not entry.reviews.exists()


def test_a_stale_review_says_someone_else_changed_it(cast, client_for, entry):
    response = client_for(cast.village_worker).post(reverse("assistance:hardship_review", args=[entry.pk]),
                                                    review_form(entry, version=entry.version + 5))
    assert response.status_code == 400
    assert str(StaleVersion.message) in response.context["review_form"].non_field_errors()
    assert not entry.reviews.exists()


# --- pairings and the help given ------------------------------------------------------------------------------

def pairing_form(**fields) -> dict:
    values = {"helper_kind": "army", "helper_name": "某部队", "helper_contact": "025-12345678",
              "plan": "安装光伏板，收益分成", "since": "2024-06-01", **fields}
    return {f"pairing-{name}": value for name, value in values.items()}


def test_a_helper_is_paired(cast, client_for, entry):
    response = client_for(cast.village_worker).post(reverse("assistance:pairing_new", args=[entry.pk]),
                                                    pairing_form())
    assert response.status_code == 302
    pairing = Pairing.objects.get(entry=entry)
    assert (pairing.helper_kind, pairing.helper_name, pairing.region_code) == ("army", "某部队", entry.region_code)


def test_a_veteran_from_the_dossiers_is_paired_by_id(cast, client_for, entry):
    veteran = person_at(cast.village_worker, name="赵优秀", seq=7)
    response = client_for(cast.village_worker).post(reverse("assistance:pairing_new", args=[entry.pk]),
                                                    pairing_form(helper_kind="veteran", helper_name="",
                                                                 helper_person=veteran.pk))
    assert response.status_code == 302
    pairing = Pairing.objects.get(entry=entry)
    assert pairing.helper_person == veteran and pairing.helper_name == "赵优秀"


@pytest.mark.parametrize("change, field", [
    ({"since": (TODAY + timedelta(days=1)).isoformat()}, "since"),
    ({"helper_name": ""}, "helper_name"),
    ({"plan": ""}, "plan"),
    ({"helper_kind": "veteran", "helper_person": ""}, "helper_person"),
    ({"helper_kind": "veteran", "helper_person": "999999"}, "helper_person"),
])
def test_a_bad_pairing_changes_nothing(cast, client_for, entry, change, field):
    response = client_for(cast.village_worker).post(reverse("assistance:pairing_new", args=[entry.pk]),
                                                    pairing_form(**change))
    assert response.status_code == 400 and field in response.context["pairing_form"].errors
    assert not Pairing.objects.exists()


def test_a_veteran_outside_the_scope_cannot_be_the_helper(cast, client_for, entry, sibling_person):
    form = pairing_form(helper_kind="veteran", helper_person=sibling_person.pk)
    response = client_for(cast.village_worker).post(reverse("assistance:pairing_new", args=[entry.pk]), form)
    assert response.status_code == 400 and "helper_person" in response.context["pairing_form"].errors
    assert not Pairing.objects.exists()


def help_form(pairing, **fields) -> dict:
    values = {"kind": "money", "on": TODAY.isoformat(), "description": "春节慰问金", "amount": "500", **fields}
    return {f"help{pairing.pk}-{name}": value for name, value in values.items()}


def test_help_given_is_recorded_and_added_up(cast, client_for, entry, pairing):
    client = client_for(cast.village_worker)
    assert client.post(reverse("assistance:help_new", args=[pairing.pk]), help_form(pairing)).status_code == 302
    assert client.post(reverse("assistance:help_new", args=[pairing.pk]),
                       help_form(pairing, kind="visit", amount="", description="上门走访")).status_code == 302
    assert PairingHelp.objects.filter(pairing=pairing).count() == 2
    page = client.get(reverse("assistance:hardship_detail", args=[entry.pk]))
    assert 'data-help-total="500.00' in page.content.decode()


@pytest.mark.parametrize("change, field", [
    ({"on": "2024-05-31"}, "on"),  # the day before the pairing began
    ({"on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
    ({"description": ""}, "description"),
    ({"amount": "-5"}, "amount"),
    ({"kind": "cheque"}, "kind"),
])
def test_bad_help_changes_nothing(cast, client_for, entry, pairing, change, field):
    response = client_for(cast.village_worker).post(reverse("assistance:help_new", args=[pairing.pk]),
                                                    help_form(pairing, **change))
    assert response.status_code == 400
    shown = next(p for p in response.context["pairings"] if p.pk == pairing.pk)
    assert field in shown.help_form.errors
    assert not PairingHelp.objects.exists()


def test_a_pairing_is_ended(cast, client_for, entry, pairing):
    client, url = client_for(cast.village_worker), reverse("assistance:pairing_end", args=[pairing.pk])
    bad = client.post(url, {f"end{pairing.pk}-until": "2024-05-01", f"end{pairing.pk}-version": pairing.version})
    assert bad.status_code == 400
    pairing.refresh_from_db()
    assert pairing.until is None
    good = client.post(url, {f"end{pairing.pk}-until": TODAY.isoformat(), f"end{pairing.pk}-version": 1})
    assert good.status_code == 302
    pairing.refresh_from_db()
    assert pairing.until == TODAY and pairing.version == 2


# --- the ledger's filters, export and query count ----------------------------------------------------------------

@pytest.fixture
def ledger(cast, entry):
    """Four entries at the village: overdue (open), due later (open), closed with an old review date, and
    a key one."""
    overdue = enter(cast.village_worker, person_at(cast.village_worker, name="钱过期", seq=11), kind="因灾",
                    level="extreme")
    HardshipEntry.objects.filter(pk=overdue.pk).update(review_due=TODAY - timedelta(days=1))
    closed = enter(cast.village_worker, person_at(cast.village_worker, name="孙脱困", seq=12), kind="失业")
    HardshipEntry.objects.filter(pk=closed.pk).update(review_due=TODAY - timedelta(days=30),
                                                      until=TODAY - timedelta(days=2))
    key = enter(cast.village_worker, person_at(cast.village_worker, name="周重点", seq=13), key=True)
    due_today = enter(cast.village_worker, person_at(cast.village_worker, name="吴今天", seq=14))
    HardshipEntry.objects.filter(pk=due_today.pk).update(review_due=TODAY)  # due today: not yet overdue
    return {"entry": entry, "overdue": overdue, "closed": closed, "key": key, "due_today": due_today}


def test_the_overdue_filter_gives_exactly_the_overdue_reviews(cast, client_for, ledger):
    client = client_for(cast.village_worker)
    response = client.get(reverse("assistance:index"), {"overdue": "1"})
    assert ids(response, "entry") == [ledger["overdue"].pk]
    assert response.content.decode().count("data-overdue") == 1
    everything = client.get(reverse("assistance:index"))
    assert everything.content.decode().count("data-overdue") == 1  # red only where overdue


def test_the_ledger_filters(cast, client_for, ledger):
    client, url = client_for(cast.village_worker), reverse("assistance:index")
    assert ids(client.get(url, {"key": "1"}), "entry") == [ledger["key"].pk]
    assert ids(client.get(url, {"state": "closed"}), "entry") == [ledger["closed"].pk]
    assert ledger["closed"].pk not in ids(client.get(url, {"state": "open"}), "entry")
    assert ids(client.get(url, {"level": "extreme"}), "entry") == [ledger["overdue"].pk]
    assert ids(client.get(url, {"kind": HardshipKind.objects.get(name="因灾").pk}), "entry") == [ledger["overdue"].pk]
    assert ids(client.get(url, {"q": "周重"}), "entry") == [ledger["key"].pk]
    assert ids(client.get(url, {"sort": "review"}), "entry")[0] == ledger["closed"].pk
    shown = client.get(url, {"level": "nonsense", "sort": "nonsense"})  # ignored, never a 500
    assert shown.status_code == 200 and len(ids(shown, "entry")) == 5


def test_an_empty_ledger_says_so(cast, client_for):
    response = client_for(cast.village_worker).get(reverse("assistance:index"))
    assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode()


def test_the_list_counts_pairings_without_a_query_per_row(cast, client_for, ledger, django_assert_max_num_queries):
    for entry in HardshipEntry.objects.all():
        pair(cast.village_worker, entry)
        pair(cast.village_worker, entry, helper_name="某社会组织", helper_kind="organisation")
    client = client_for(cast.village_worker)
    client.get(reverse("assistance:index"))  # the session and the user, cached after the first page
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assistance:index"))
    assert set(re.findall(r'data-pairings="(\d+)"', response.content.decode())) == {"2"}


def test_the_export_holds_the_list_rows_without_id_numbers_and_is_audited(cast, client_for, ledger):
    client = client_for(cast.county_director)
    for query in ({}, {"overdue": "1"}, {"state": "open", "sort": "name"}):
        listed = ids(client.get(reverse("assistance:index"), query), "entry")
        response = client.get(reverse("assistance:hardship_export"), query)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        names = [HardshipEntry.objects.select_related("person").get(pk=pk).person.name for pk in listed]
        assert [row[0] for row in rows] == names
        cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        for entry in HardshipEntry.objects.select_related("person"):
            assert entry.person.id_number not in cells
    exports = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=cast.county_director).order_by("pk")
    logged = [e.additional_data for e in exports if (e.additional_data or {}).get("what") == "export"]
    assert len(logged) == 3 and logged[-1]["rows"] == 4 and "state=open" in logged[-1]["filters"]


def test_the_export_keeps_a_typed_number_out_of_the_audit_log(cast, client_for, entry):
    client_for(cast.village_worker).get(reverse("assistance:hardship_export"), {"q": entry.person.id_number})
    exports = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=cast.village_worker)
    assert exports.exists() and all(entry.person.id_number not in str(e.additional_data) for e in exports)


# --- the pairings list ---------------------------------------------------------------------------------------------

def test_the_pairings_list_filters_and_adds_up_the_help(cast, client_for, entry, sibling_entry,
                                                        django_assert_max_num_queries):
    veteran = person_at(cast.village_worker, name="赵优秀", seq=7)
    company = pair(cast.village_worker, entry)
    army = pair(cast.village_worker, entry, helper_kind="army", helper_name="某部队")
    by_veteran = pair(cast.village_worker, entry, helper_kind="veteran", helper_person=veteran, helper_name="")
    elsewhere = pair(cast.village2_worker, sibling_entry)
    for amount in ("300", "200.50", None):
        services.help_record(actor=cast.village_worker, pairing=company, kind="money", on=TODAY,
                             description="慰问", amount=amount)
    services.pairing_end(actor=cast.village_worker, pairing=army, version=1, until=TODAY)
    client, url = client_for(cast.village_worker), reverse("assistance:pairings")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert sorted(ids(response, "pairing")) == sorted([company.pk, army.pk, by_veteran.pk])  # not the sibling's
    html = response.content.decode()
    assert f'data-pairing="{company.pk}"' in html
    row = html[html.index(f'data-pairing="{company.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-help-count="3"' in row and 'data-help-worth="500.50"' in row, row
    assert ids(client.get(url, {"helper_kind": "army"}), "pairing") == [army.pk]
    assert ids(client.get(url, {"state": "ended"}), "pairing") == [army.pk]
    assert army.pk not in ids(client.get(url, {"state": "open"}), "pairing")
    on_the_veteran = client.get(url, {"helper_person": veteran.pk})
    assert ids(on_the_veteran, "pairing") == [by_veteran.pk] and on_the_veteran.context["helper"] == veteran
    assert ids(client.get(url, {"helper_person": "abc"}), "pairing")  # ignored, never a 500
    county = client_for(cast.county_director).get(url)
    assert elsewhere.pk in ids(county, "pairing")
    assert ids(client_for(cast.outsider).get(url), "pairing") == []


def test_an_empty_pairings_list_says_so(cast, client_for):
    response = client_for(cast.village_worker).get(reverse("assistance:pairings"))
    assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode()
