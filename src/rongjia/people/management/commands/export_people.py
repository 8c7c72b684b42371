"""manage.py export_people OUT.xlsx --as USERNAME [--full]: the people in the user's scope, as a ledger."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rongjia.accounts.models import User
from rongjia.core.audit import log_export
from rongjia.people.importing.export import ledger_rows
from rongjia.people.importing.template import template_workbook
from rongjia.people.models import Person


class Command(BaseCommand):
    help = "Export the people a user can see, in the import template's columns (masked unless --full)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the xlsx file to write")
        parser.add_argument("--as", dest="username", required=True, help="the account whose scope is exported")
        parser.add_argument("--full", action="store_true",
                            help="full ID numbers and phones (needs people.export_full; recorded in the audit log)")

    def handle(self, *args, out, username, full=False, **options):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None or not actor.can("people.view"):
            raise CommandError(f"账号 {username} 不存在或无权查阅档案。")
        if full and not actor.can("people.export_full"):
            raise CommandError(f"账号 {username} 没有导出完整信息的权限。")
        people = Person.objects.visible_to(actor).order_by("station__region_code", "name_initials", "id")
        log_export(actor=actor, source="manage.py export_people", rows=people.count(), full=full)  # masked too
        Path(out).write_bytes(template_workbook(ledger_rows(people, full=full)))
        self.stdout.write(f"已导出 {people.count()} 人到 {out}")
