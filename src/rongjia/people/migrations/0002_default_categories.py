from django.db import migrations

# As first shipped (SPEC C2); later additions are made by the system administrator.
CATEGORIES = [
    "转业干部", "退役士兵", "军休干部", "复员军人", "残疾军人", "伤残民兵民工", "烈士遗属", "因公牺牲遗属",
    "病故军人遗属", "现役军人家属", "带病回乡退伍军人", "参战参试退役人员", "60周岁以上农村籍退役士兵",
]


def load(apps, schema_editor):
    Category = apps.get_model("people", "Category")
    for position, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
