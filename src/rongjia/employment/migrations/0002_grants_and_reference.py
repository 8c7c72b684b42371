from django.db import migrations

from rongjia.accounts.grants import grant_capabilities

# Stations keep their seekers, refer them and record what follows; centres register employers, hold fairs and open
# courses for their subtree; a leader reads.
GRANTS = {
    "station_worker": ["employment.view", "employment.handle"],
    "centre_staff": ["employment.view", "employment.handle", "employment.manage"],
    "centre_director": ["employment.view", "employment.handle", "employment.manage"],
    "leader": ["employment.view"],
}

# 国民经济行业分类 (GB/T 4754) at the level a station speaks of, plus the trades veterans are most asked for.
SECTORS = ["制造业", "建筑业", "交通运输、仓储和邮政业", "批发和零售业", "住宿和餐饮业", "信息传输、软件和信息技术服务业",
           "金融业", "房地产业", "租赁和商务服务业（含保安服务）", "居民服务、修理和其他服务业", "教育",
           "卫生和社会工作", "水利、环境和公共设施管理业", "电力、热力、燃气及水生产和供应业", "农、林、牧、渔业",
           "公共管理和社会组织", "文化、体育和娱乐业"]

SKILLS = ["汽车驾驶", "汽车维修", "电工", "焊工", "安保", "消防", "厨师", "物流仓储", "叉车操作", "计算机操作",
          "网络运维", "通信设备维护", "护理", "急救", "机械操作", "建筑施工", "工程测量", "财务会计", "文秘行政",
          "市场营销", "体能训练教练", "无人机操作", "电子设备维修", "农业技术"]

# 军事专业 → the civilian skills it carries over to (an administrator may extend both lists).
SPECIALITIES = {
    "汽车驾驶员": ["汽车驾驶"],
    "汽车修理工": ["汽车维修", "机械操作"],
    "炊事员": ["厨师"],
    "警卫员": ["安保"],
    "消防员": ["消防", "急救"],
    "卫生员": ["护理", "急救"],
    "通信兵": ["通信设备维护", "网络运维"],
    "雷达操作员": ["电子设备维修"],
    "工程兵": ["建筑施工", "机械操作", "工程测量"],
    "军械员": ["机械操作", "焊工"],
    "装备保障员": ["物流仓储", "叉车操作"],
    "文书": ["文秘行政", "计算机操作"],
    "无人机操控员": ["无人机操作", "电子设备维修"],
    "军事体育教练员": ["体能训练教练"],
    "电工（营房）": ["电工"],
}


def add_reference(apps, schema_editor):
    Sector = apps.get_model("employment", "Sector")
    Skill = apps.get_model("employment", "Skill")
    Speciality = apps.get_model("employment", "MilitarySpeciality")
    for position, name in enumerate(SECTORS):
        Sector.objects.get_or_create(name=name, defaults={"position": position})
    skills = {}
    for position, name in enumerate(SKILLS):
        skills[name], _created = Skill.objects.get_or_create(name=name, defaults={"position": position})
    for position, (name, carried) in enumerate(SPECIALITIES.items()):
        speciality, _created = Speciality.objects.get_or_create(name=name, defaults={"position": position})
        speciality.skills.add(*(skills[skill] for skill in carried))


class Migration(migrations.Migration):
    dependencies = [("employment", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [grant_capabilities(GRANTS), migrations.RunPython(add_reference, migrations.RunPython.noop)]
