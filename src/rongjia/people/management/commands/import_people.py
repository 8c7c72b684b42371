"""manage.py import_people FILE [--dry-run] [--accept-changes] --as USERNAME  |  import_people --template OUT.xlsx

The command takes the columns as proposed (by their headers and the unit's remembered mapping) and
imports the rows that pass; held rows are listed with their reasons and left for the pages.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from rongjia.accounts.models import User
from rongjia.people.importing import import_receive
from rongjia.people.importing.run import check_job, commit_job
from rongjia.people.importing.services_intake import accept_changes, confirm_columns, proposed_mapping
from rongjia.people.importing.template import template_workbook
from rongjia.people.models import ImportJob


class Command(BaseCommand):
    help = "Import a people ledger (xlsx, xls or csv) as a user: check every row, then register those that pass."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the ledger, in the template's columns")
        parser.add_argument("--as", dest="username", help="the account the import is made as (its scope and rights)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--accept-changes", action="store_true", dest="accept",
                            help="accept the normalisations the check lists (was → now) without asking")
        parser.add_argument("--template", metavar="OUT", help="write the empty template to OUT and stop")

    def handle(self, *args, file=None, username=None, dry_run=False, template=None, accept=False,
               **options):
        if template:
            Path(template).write_bytes(template_workbook())
            self.stdout.write(f"模板已写入 {template}")
            return
        if not file or not username:
            raise CommandError("需要台账文件和 --as 用户名（或 --template OUT.xlsx）。")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有名为 {username} 的有效账号。")
        job = self._start(actor, Path(file))
        job = check_job(job)  # synchronously: a command reports when it is done (this pass reads the columns)
        if job.state != ImportJob.State.MAPPING:
            raise CommandError(job.message)
        try:
            confirm_columns(actor=actor, job=job, mapping=proposed_mapping(job), include_hidden=[],
                            all_or_nothing=False, queue=False)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        job = check_job(job)
        self._report(job)
        if job.state != ImportJob.State.VALID:
            if job.state == ImportJob.State.UNCHANGED:
                return
            raise CommandError(f"{job.error_count} 行待处理，没有可导入的行，未写入任何数据。")
        if job.changes and not job.changes_accepted:
            for field, pairs in job.changes.items():
                for was, now, count in pairs:
                    self.stdout.write(f"{field}：{was} → {now}（{count} 行）")
            if not accept:
                raise CommandError("检查对以上数值做了规范化；确认无误请加 --accept-changes 再运行。")
            accept_changes(actor=actor, job=job)
        if dry_run:
            self.stdout.write("试运行：未写入任何数据。")
            return
        job = commit_job(job)
        self._report(job)
        if job.state != ImportJob.State.DONE:
            raise CommandError("导入未完成，未写入任何数据。")
        held = job.rows.filter(kind="held").count()
        if held:
            self.stdout.write(f"{held} 行待处理，未导入：请在网页的“待处理行”中修改后导入。")

    def _start(self, actor, path: Path) -> ImportJob:
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                return import_receive(actor=actor, uploaded_file=upload)
            except PermissionDenied:
                raise CommandError(f"账号 {actor.username} 没有导入台账的权限。") from None
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None

    def _report(self, job: ImportJob) -> None:
        self.stdout.write(job.message)
        for error in job.errors.all().iterator():
            self.stdout.write(f"{error.sheet} 第 {error.row} 行 {error.column}：{error.message}")

