from django.core.management.base import BaseCommand, CommandError

from rongjia.accounts.models import User
from rongjia.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for an account and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效账号")
        self.stdout.write(api_token_create(user=user))
