"""API tokens in the web and the command (等保 8.1.4.1 b, d; 8.1.4.2; audit issue 15, finding 3): every
account lists and revokes its own; the security administrator those of the accounts it manages; an
account that needs a second factor gets one only with a fresh authenticator code."""

import re
import time
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from rongjia.accounts import two_factor
from rongjia.accounts.models import ApiToken
from tests.accounts.test_two_factor import code_for

PAGE, MANAGED, REVOKE = "/accounts/tokens/", "/accounts/tokens/managed", "/accounts/tokens/revoke"


def fresh_code(user) -> str:
    """A code the authenticator has not used yet (django-otp refuses one used before)."""
    device = two_factor.provisioned_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_for(device)


def token_of(user, name="台账同步", purpose="县里的台账每晚同步") -> ApiToken:
    from rongjia.accounts.services_tokens import api_token_create

    key = api_token_create(actor=None if not two_factor.second_factor_needed(user) else user, user=user, name=name,
                           purpose=purpose, otp=fresh_code(user) if two_factor.second_factor_needed(user) else "")
    return ApiToken.objects.get(key_hash=ApiToken.hash(key))


def issue(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


# --- the owner's page ---------------------------------------------------------------------------

def test_an_account_makes_a_token_on_its_page_and_sees_it_only_once(cast, client_for):
    client = client_for(cast.village_worker)
    page = client.get(PAGE).content.decode()
    assert 'name="otp"' not in page  # a station worker's role needs no second factor
    made = client.post(PAGE, {"name": "台账同步", "purpose": "县里的台账每晚同步"})
    assert made.status_code == 200 and made["Cache-Control"].startswith("max-age=0")
    key = re.search(r'data-testid="new-token">(rj_[\w-]+)<', made.content.decode()).group(1)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    assert (token.user, token.name, token.purpose) == (cast.village_worker, "台账同步", "县里的台账每晚同步")
    again = client.get(PAGE).content.decode()
    assert key not in again and "台账同步" in again and token.prefix in again
    entry = LogEntry.objects.get_for_object(token).get()
    assert entry.actor == cast.village_worker and token.key_hash not in str(entry.changes)


def test_a_token_without_a_name_or_purpose_is_refused_and_nothing_is_made(cast, client_for):
    response = client_for(cast.village_worker).post(PAGE, {"name": "  ", "purpose": ""})
    assert response.status_code == 200 and response.content.decode().count("invalid-feedback") == 2
    assert not ApiToken.objects.exists()


def test_a_second_factor_account_gets_a_token_only_with_a_fresh_code(cast, client_for):
    director = cast.county_director
    client = client_for(director)
    assert 'name="otp"' in client.get(PAGE).content.decode()
    for code in ("", "000000", "12345678"):  # none, wrong, and a recovery code's length (not for this)
        response = client.post(PAGE, {"name": "统计导出", "purpose": "每月导出", "otp": code})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not ApiToken.objects.exists()
    time.sleep(1.5)  # after a wrong code django-otp makes the authenticator wait a second
    response = client.post(PAGE, {"name": "统计导出", "purpose": "每月导出", "otp": fresh_code(director)})
    assert 'data-testid="new-token"' in response.content.decode()
    assert ApiToken.objects.get().user == director


def test_the_owner_revokes_a_token_and_it_is_audited(cast, client_for):
    token = token_of(cast.village_worker)
    response = client_for(cast.village_worker).post(REVOKE, {"token": token.pk})
    assert response.status_code == 302 and response["Location"] == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cast.village_worker
    entry = LogEntry.objects.get_for_object(token).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == cast.village_worker
    assert "revoked_at" in entry.changes_dict


def test_the_page_lists_only_ones_own_tokens_with_bounded_queries(cast, client_for, django_assert_max_num_queries):
    for n in range(5):
        token_of(cast.village_worker, name=f"脚本{n}")
    token_of(cast.village2_worker, name="别人的脚本")
    ApiToken.objects.filter(name="脚本0").update(last_used_at=timezone.now(), last_used_ip="10.9.8.7")
    client = client_for(cast.village_worker)
    with django_assert_max_num_queries(16):  # the session, the account and its menu, then a count and a page
        page = client.get(PAGE).content.decode()
    assert all(f"脚本{n}" in page for n in range(5)) and "别人的脚本" not in page and "10.9.8.7" in page


def test_another_accounts_token_cannot_be_revoked(cast, client_for):
    token = token_of(cast.village_worker)
    for someone in (cast.village2_worker, cast.county_director, cast.outsider, cast.auditor):
        assert client_for(someone).post(REVOKE, {"token": token.pk}).status_code == 404
    assert client_for(cast.village_worker).post(REVOKE, {"token": "abc"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the security administrator ----------------------------------------------------------------

def test_the_security_administrator_lists_and_revokes_the_tokens_it_manages(cast, client_for,
                                                                            django_assert_max_num_queries):
    home = [token_of(cast.village_worker, name=f"本县脚本{n}") for n in range(4)]
    outside = token_of(cast.outsider, name="外县脚本")
    client = client_for(cast.security_admin)
    with django_assert_max_num_queries(14):  # as many for 4 tokens as for 50
        page = client.get(MANAGED).content.decode()
    assert all(t.name in page for t in home) and "外县脚本" not in page and "village_worker" in page
    assert client.post(REVOKE, {"token": home[0].pk})["Location"] == MANAGED
    home[0].refresh_from_db()
    assert home[0].revoked_by == cast.security_admin
    assert client.post(REVOKE, {"token": outside.pk}).status_code == 404  # outside the county: not found
    outside.refresh_from_db()
    assert outside.revoked_at is None


def test_only_the_security_administrator_opens_the_managed_list(cast, client_for):
    for someone in (cast.village_worker, cast.county_director, cast.auditor, cast.system_admin):
        assert client_for(someone).get(MANAGED).status_code == 403
    assert client_for(cast.security_admin).get(MANAGED).status_code == 200


def test_the_pages_are_in_the_menu(cast, client_for):
    assert f'href="{PAGE}"' in client_for(cast.village_worker).get("/").content.decode()
    assert f'href="{MANAGED}"' in client_for(cast.security_admin).get(PAGE).content.decode()


# --- the command ------------------------------------------------------------------------------------

def test_the_command_needs_a_code_for_a_second_factor_account(cast):
    named = ("--name", "统计导出", "--purpose", "每月导出")
    with pytest.raises(CommandError):
        issue("county_director", *named)
    with pytest.raises(CommandError):
        issue("county_director", *named, "--otp", "000000")
    assert not ApiToken.objects.exists()
    key = issue("county_director", *named, "--otp", fresh_code(cast.county_director))
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    assert LogEntry.objects.get_for_object(token).get().actor == cast.county_director


def test_the_command_run_by_the_security_administrator_is_audited_as_them(cast):
    named = ("--name", "统计导出", "--purpose", "每月导出")
    key = issue("county_director", *named, "--by", "security_admin")
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    assert LogEntry.objects.get_for_object(token).get().actor == cast.security_admin
    for by in ("village_worker", "nobody"):  # not a security administrator
        with pytest.raises(CommandError):
            issue("county_director", *named, "--by", by)
    with pytest.raises(CommandError):  # an account it does not manage
        issue("outsider", *named, "--by", "security_admin")
    assert ApiToken.objects.count() == 1


def test_the_command_refuses_a_token_without_a_name_or_purpose(cast):
    with pytest.raises(CommandError):
        issue("village_worker", "--name", " ", "--purpose", "每月导出")
    with pytest.raises(CommandError):
        issue("village_worker")
    assert not ApiToken.objects.exists()

