"""The benefits module's starting data: its grants, the national benefit items, national standard tables, the
national payment policy and three bank file layouts. All of it is data a system administrator keeps afterwards.

WHERE THE FIGURES COME FROM (written 2026-12-04). The official tables of the notices of 退役军人事务部、财政部
《关于调整部分优抚对象等人员抚恤和生活补助标准的通知》 for 2024 and 2025 were not at hand, so the national amounts
below are PLACEHOLDERS of the right size and shape, to be replaced from the notices before real payments:
- 残疾抚恤金, from 2024-08-01: a published national grade × cause table (一级因战 ¥116,270, 因公 ¥111,560,
  因病 ¥106,900 a year; 因病 for grades 1–6 only), found as a third-party copy whose year could not be confirmed.
  From 2025-08-01: that table raised 6% (因战), 5% (因公) and 4% (因病), rounded to ¥10, following the pattern of a
  recent notice (因战 +6%, 因公 +5%; the 因病 step is assumed).
- 定期抚恤金: the national "三属" standards of 2019 (烈属 ¥27,980, 因公牺牲 ¥24,040, 病故 ¥22,610, announced by
  Xinhua) carried forward along the same path as the disability table. The national standard is one amount per
  category, the same in town and country since 2018, so the rates carry no residence; a province that pays
  urban and rural amounts enters its own table with residence rates.
- 定期生活补助 and 老年生活补助: assumed 2024 amounts, raised in 2025 by the per-person steps of that recent notice
  (在乡复员军人 +¥1,321 a year, 参战参试 +¥42 a month, 带病回乡 +¥31.5 a month, 农村籍退役士兵 +¥32 a year for
  each year of service). The 农村籍老兵 subsidy really grows with the years served; the table holds three years'.
- 护理费: the shares of the 军人抚恤优待条例 (因战/因公 1–2级 50%, 3–4级 40%, 因病 1–4级 30% of the average wage)
  of the national average wage of urban non-private units (2023: ¥120,698; 2024: ¥124,110). The rules use the
  local wage, so each county enters its own base table, which wins over these.
- 义务兵家庭优待金, 一次性抚恤金, 丧葬补助费: set locally or by formula; the amounts are assumptions (一次性抚恤金 of a
  残疾军人: twice the 2023 urban disposable income per head, ¥51,821, the 病故 standard).
Amounts are per year for recurring items and whole for one-off items (see StandardTable).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# Stations confirm entitlements and keep accounts; a county centre's staff prepare and check the batches and keep
# its standards; its director approves; a leader reads.
GRANTS = {
    "station_worker": ["benefits.view", "benefits.handle"],
    "centre_staff": ["benefits.view", "benefits.handle", "benefits.prepare", "benefits.review", "benefits.standards"],
    "centre_director": ["benefits.view", "benefits.handle", "benefits.prepare", "benefits.review", "benefits.approve",
                        "benefits.standards"],
    "leader": ["benefits.view"],
}

DISABLED = ["残疾军人", "伤残民兵民工"]
SURVIVORS = ["烈士遗属", "因公牺牲遗属", "病故军人遗属"]
LIVING = ["复员军人", "带病回乡退伍军人", "参战参试退役人员"]
OLD_RURAL = ["60周岁以上农村籍退役士兵"]

# code, name, period, trigger, categories, grade_min, grade_max, causes, residence, min_age. Residence and age are
# conditions of the whole item, hence the rural veterans' 老年生活补助 apart from the 定期生活补助.
ITEMS = [
    ("disability-pension", "残疾抚恤金", "monthly", "standing", DISABLED, 1, 10, [], "", None),
    ("survivor-pension", "定期抚恤金", "monthly", "standing", SURVIVORS, None, None, [], "", None),
    ("living-allowance", "定期生活补助", "monthly", "standing", LIVING, None, None, [], "", None),
    ("old-soldier-allowance", "老年生活补助", "monthly", "standing", OLD_RURAL, None, None, [], "rural", 60),
    ("nursing-allowance", "护理费", "monthly", "standing", ["残疾军人"], 1, 4, [], "", None),
    ("family-allowance", "义务兵家庭优待金", "yearly", "standing", ["现役军人家属"], None, None, [], "", None),
    ("death-lump-sum", "一次性抚恤金", "once", "death", DISABLED, None, None, [], "", None),
    ("funeral-allowance", "丧葬补助费", "once", "death", DISABLED + SURVIVORS + LIVING + OLD_RURAL, None, None, [], "",
     None),
]

RAISE_2024, RAISE_2025 = date(2024, 8, 1), date(2025, 8, 1)
UNTIL_2024 = date(2025, 7, 31)
YEAR_2024 = date(2024, 1, 1)  # the yearly and one-off items: one table, open

# grade: (因战, 因公, 因病), a year
DISABILITY_2024 = {
    1: (116270, 111560, 106900), 2: (105220, 98770, 94190), 3: (92320, 85970, 79770), 4: (75670, 67680, 61620),
    5: (59100, 51200, 47110), 6: (46170, 43290, 36230), 7: (34780, 30840, None), 8: (21960, 19910, None),
    9: (18240, 14510, None), 10: (12810, 10850, None),
}
DISABILITY_2025 = {
    1: (123250, 117140, 111180), 2: (111530, 103710, 97960), 3: (97860, 90270, 82960), 4: (80210, 71060, 64080),
    5: (62650, 53760, 48990), 6: (48940, 45450, 37680), 7: (36870, 32380, None), 8: (23280, 20910, None),
    9: (19330, 15240, None), 10: (13580, 11390, None),
}
CAUSES = ("war", "duty", "illness")


def _disability(table: dict) -> list[dict]:
    return [{"category": None, "grade": grade, "cause": cause, "amount": amount}
            for grade, amounts in table.items() for cause, amount in zip(CAUSES, amounts, strict=True)
            if amount is not None]


def _by_category(amounts: dict) -> list[dict]:
    return [{"category": name, "amount": amount} for name, amount in amounts.items()]


def _nursing(high: int, low: int, illness: int) -> list[dict]:
    return ([{"grade": grade, "cause": cause, "amount": high if grade <= 2 else low}
             for grade in range(1, 5) for cause in ("war", "duty")]
            + [{"grade": grade, "cause": "illness", "amount": illness} for grade in range(1, 5)])


# item code: [(title, from, until, rates)]
STANDARDS = {
    "disability-pension": [
        ("残疾抚恤金全国标准（2024年8月1日起）", RAISE_2024, UNTIL_2024, _disability(DISABILITY_2024)),
        ("残疾抚恤金全国标准（2025年8月1日起）", RAISE_2025, None, _disability(DISABILITY_2025)),
    ],
    "survivor-pension": [
        ("定期抚恤金全国标准（2024年8月1日起）", RAISE_2024, UNTIL_2024,
         _by_category({"烈士遗属": 36910, "因公牺牲遗属": 31420, "病故军人遗属": 29280})),
        ("定期抚恤金全国标准（2025年8月1日起）", RAISE_2025, None,
         _by_category({"烈士遗属": 39120, "因公牺牲遗属": 32990, "病故军人遗属": 30450})),
    ],
    "living-allowance": [
        ("定期生活补助全国标准（2024年8月1日起）", RAISE_2024, UNTIL_2024,
         _by_category({"复员军人": 24600, "带病回乡退伍军人": 9000, "参战参试退役人员": 10200})),
        ("定期生活补助全国标准（2025年8月1日起）", RAISE_2025, None,
         _by_category({"复员军人": 25921, "带病回乡退伍军人": 9378, "参战参试退役人员": 10704})),
    ],
    "old-soldier-allowance": [
        ("农村籍退役士兵老年生活补助全国标准（2024年8月1日起）", RAISE_2024, UNTIL_2024,
         _by_category({"60周岁以上农村籍退役士兵": 1620})),
        ("农村籍退役士兵老年生活补助全国标准（2025年8月1日起）", RAISE_2025, None,
         _by_category({"60周岁以上农村籍退役士兵": 1716})),
    ],
    "nursing-allowance": [
        ("护理费全国参考标准（2024年8月1日起）", RAISE_2024, UNTIL_2024, _nursing(60349, 48279, 36209)),
        ("护理费全国参考标准（2025年8月1日起）", RAISE_2025, None, _nursing(62055, 49644, 37233)),
    ],
    "family-allowance": [
        ("义务兵家庭优待金全国参考标准", YEAR_2024, None, _by_category({"现役军人家属": 12000})),
    ],
    "death-lump-sum": [
        ("一次性抚恤金全国参考标准", YEAR_2024, None, _by_category({"残疾军人": 103642, "伤残民兵民工": 51821})),
    ],
    "funeral-allowance": [
        ("丧葬补助费全国参考标准", YEAR_2024, None, [{"amount": 12000}]),
    ],
}

POLICY = {"certification_months": 12, "grace_days": 60, "change_threshold": 20}

RETURN = {"status_title": "处理结果", "reason_title": "失败原因", "success_values": ["成功", "0000"]}

# name: fields. Columns name fields of seq, reference, account, holder, amount, bank, note; a fixed-width layout
# gives each its width, its alignment and the character it is padded with.
BANK_FORMATS = {
    "农业银行代发（CSV）": {
        "bank": "中国农业银行", "kind": "csv", "encoding": "gbk", "delimiter": ",", "header": True, "totals": "last",
        "account_check": "luhn",
        "columns": [{"field": "seq", "title": "序号"}, {"field": "account", "title": "账号"},
                    {"field": "holder", "title": "户名"}, {"field": "amount", "title": "金额"},
                    {"field": "note", "title": "摘要"}],
    },
    "建设银行代发（定长）": {
        "bank": "中国建设银行", "kind": "fixed", "encoding": "gbk", "delimiter": "", "header": False, "totals": "first",
        "account_check": "",
        "columns": [{"field": "seq", "title": "序号", "width": 6, "align": "right", "pad": "0"},
                    {"field": "account", "title": "账号", "width": 25, "align": "left", "pad": " "},
                    {"field": "holder", "title": "户名", "width": 20, "align": "left", "pad": " "},
                    {"field": "amount", "title": "金额", "width": 15, "align": "right", "pad": "0"},
                    {"field": "note", "title": "摘要", "width": 30, "align": "left", "pad": " "}],
    },
    "邮储银行代发（Excel）": {
        "bank": "中国邮政储蓄银行", "kind": "xlsx", "encoding": "utf-8", "delimiter": "", "header": True,
        "totals": "last", "account_check": "",
        "columns": [{"field": "seq", "title": "序号"}, {"field": "account", "title": "账号"},
                    {"field": "holder", "title": "户名"}, {"field": "amount", "title": "金额"},
                    {"field": "bank", "title": "开户行"}, {"field": "note", "title": "备注"}],
    },
}


def load(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    BenefitItem = apps.get_model("benefits", "BenefitItem")
    StandardTable = apps.get_model("benefits", "StandardTable")
    StandardRate = apps.get_model("benefits", "StandardRate")
    Policy = apps.get_model("benefits", "Policy")
    BankFormat = apps.get_model("benefits", "BankFormat")

    categories = {category.name: category for category in Category.objects.all()}
    items = {}
    for position, (code, name, period, trigger, names, grade_min, grade_max, causes, residence, min_age) in \
            enumerate(ITEMS, start=1):
        item, created = BenefitItem.objects.get_or_create(code=code, defaults={
            "name": name, "period": period, "trigger": trigger, "grade_min": grade_min, "grade_max": grade_max,
            "causes": causes, "residence": residence, "min_age": min_age, "position": position})
        if created:  # a category renamed or removed by the administrator is left out, not recreated
            item.categories.set([categories[name] for name in names if name in categories])
        items[code] = item

    for code, tables in STANDARDS.items():
        for title, start, until, rates in tables:
            table, _ = StandardTable.objects.get_or_create(
                item=items[code], jurisdiction_code="", kind="base", effective_from=start,
                defaults={"title": title, "effective_until": until})
            for rate in rates:
                category = categories.get(rate["category"]) if rate.get("category") else None
                if rate.get("category") and category is None:
                    continue
                StandardRate.objects.get_or_create(
                    table=table, category=category, grade=rate.get("grade"), cause=rate.get("cause", ""),
                    residence=rate.get("residence", ""), defaults={"amount": Decimal(rate["amount"])})

    Policy.objects.get_or_create(jurisdiction_code="", defaults=POLICY)
    for name, fields in BANK_FORMATS.items():
        BankFormat.objects.get_or_create(name=name, defaults={**fields, **RETURN})


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0001_initial"),
        ("accounts", "0002_default_roles"),
        ("people", "0002_default_categories"),
    ]
    operations = [grant_capabilities(GRANTS), migrations.RunPython(load, migrations.RunPython.noop)]
