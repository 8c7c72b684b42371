"""manage.py employment_review: the nightly review of the dossiers for job seekers.

For each county (or the counties under the --region prefix given, or the one street or village given), a job-seeker
profile is offered (status offered, for a worker to confirm) to each person on the books with an employment,
business or training need (就业/创业/培训需求) or discharged within the last year, who has no profile yet
(`services_seekers.offer_profiles`), and every profile's copy of its dossier (address, education, on the books) is
brought back in line where a bulk writer skipped the signal that keeps it (`services_seekers.reconcile_with_dossiers`).

Idempotent: a second run the same day offers nothing, and a profile a worker refused (not seeking) is never offered
again, so cron or a worker may run it daily or twice. `--today` runs it as of another day.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rongjia.core.models import OrgUnit
from rongjia.core.regions import COUNTY, PREFIX_LENGTH
from rongjia.core.scoping import subtree_q
from rongjia.employment.services_seekers import offer_profiles, reconcile_with_dossiers


class Command(BaseCommand):
    help = "Offer job-seeker profiles to the people the dossiers call for, county by county (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="",
                            help="a region code prefix (2, 4, 6, 9 or 12 digits): only its counties, or that street "
                                 "or village")
        parser.add_argument("--today", default="", help="review as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args, region, today, **options):
        day = _day(today)
        prefixes = _prefixes(region)
        total = 0
        for prefix, name in prefixes:
            reconcile_with_dossiers(prefix)
            offered = offer_profiles(prefix=prefix, today=day)
            total += offered
            if offered:
                self.stdout.write(f"  {name}：新提请求职登记 {offered} 人")
        self.stdout.write(f"就业需求复核（{day:%Y-%m-%d}）：{len(prefixes)} 个区域，新提请求职登记 {total} 人待确认。")


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
