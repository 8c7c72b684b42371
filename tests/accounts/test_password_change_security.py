"""Changing the password (等保 8.1.4.1 a, b, d): not with the first factor alone, and a wrong current
password counts towards the lockout like a wrong sign-in (audit issue 15, finding 2)."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from rongjia.accounts import two_factor
from tests.accounts.test_two_factor import code_for, sign_in
from tests.factories import PASSWORD, UserFactory

NEW = "Guquan#2027"


def change(client, old=PASSWORD, new=NEW):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_a_password_alone_cannot_change_the_password_of_a_second_factor_account(cast):
    director = cast.county_director
    device = two_factor.provisioned_device(director)
    client = sign_in(director)  # the password only: a stolen one, say
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/otp/?next=")
    assert change(client)["Location"].startswith("/accounts/otp/")
    director.refresh_from_db()
    assert director.check_password(PASSWORD)  # unchanged
    client.post("/accounts/otp/", {"token": code_for(device)})
    assert client.get("/accounts/password/").status_code == 200  # with the code: the page opens
    assert change(client).status_code == 302
    director.refresh_from_db()
    assert director.check_password(NEW)


def test_a_forced_change_comes_before_setting_up_the_authenticator_at_first_sign_in(db):
    newcomer = UserFactory(username="new_director", must_change_password=True, roles=["centre_director"])
    client = sign_in(newcomer)
    assert client.get("/accounts/password/").status_code == 200  # no authenticator yet: the temporary password first
    assert change(client).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW) and not newcomer.must_change_password
    assert client.get("/people/")["Location"].startswith("/accounts/otp/setup")  # then the second factor


def test_an_expired_password_of_an_account_with_an_authenticator_asks_the_code_first(cast):
    director = cast.county_director
    device = two_factor.provisioned_device(director)
    director.password_changed_at = timezone.now() - timedelta(days=91)
    director.save(update_fields=["password_changed_at"])
    client = sign_in(director)
    assert change(client)["Location"].startswith("/accounts/otp/")  # the code can be given: it is asked
    director.refresh_from_db()
    assert director.check_password(PASSWORD)
    client.post("/accounts/otp/", {"token": code_for(device)})
    assert client.get("/people/")["Location"] == "/accounts/password/"  # then the forced change
    assert change(client).status_code == 302


def test_five_wrong_current_passwords_lock_the_account_like_five_wrong_sign_ins(cast, client_for):
    client = client_for(cast.village_worker)
    for _n in range(4):
        response = change(client, old="wrong-Password1")
        assert response.status_code == 200 and "当前密码错误" in response.content.decode()
    locked = change(client, old="wrong-Password1")
    assert locked.status_code == 429 and "账号已锁定" in locked.content.decode()
    assert AccessAttempt.objects.get(username="village_worker").failures_since_start == 5
    assert change(client).status_code == 429  # the right one too, now: guessing stops here
    cast.village_worker.refresh_from_db()
    assert cast.village_worker.check_password(PASSWORD)
    assert Client().post("/accounts/login/", {"username": "village_worker", "password": PASSWORD}).status_code == 429


def test_the_lockout_record_keeps_no_password_in_clear(cast, client_for):
    change(client_for(cast.village_worker), old="wrong-Password1")
    attempt = AccessAttempt.objects.get(username="village_worker")
    assert "wrong-Password1" not in attempt.post_data and NEW not in attempt.post_data
