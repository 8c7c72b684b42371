from django.db import migrations

# Seed 001: what a visitor must see on the walls of every centre and station ("要能看到以下内容").
# Loaded as the country-wide default (jurisdiction ""); a jurisdiction may define its own list.
DISPLAY_ITEMS = [
    "习近平总书记关于退役军人工作的重要论述、强军思想及图片",
    "组织领导机构和工作人员",
    "工作职责",
    "工作制度",
    "服务规范",
    "十位英模画像",
    "政治理论学习书籍",
    "军旅题材优秀文化作品",
    "工作台帐资料",
    "工作活动剪影",
    "军队标语口号",
    "“四个最美”和老兵风采",
    "本单位特色栏目",
]


def load(apps, schema_editor):
    ChecklistItem = apps.get_model("network", "ChecklistItem")
    for position, name in enumerate(DISPLAY_ITEMS, start=1):
        ChecklistItem.objects.get_or_create(
            kind="display", jurisdiction_code="", position=position, defaults={"name": name, "needs_evidence": True}
        )


def unload(apps, schema_editor):
    apps.get_model("network", "ChecklistItem").objects.filter(kind="display", jurisdiction_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("network", "0002_standards_capability")]
    operations = [migrations.RunPython(load, unload)]
