"""The items and standards pages: items with who qualifies and the tables bearing on the viewer, a new table from
the grid or from pasted lines (refused whole on overlapping dates or a bad line), a table's amounts a year and a
month, and the jurisdiction's payment policy. benefits.view reads, benefits.standards writes its own jurisdiction's,
the system administrator keeps the national tables; the leader reads and is refused every write."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rongjia.benefits.models import Policy, StandardRate, StandardTable
from rongjia.people.models import Category

from .conftest import table

pytestmark = pytest.mark.django_db

COUNTY = "320115"


def url(name, pk=None):
    return reverse(f"benefits:{name}", args=[pk] if pk is not None else [])


def county_table(cast, item, start=date(2025, 1, 1), until=date(2025, 12, 31)) -> StandardTable:
    table(cast, item, start, [{"amount": "1200"}], until=until, kind="supplement", code=COUNTY)
    return StandardTable.objects.get(jurisdiction_code=COUNTY, effective_from=start)


def grid(**rows) -> dict:
    """The formset's POST data: rows given as rate_<n>=dict(grade=…, cause=…, amount=…)."""
    data = {"rate-TOTAL_FORMS": "8", "rate-INITIAL_FORMS": "0", "rate-MIN_NUM_FORMS": "0",
            "rate-MAX_NUM_FORMS": "300"}
    for key, values in rows.items():
        number = key.split("_")[1]
        data.update({f"rate-{number}-{field}": value for field, value in values.items()})
    return data


def table_post(item, **extra) -> dict:
    return {"item": item.pk, "kind": "supplement", "title": "江宁区抚恤补贴 2026", "document": "宁退役〔2026〕1号",
            "effective_from": "2026-01-01", "effective_until": "", "paste": "", **extra}


# --- the page --------------------------------------------------------------------------------------------------

def test_the_page_lists_items_with_the_tables_bearing_on_the_viewer(cast, client_for, standards,
                                                                    django_assert_max_num_queries):
    ours = county_table(cast, standards)
    client = client_for(cast.county_director)
    with django_assert_max_num_queries(16):
        response = client.get(url("standards"))
    assert response.status_code == 200
    [row] = [row for row in response.context["items"] if row["item"] == standards]
    assert "残疾军人" in row["who"]
    assert {t.jurisdiction_code: t.rate_count for t in row["tables"]} == {"": 2, COUNTY: 1}
    assert {t.jurisdiction_code: t.jurisdiction_name for t in row["tables"]}[COUNTY] == "江宁区"
    assert b'data-testid="table-new"' in response.content and b'data-testid="policy-edit"' in response.content

    leader = client_for(cast.leader).get(url("standards"))
    assert leader.status_code == 200 and b'data-testid="table-new"' not in leader.content
    assert b'data-testid="policy-edit"' not in leader.content
    outsider = client_for(cast.outsider).get(url("standards"))
    [row] = [row for row in outsider.context["items"] if row["item"] == standards]
    assert [t.jurisdiction_code for t in row["tables"]] == [""]  # the nation's, never another county's
    assert client_for(cast.outsider).get(url("standard_table_detail", ours.pk)).status_code == 404
    assert client_for(cast.grid_worker).get(url("standards")).status_code == 403


def test_a_table_shows_its_amounts_a_year_and_a_month_rounded_half_up(cast, client_for, item):
    table(cast, item, date(2024, 1, 1), [{"grade": 1, "cause": "war", "amount": "100.14"},
                                         {"grade": 2, "cause": "war", "amount": "36000"}])
    national = StandardTable.objects.get(jurisdiction_code="", item=item)
    response = client_for(cast.outsider).get(url("standard_table_detail", national.pk))  # national: everyone's
    assert response.status_code == 200
    assert [(r.amount, r.monthly) for r in response.context["rates"]] == [
        (Decimal("100.14"), Decimal("8.35")), (Decimal("36000.00"), Decimal("3000.00"))]
    assert b'data-monthly="8.35"' in response.content


# --- a new table -----------------------------------------------------------------------------------------------

def test_a_county_enters_its_table_from_the_grid_and_pasted_lines(cast, client_for, standards):
    disabled = Category.objects.get(name="残疾军人")
    page = client_for(cast.county_director).get(url("standard_table_new"))
    assert page.status_code == 200 and len(page.context["rates"].forms) == 8
    assert page.context["jurisdiction_name"] == "江宁区" and b'for="id_rate-7-amount"' in page.content
    data = {**table_post(standards, paste="4,因战,6000\n6，war，3600，农村\n\n,,1200,城镇,残疾军人"),
            **grid(rate_0={"category": disabled.pk, "grade": "1", "cause": "war", "amount": "12000"},
                   rate_3={"grade": "", "cause": "", "residence": "", "amount": ""})}
    response = client_for(cast.county_director).post(url("standard_table_new"), data)
    created = StandardTable.objects.get(jurisdiction_code=COUNTY)
    assert response.status_code == 302 and response["Location"] == url("standard_table_detail", created.pk)
    assert (created.kind, created.document, created.effective_until) == ("supplement", "宁退役〔2026〕1号", None)
    rates = set(created.rates.values_list("category__name", "grade", "cause", "residence", "amount"))
    assert rates == {("残疾军人", 1, "war", "", Decimal("12000")), (None, 4, "war", "", Decimal("6000")),
                     (None, 6, "war", "rural", Decimal("3600")), ("残疾军人", None, "", "urban", Decimal("1200"))}


