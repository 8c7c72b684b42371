from django.core.management.base import BaseCommand

from rongjia.core.files import fail_stale_jobs, purge_expired_files
from rongjia.people.importing.recovery import recover_stale_jobs


class Command(BaseCommand):
    help = ("Queue again (once) the import jobs whose worker stopped mid-pass; fail those that stopped twice. "
            "Fail the files whose worker stopped while making them, and delete the made files whose time is up.")

    def handle(self, **options):
        retried, failed = recover_stale_jobs()
        self.stdout.write(f"中途停止的导入任务：重新排队 {retried} 个，标记失败 {failed} 个")
        stopped, purged = fail_stale_jobs(), purge_expired_files()
        self.stdout.write(f"后台生成的文件：中途停止 {stopped} 个，到期删除 {purged} 个")
