"""The benefits module's starting data (migration 0002): items, dated national standards, policy, bank layouts and
grants, read back through the rules the batches use. The test database is built from the migrations."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from rongjia.accounts.models import Role
from rongjia.benefits.models import BankFormat, BenefitItem, Policy, StandardRate, StandardTable
from rongjia.benefits.rules import Basis, Standards
from rongjia.people.models import Category

pytestmark = pytest.mark.django_db

COUNTY, VILLAGE = "320115", "320115003004"
seed = importlib.import_module("rongjia.benefits.migrations.0002_grants_items_standards")


def item(code: str) -> BenefitItem:
    return BenefitItem.objects.get(code=code)


def category(name: str) -> Category:
    return Category.objects.get(name=name)


def national(code: str, day: date, **basis) -> Decimal | None:
    return Standards.bearing_on(COUNTY).amount(item(code).pk, VILLAGE, day, Basis(**basis))


def test_items_are_there_with_their_periods_and_triggers():
    expected = {"disability-pension": ("monthly", "standing"), "survivor-pension": ("monthly", "standing"),
                "living-allowance": ("monthly", "standing"), "old-soldier-allowance": ("monthly", "standing"),
                "nursing-allowance": ("monthly", "standing"), "family-allowance": ("yearly", "standing"),
                "death-lump-sum": ("once", "death"), "funeral-allowance": ("once", "death")}
    for code, (period, trigger) in expected.items():
        assert (item(code).period, item(code).trigger) == (period, trigger), code


def test_items_name_their_categories_and_conditions():
    names = lambda code: set(item(code).categories.values_list("name", flat=True))  # noqa: E731
    assert names("disability-pension") == {"残疾军人", "伤残民兵民工"}
    assert (item("disability-pension").grade_min, item("disability-pension").grade_max) == (1, 10)
    assert names("survivor-pension") == {"烈士遗属", "因公牺牲遗属", "病故军人遗属"}
    assert names("nursing-allowance") == {"残疾军人"}
    assert (item("nursing-allowance").grade_min, item("nursing-allowance").grade_max) == (1, 4)
    old = item("old-soldier-allowance")
    assert (old.min_age, old.residence) == (60, "rural")
    assert names("old-soldier-allowance") == {"60周岁以上农村籍退役士兵"}
    assert names("family-allowance") == {"现役军人家属"}
    monthly = set().union(*(names(code) for code in BenefitItem.objects.filter(period="monthly")
                            .values_list("code", flat=True)))
    assert monthly <= names("funeral-allowance")


def test_disability_rate_follows_the_table_in_force_for_the_month():
    basis = {"category_id": category("残疾军人").pk, "grade": 1, "cause": "war"}
    assert national("disability-pension", date(2025, 9, 1), **basis) == Decimal("123250")
    assert national("disability-pension", date(2025, 7, 1), **basis) == Decimal("116270")
    assert national("disability-pension", date(2024, 7, 1), **basis) is None  # before the first table


def test_disability_rates_cover_every_grade_and_cause_the_rules_allow():
    for table in StandardTable.objects.filter(item__code="disability-pension", jurisdiction_code=""):
        keys = set(table.rates.values_list("grade", "cause"))
        assert keys == {(grade, cause) for grade in range(1, 11) for cause in ("war", "duty")} | {
            (grade, "illness") for grade in range(1, 7)}
    later = lambda grade, cause: national("disability-pension", date(2025, 9, 1), grade=grade, cause=cause)  # noqa
    assert later(1, "war") > later(1, "duty") > later(1, "illness")
    assert all(later(grade, "war") > later(grade + 1, "war") for grade in range(1, 10))
    assert later(7, "illness") is None


def test_each_recurring_item_has_a_2024_table_that_ends_where_the_2025_one_begins():
    for code in BenefitItem.objects.filter(period="monthly").values_list("code", flat=True):
        tables = list(StandardTable.objects.filter(item__code=code, jurisdiction_code="", kind="base")
                      .order_by("effective_from").values_list("effective_from", "effective_until"))
        assert tables == [(date(2024, 8, 1), date(2025, 7, 31)), (date(2025, 8, 1), None)], code


def test_other_rates_are_found_for_the_facts_they_name():
    survivor = national("survivor-pension", date(2025, 9, 1), category_id=category("烈士遗属").pk, residence="rural")
    assert survivor == Decimal("39120")
    assert national("nursing-allowance", date(2025, 9, 1), grade=2, cause="war") == Decimal("62055")
    assert national("nursing-allowance", date(2025, 9, 1), grade=2, cause="illness") == Decimal("37233")
    assert national("funeral-allowance", date(2025, 3, 1), category_id=category("复员军人").pk) == Decimal("12000")
    assert national("death-lump-sum", date(2025, 3, 1), category_id=category("残疾军人").pk, grade=5,
                    cause="duty") == Decimal("103642")


def test_policy_bank_formats_and_grants():
    policy = Policy.objects.get(jurisdiction_code="")
    assert (policy.certification_months, policy.grace_days, policy.change_threshold) == (12, 60, 20)
    formats = {f.name: f for f in BankFormat.objects.all()}
    kinds = {formats[name].kind for name in ("农业银行代发（CSV）", "建设银行代发（定长）", "邮储银行代发（Excel）")}
    assert kinds == {"csv", "fixed", "xlsx"}
    allowed = {"seq", "reference", "account", "holder", "amount", "bank", "note"}
    for layout in formats.values():
        assert {column["field"] for column in layout.columns} <= allowed
        assert layout.success_values == ["成功", "0000"]
    fixed = formats["建设银行代发（定长）"]
    assert all(column["width"] > 0 and column["align"] in ("left", "right") for column in fixed.columns)
    assert fixed.totals == "first" and formats["农业银行代发（CSV）"].account_check == "luhn"
    capabilities = dict(Role.objects.values_list("code", "capabilities"))
    assert "benefits.approve" in capabilities["centre_director"]
    assert "benefits.approve" not in capabilities["centre_staff"]
    assert "benefits.standards" in capabilities["centre_staff"]
    assert {"benefits.view", "benefits.handle"} <= set(capabilities["station_worker"])
    assert [c for c in capabilities["leader"] if c.startswith("benefits.")] == ["benefits.view"]


def test_running_the_seed_again_adds_nothing():
    counts = [model.objects.count() for model in (BenefitItem, StandardTable, StandardRate, Policy, BankFormat)]
    seed.load(apps, None)
    assert [model.objects.count() for model in (BenefitItem, StandardTable, StandardRate, Policy,
                                                BankFormat)] == counts
