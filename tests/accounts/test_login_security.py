"""等保 login rules: Argon2, complexity, lockout, idle timeout, forced password change."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone

from rongjia.accounts.middleware import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD, UserFactory


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def idle(client, *, minutes):
    """As if the last request of this session was `minutes` ago."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - minutes * 60
    session.save()


def test_passwords_are_stored_with_argon2(cast):
    assert cast.village_worker.password.startswith("argon2$")


def test_sign_in_with_the_right_password(cast):
    client = Client()
    response = login(client, "village_worker", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_five_wrong_passwords_lock_the_account(cast):
    client = Client()
    for _ in range(4):
        response = login(client, "village_worker", "wrong-Password1")
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    locked = login(client, "village_worker", "wrong-Password1")
    assert locked.status_code == 429 and "账号已锁定" in locked.content.decode()
    # Now even the right password is refused, from any browser…
    assert login(Client(), "village_worker", PASSWORD).status_code == 429
    # …while another account is not affected.
    assert login(Client(), "street_worker", PASSWORD).status_code == 302


def test_lock_lifts_after_fifteen_minutes(cast):
    for _ in range(5):
        login(Client(), "village_worker", "wrong-Password1")
    AccessAttempt.objects.filter(username="village_worker").update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )
    assert login(Client(), "village_worker", PASSWORD).status_code == 302


def test_idle_for_31_minutes_signs_out(cast):
    client = Client()
    login(client, "village_worker", PASSWORD)
    assert client.get("/stations/").status_code == 200
    idle(client, minutes=31)
    response = client.get("/stations/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_activity_within_30_minutes_keeps_the_session(cast):
    client = Client()
    login(client, "village_worker", PASSWORD)
    idle(client, minutes=29)
    assert client.get("/stations/").status_code == 200


@override_settings(IDLE_TIMEOUT_MINUTES=5)
def test_idle_timeout_is_configurable(cast):
    client = Client()
    login(client, "village_worker", PASSWORD)
    idle(client, minutes=6)
    assert client.get("/stations/").status_code == 302


def test_first_sign_in_forces_a_password_change(db):
    user = UserFactory(username="newcomer", must_change_password=True, roles=["station_worker"])
    client = Client()
    login(client, "newcomer", PASSWORD)
    response = client.get("/stations/")
    assert response.status_code == 302 and response.url == "/accounts/password/"
    assert client.get("/api/v1/stations/").status_code == 403
    changed = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "Guquan#2027", "new_password2": "Guquan#2027"})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Guquan#2027")
    assert client.get("/stations/").status_code == 200  # still signed in


def test_password_older_than_90_days_must_be_changed(cast):
    cast.village_worker.password_changed_at = timezone.now() - timedelta(days=91)
    cast.village_worker.save()
    client = Client()
    login(client, "village_worker", PASSWORD)
    assert client.get("/").url == "/accounts/password/"


@pytest.mark.parametrize("new_password, message", [
    ("Ab1!", "密码长度至少为 8 个字符"),
    ("abcdefgh12", "须至少包含"),
    ("ALLUPPERCASE", "须至少包含"),
])
def test_weak_password_is_refused_with_a_chinese_message(cast, client_for, new_password, message):
    client = client_for(cast.village_worker)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 200
    assert message in response.content.decode()
    cast.village_worker.refresh_from_db()
    assert cast.village_worker.check_password(PASSWORD)


def test_wrong_current_password_is_refused(cast, client_for):
    response = client_for(cast.village_worker).post("/accounts/password/", {
        "old_password": "nope", "new_password1": "Guquan#2027", "new_password2": "Guquan#2027"})
    assert "当前密码错误" in response.content.decode()


def test_session_cookie_is_httponly_and_samesite(cast):
    client = Client()
    response = login(client, "village_worker", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_none_of_the_last_five_passwords_comes_back(cast):
    from django.core.exceptions import ValidationError

    from rongjia.accounts.models import PasswordHistory
    from rongjia.accounts.services import password_change

    user, current = cast.village_worker, PASSWORD
    passwords = [f"Rotate#{n}Pass2026" for n in range(6)]
    for new in passwords[:5]:
        password_change(user=user, old_password=current, new_password=new)
        current = new
    assert PasswordHistory.objects.filter(user=user).count() == 5  # older ones are dropped
    for used in passwords[:4]:  # the four before the current one: refused
        with pytest.raises(ValidationError, match="last 5|最近 5"):
            password_change(user=user, old_password=current, new_password=used)
    password_change(user=user, old_password=current, new_password=PASSWORD)  # six changes ago: allowed again
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_sign_in_from_a_new_browser_is_told_to_the_owner_next_time(cast):
    from rongjia.accounts.models import SecurityNotice

    def sign_in(agent):
        client = Client(HTTP_USER_AGENT=agent)
        client.post("/accounts/login/", {"username": cast.village_worker.username, "password": PASSWORD})
        return client.get("/people/").content.decode()

    assert "Firefox-Mallory" not in sign_in("Chrome-Owner")  # the first browser: nothing to tell
    assert not SecurityNotice.objects.exists()
    sign_in("Firefox-Mallory")  # someone else, somewhere else
    assert SecurityNotice.objects.filter(user=cast.village_worker, shown_at__isnull=True).count() == 1
    told = sign_in("Chrome-Owner")
    assert "Firefox-Mallory" in told  # the owner reads it at the next sign-in
    assert "Firefox-Mallory" not in sign_in("Chrome-Owner")  # once
