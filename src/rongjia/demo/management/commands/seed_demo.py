import io

import qrcode
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rongjia.demo.seed import DEMO_PASSWORD, seed_demo
from rongjia.insights.stats import refresh_stats


class Command(BaseCommand):
    help = "Build the demo network for a county (default 江宁区 320115) and its fixed demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="320115", help="a county's 6-digit code")
        parser.add_argument("--people", type=int, default=35_000,
                            help="how many served people to generate (seed 002: 3.5万); 0 for none")

    def handle(self, region, people, **options):
        if not (region.isdigit() and len(region) == 6):
            raise CommandError("--region 必须是 6 位县级区划代码，例如 320115")
        try:
            with transaction.atomic():
                report = seed_demo(county_prefix=region, people=max(people, 0))
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"演示数据：新建服务中心/站 {report.units_created} 个，现有 {report.units_total} 个；"
            f"新建账号 {report.accounts_created} 个"
        )
        net = report.network
        self.stdout.write(
            f"服务网络：新建站点档案 {net.profiles} 份、工作人员 {net.staff} 名（培训记录 {net.trainings} 条）、"
            f"五有和展示清单记录 {net.entries} 条、网格 {net.grids} 个（网格员账号 {net.grid_accounts} 个）、"
            f"佐证照片 {net.evidence_files} 张"
        )
        self.stdout.write(f"一人一档：新建服务对象档案 {report.people} 份")
        self.stdout.write(f"信访：新建演示信访事项 {report.petitions} 件")
        self.stdout.write(f"走访：新建一年的走访记录 {report.visits} 条")
        self.stdout.write(f"任务清单：县级下发任务 {report.tasks} 项（含季度任务、月度菜单、督办、抽查整改）")
        stats = refresh_stats()  # the dashboards read precomputed figures: bring them up to date now
        done = "重算" if stats.full else "刷新"
        self.stdout.write(f"统计：{stats.touched:,} 项日统计已{done}，用时 {stats.seconds:.1f} 秒")
        self.stdout.write("\n演示账号（首次部署的密码；已修改过的以修改后的为准）：")
        for account in report.accounts:
            secret = f"  TOTP 密钥 {account.totp_secret}" if account.totp_secret else ""
            self.stdout.write(f"  {account.username:<12} {DEMO_PASSWORD:<14} {account.role}  {account.unit}{secret}")
        needing = [account for account in report.accounts if account.totp_uri]
        if needing:
            self.stdout.write("\n以上带 TOTP 密钥的账号登录时还需输入身份验证器应用显示的 6 位动态码。"
                              "用应用扫描下面的二维码（或手动输入密钥）：")
        for account in needing:
            self.stdout.write(f"\n{account.username}：")
            code = qrcode.QRCode(border=1)
            code.add_data(account.totp_uri)
            drawn = io.StringIO()  # qrcode writes piece by piece; Django's stdout would end each piece
            code.print_ascii(out=drawn, invert=True)
            self.stdout.write(drawn.getvalue())