def test_overlapping_dates_are_refused_and_nothing_is_saved(cast, client_for, standards):
    county_table(cast, standards)  # 2025-01-01 to 2025-12-31
    before = (StandardTable.objects.count(), StandardRate.objects.count())
    data = {**table_post(standards, effective_from="2025-06-01", effective_until="2025-08-31"),
            **grid(rate_0={"amount": "1500"})}
    response = client_for(cast.county_director).post(url("standard_table_new"), data)
    assert response.status_code == 200 and response.context["form"].errors["effective_from"]
    assert (StandardTable.objects.count(), StandardRate.objects.count()) == before


@pytest.mark.parametrize("paste, grid_rows", [
    ("4,因战,6000\n11,因战,100", {}),  # no grade 11
    ("4,因战,six thousand", {}),
    ("", {"rate_0": {"grade": "4", "cause": "war", "amount": ""}}),  # conditions without an amount
    ("", {}),  # no amount at all
    ("4,war,6000\n4,因战,7000", {}),  # the same conditions twice
])
def test_bad_lines_are_refused_and_nothing_is_saved(cast, client_for, standards, paste, grid_rows):
    before = (StandardTable.objects.count(), StandardRate.objects.count())
    response = client_for(cast.county_director).post(url("standard_table_new"),
                                                     {**table_post(standards, paste=paste), **grid(**grid_rows)})
    assert response.status_code == 200
    assert response.context["form"].errors or any(response.context["rates"].errors)
    assert (StandardTable.objects.count(), StandardRate.objects.count()) == before


def test_the_system_administrator_keeps_the_national_tables(cast, client_for, standards):
    client = client_for(cast.system_admin)
    [row] = [row for row in client.get(url("standards")).context["items"] if row["item"] == standards]
    assert [t.jurisdiction_code for t in row["tables"]] == [""]
    data = {**table_post(standards, kind="base", effective_from="2026-10-01"), **grid(rate_0={"amount": "40000"})}
    assert client.post(url("standard_table_new"), data).status_code == 302
    national = StandardTable.objects.filter(jurisdiction_code="", item=standards).order_by("effective_from")
    assert list(national.values_list("effective_from", "effective_until")) == [
        (date(2024, 1, 1), date(2026, 9, 30)), (date(2026, 10, 1), None)]


def test_who_may_not_enter_tables_is_refused(cast, client_for, standards):
    data = {**table_post(standards), **grid(rate_0={"amount": "1500"})}
    for viewer in (cast.leader, cast.village_worker):
        client = client_for(viewer)
        assert client.get(url("standard_table_new")).status_code == 403
        assert client.post(url("standard_table_new"), data).status_code == 403
    assert not StandardTable.objects.filter(jurisdiction_code=COUNTY).exists()


# --- the policy ------------------------------------------------------------------------------------------------

def test_a_county_sets_its_payment_policy(cast, client_for):
    client = client_for(cast.county_director)
    form = client.get(url("policy"))
    assert form.status_code == 200 and form.context["form"]["certification_months"].value() == 12
    response = client.post(url("policy"), {"certification_months": "6", "grace_days": "30",
                                           "change_threshold": "15", "version": ""})
    assert response.status_code == 302
    policy = Policy.objects.get(jurisdiction_code=COUNTY)
    assert (policy.certification_months, policy.grace_days, policy.change_threshold) == (6, 30, 15)
    page = client.get(url("standards"))
    assert page.context["policy"] == policy and page.context["policy_from"] == "江宁区"

    stale = client.post(url("policy"), {"certification_months": "3", "grace_days": "30", "change_threshold": "15",
                                        "version": str(policy.version + 5)})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    bad = client.post(url("policy"), {"certification_months": "99", "grace_days": "30", "change_threshold": "15",
                                      "version": str(policy.version)})
    assert bad.status_code == 200 and bad.context["form"].errors["certification_months"]
    assert Policy.objects.get(pk=policy.pk).certification_months == 6

    leader = client_for(cast.leader)
    assert leader.get(url("policy")).status_code == 403
    assert leader.post(url("policy"), {"certification_months": "3", "grace_days": "1", "change_threshold": "1"}) \
        .status_code == 403
    assert Policy.objects.get(pk=policy.pk).certification_months == 6
