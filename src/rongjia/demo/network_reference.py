"""Reference data the demo county uses: Jiangning's 五有 wording and standards (seed 002),
and Shenzhen's 五有 wording (seed 003) to show that each jurisdiction words its own."""

from datetime import date

from rongjia.network.models import ChecklistItem, Standard

FIVE_HAVES = {
    "320115": ["有机构", "有编制", "有人员", "有经费", "有保障"],  # 江宁区, seed 002
    "4403": ["有人员办事", "有条件办事", "有能力办事", "有具体任务", "有工作台账"],  # 深圳市, seed 003
}
# The levels a jurisdiction's list is for (none: every level): Shenzhen's is for 街道 and 社区 stations.
FIVE_HAVE_LEVELS = {"4403": [4, 5]}

# 《江宁区退役军人服务中心(站)建设实施意见》: (level, m², staff)
JIANGNING_STANDARDS = [(3, 150, 15), (4, 100, None), (5, 50, None)]
JIANGNING_STANDARDS_FROM = date(2019, 7, 1)


def load_network_reference(county_prefix: str = "320115") -> None:
    """Idempotent: the 五有 lists above and, for the demo county, Jiangning's standards."""
    for jurisdiction, names in FIVE_HAVES.items():
        for position, name in enumerate(names, start=1):
            ChecklistItem.objects.get_or_create(
                kind=ChecklistItem.Kind.FIVE_HAVE, jurisdiction_code=jurisdiction, position=position,
                defaults={"name": name, "levels": FIVE_HAVE_LEVELS.get(jurisdiction, [])},
            )
    if county_prefix != "320115":
        names = FIVE_HAVES["320115"]  # another demo county borrows Jiangning's wording
        for position, name in enumerate(names, start=1):
            ChecklistItem.objects.get_or_create(kind=ChecklistItem.Kind.FIVE_HAVE, jurisdiction_code=county_prefix,
                                                position=position, defaults={"name": name})
    for level, area, staff in JIANGNING_STANDARDS:
        Standard.objects.get_or_create(
            jurisdiction_code=county_prefix, level=level, effective_from=JIANGNING_STANDARDS_FROM,
            defaults={"min_area_m2": area, "min_staff": staff, "note": "江宁区退役军人服务中心(站)建设实施意见"},
        )
