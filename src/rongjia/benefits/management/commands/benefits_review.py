"""manage.py benefits_review: the nightly review of the benefits ledger.

For each county (or the one region given), the proposals are brought in line with the dossiers
(`proposals.proposals_refresh`: a new category, a grade re-assessed, a death since yesterday) and everyone another
module saw in person is certified alive (`services.certify_from_sightings`: a home visit); then every recipient
whose life certification is overdue beyond the grace is suspended (`services.suspend_overdue`, which covers every
region: suspension has no region of its own to run in).

Idempotent: a second run the same day adds, withdraws and suspends nothing, so cron or a worker may run it daily or
twice. `--today` runs it as of another day (a missed night made up, or a test).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rongjia.benefits import proposals, services
from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY, PREFIX_LENGTH
from rongjia.core.scoping import subtree_q


class Command(BaseCommand):
    help = ("Refresh the benefits proposals of each county from the dossiers and suspend the payments whose life "
            "certification is overdue beyond the grace (safe to run twice).")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="",
                            help="a region code prefix (2, 4, 6, 9 or 12 digits): only its counties, or that street "
                                 "or village (suspension covers every region)")
        parser.add_argument("--today", default="", help="review as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args, region, today, **options):
        day = _day(today)
        prefixes = _prefixes(region)
        added = withdrawn = certified = 0
        for prefix, name in prefixes:
            certified += services.certify_from_sightings(prefix=prefix, today=day)
            counts = proposals.proposals_refresh(prefix=prefix, today=day)
            added, withdrawn = added + counts["added"], withdrawn + counts["withdrawn"]
            if counts["added"] or counts["withdrawn"]:
                self.stdout.write(f"  {name}：新增待确认 {counts['added']} 条，撤回 {counts['withdrawn']} 条")
        suspended = services.suspend_overdue(today=day)
        self.stdout.write(f"待遇复核（{day:%Y-%m-%d}）：{len(prefixes)} 个区域，新增待确认 {added} 条，"
                          f"撤回 {withdrawn} 条；走访见面认证 {certified} 人；生存认证逾期暂停发放 {suspended} 人。")


def _day(text: str) -> date:
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError("--today 须为 YYYY-MM-DD 格式的日期，例如 2026-12-01") from None


def _prefixes(region: str) -> list[tuple[str, str]]:
    """The counties to review, each with its centre's name: all, those under a province or city, the county given;
    a street or village code is reviewed on its own."""
    if region and not (region.isdigit() and len(region) in PREFIX_LENGTH.values()):
        raise CommandError("--region 须为 2、4、6、9 或 12 位区划代码前缀，例如 320115")
    if len(region) > PREFIX_LENGTH[COUNTY]:
        unit = OrgUnit.objects.filter(region_code=region.ljust(12, "0"),
                                      kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION]).first()
        if unit is None:
            raise CommandError(f"没有区划 {region} 的服务中心或站点")
        return [(region, unit.name)]
    centres = OrgUnit.objects.filter(level=COUNTY, kind=OrgUnit.Kind.CENTRE)
    if region:
        centres = centres.filter(subtree_q("region_code", region))
    counties = [(code[:PREFIX_LENGTH[COUNTY]], name) for code, name in centres.order_by("region_code").values_list(
        "region_code", "name")]
    if region and not counties:
        raise CommandError(f"区划 {region} 下没有县级服务中心")
    return counties
