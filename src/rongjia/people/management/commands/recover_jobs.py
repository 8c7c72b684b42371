from django.core.management.base import BaseCommand

from rongjia.people.importing.recovery import recover_stale_jobs


class Command(BaseCommand):
    help = "Queue again (once) the import jobs whose worker stopped mid-pass; fail those that stopped twice."

    def handle(self, **options):
        retried, failed = recover_stale_jobs()
        self.stdout.write(f"中途停止的导入任务：重新排队 {retried} 个，标记失败 {failed} 个")
