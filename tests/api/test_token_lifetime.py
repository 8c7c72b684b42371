"""An API token is not a permanent single-factor credential (等保 8.1.4.1 b, d; audit issue 15, finding 3):
it expires, can be revoked, stops while its owner must change the password, and notes where it was used."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from rongjia.accounts.models import ApiToken
from tests.api.conftest import api

STATIONS = "/api/v1/stations/"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def issued(token: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=ApiToken.hash(token))


def test_a_token_lives_the_configured_number_of_days(cast, token_for):
    token = issued(token_for(cast.village_worker))
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    with override_settings(API_TOKEN_DAYS=7):
        short = issued(token_for(cast.village_worker))
    assert abs(short.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_an_expired_token_is_refused_with_a_clear_reason(cast, token_for, client):
    token = token_for(cast.village_worker)
    assert api(client, "get", STATIONS, token=token).status_code == 200
    ApiToken.objects.filter(key_hash=ApiToken.hash(token)).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(client, "get", STATIONS, token=token)
    assert response.status_code == 401
    assert response.json()["detail"] == zh("This API token has expired. Sign in and make a new one.")


def test_a_revoked_token_is_refused(cast, token_for, client):
    from rongjia.accounts.services_tokens import api_token_revoke

    token = token_for(cast.village_worker)
    api_token_revoke(actor=cast.village_worker, token=issued(token))
    response = api(client, "get", STATIONS, token=token)
    assert response.status_code == 401
    assert response.json()["detail"] == zh("This API token has been revoked. Sign in and make a new one.")


def test_a_token_is_refused_while_its_owner_must_change_the_password(cast, token_for, client):
    token = token_for(cast.village_worker)
    cast.village_worker.must_change_password = True
    cast.village_worker.save(update_fields=["must_change_password"])
    response = api(client, "get", STATIONS, token=token)
    assert response.status_code == 403 and response.json()["detail"] == "请先修改密码。"
    cast.village_worker.must_change_password = False
    cast.village_worker.password_changed_at = timezone.now() - timedelta(days=91)  # too old: the same
    cast.village_worker.save(update_fields=["must_change_password", "password_changed_at"])
    assert api(client, "get", STATIONS, token=token).status_code == 403


def test_each_use_notes_the_time_and_the_client_address(cast, token_for, client):
    token = token_for(cast.village_worker)
    client.get(STATIONS, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.20.30.40")
    used = issued(token)
    assert used.last_used_ip == "10.20.30.40"
    assert timezone.now() - used.last_used_at < timedelta(minutes=1)
