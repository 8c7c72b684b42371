from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from rongjia.accounts.models import User
from rongjia.accounts.services_tokens import api_token_create


class Command(BaseCommand):
    help = ("Issue an API token for an account and print it (it is shown only this once). An account whose "
            "role needs the second factor gives --otp CODE, or the security administrator managing it issues "
            "the token with --by (recorded in the audit log as theirs).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token will be recognised by")
        parser.add_argument("--purpose", required=True, help="the script or system that will use it")
        parser.add_argument("--otp", default="", metavar="CODE", help="the code the owner's authenticator shows")
        parser.add_argument("--by", metavar="USERNAME", help="the security administrator issuing it")

    def handle(self, username, name, purpose, otp, by, **options):
        user = _active(username)
        # With a code the owner is present and the token is theirs; without one, the operator's.
        actor = _active(by) if by else (user if otp else None)
        try:
            key = api_token_create(actor=actor, user=user, name=name, purpose=purpose, otp=otp)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Http404 as exc:
            raise CommandError(f"{by} 不是管理账号 {username} 的安全管理员") from exc
        self.stdout.write(key)


def _active(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有名为 {username} 的有效账号")
    return user
