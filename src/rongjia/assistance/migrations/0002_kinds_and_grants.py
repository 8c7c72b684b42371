from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# Stations keep the ledger and review at their level; a county centre's staff keep its funds; its director
# approves; a leader reads.
GRANTS = {
    "station_worker": ["assistance.view", "assistance.handle"],
    "centre_staff": ["assistance.view", "assistance.handle", "assistance.funds"],
    "centre_director": ["assistance.view", "assistance.handle", "assistance.approve", "assistance.funds"],
    "leader": ["assistance.view"],
}

HARDSHIP_KINDS = ["因病", "因残", "因灾", "因学", "失业", "住房", "其他"]

# The kinds every jurisdiction starts with (seed 003 (十一)(十九), seed 004's cases); a jurisdiction adds its own.
AID_KINDS = [
    ("应急救助", "遭遇突发事件、意外事故等导致基本生活陷入困境的退役军人及其家庭", ["申请书", "困难情况证明"], 10000, 5),
    ("临时救助", "因临时性、突发性原因导致生活暂时困难的退役军人及其家庭", ["申请书", "困难情况证明"], 5000, 5),
    ("大病医疗救助", "患重大疾病、医疗费用自付部分负担较重的退役军人", ["申请书", "诊断证明", "医疗费用票据"], 20000, 5),
    ("关爱基金帮扶", "生活困难、符合关爱基金资助条件的退役军人及其家庭", ["申请书", "困难情况证明"], 10000, 7),
]


def add_kinds(apps, schema_editor):
    HardshipKind = apps.get_model("assistance", "HardshipKind")
    AidKind = apps.get_model("assistance", "AidKind")
    for position, name in enumerate(HARDSHIP_KINDS):
        HardshipKind.objects.get_or_create(name=name, defaults={"position": position})
    for position, (name, who, documents, cap, days) in enumerate(AID_KINDS):
        AidKind.objects.get_or_create(jurisdiction_code="", name=name, defaults={
            "who_may_apply": who, "documents": documents, "cap": cap, "levels": [5, 4, 3], "publicity_days": days,
            "position": position})


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS), migrations.RunPython(add_kinds, migrations.RunPython.noop)]
