"""The second factor (等保 8.1.4.1): a TOTP code after the password for the administrators and centre
directors, set up at first sign-in, replay refused, single-use recovery codes; optional for others."""

import re
import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rongjia.accounts import two_factor
from tests.factories import PASSWORD


def sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def test_a_director_sets_up_the_authenticator_at_first_sign_in(cast):
    client = sign_in(cast.county_director)
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup")
    assert client.get("/api/v1/petitions/").status_code == 403  # the session API as well
    page = client.get(response["Location"]).content.decode()
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=cast.county_director, confirmed=False)
    assert two_factor.secret_of(device) == secret and "<svg" in page
    wrong = client.post("/accounts/otp/setup", {"token": "000000"})
    assert "invalid-feedback" in wrong.content.decode() and not TOTPDevice.objects.filter(confirmed=True).exists()
    client.post("/accounts/otp/setup", {"token": code_for(device)})  # right, but at once after a wrong one
    assert not TOTPDevice.objects.filter(confirmed=True).exists()  # throttled: 1 s after one wrong code
    time.sleep(1.5)
    used = code_for(device)
    done = client.post("/accounts/otp/setup", {"token": used, "next": "/people/"}).content.decode()
    codes = re.findall(r"<li class=\"col\">(\d{8})</li>", done)
    assert len(codes) == two_factor.RECOVERY_CODES
    assert client.get("/people/").status_code == 200

    again = sign_in(cast.county_director)  # next time: the code page, not the set-up
    assert again.get("/people/")["Location"].startswith("/accounts/otp/?next=")
    device.refresh_from_db()
    # The same code again: a replay, refused even when the 30-s window has moved on since (a fresh code would pass).
    assert again.post("/accounts/otp/", {"token": used}).status_code == 200
    assert again.get("/people/").status_code == 302
    assert again.post("/accounts/otp/", {"token": codes[0], "next": "/people/"}).status_code == 302  # a recovery code
    assert again.get("/people/").status_code == 200
    third = sign_in(cast.county_director)
    assert third.post("/accounts/otp/", {"token": codes[0]}).status_code == 200  # used up
    assert third.get("/people/").status_code == 302


def test_a_station_worker_needs_no_second_factor_but_may_add_one(cast):
    client = sign_in(cast.village_worker)
    assert client.get("/people/").status_code == 200
    client.get("/accounts/otp/setup")
    device = TOTPDevice.objects.get(user=cast.village_worker)
    client.post("/accounts/otp/setup", {"token": code_for(device)})
    later = sign_in(cast.village_worker)
    assert later.get("/people/").status_code == 302  # chosen once, asked from then on
    device.refresh_from_db()
    assert later.post("/accounts/otp/", {"token": code_for(device, drift=1)}).status_code == 302
    assert later.get("/people/").status_code == 200


def test_an_unverified_session_cannot_replace_the_authenticator(cast):
    two_factor.provisioned_device(cast.county_director)
    client = sign_in(cast.county_director)
    assert client.get("/accounts/otp/setup")["Location"].startswith("/accounts/otp/")
    assert TOTPDevice.objects.filter(user=cast.county_director).count() == 1


def test_the_page_asked_for_is_kept_whole_through_the_code_page(cast):
    device = two_factor.provisioned_device(cast.county_director)
    client = sign_in(cast.county_director)
    asked = client.get("/people/?q=320115&page=2")["Location"]
    assert asked == "/accounts/otp/?next=%2Fpeople%2F%3Fq%3D320115%26page%3D2"  # the & survives
    response = client.post("/accounts/otp/", {"token": code_for(device), "next": "/people/?q=320115&page=2"})
    assert response["Location"] == "/people/?q=320115&page=2"


def test_the_next_parameter_never_leaves_the_site(cast):
    device = two_factor.provisioned_device(cast.county_director)
    client = sign_in(cast.county_director)
    response = client.post("/accounts/otp/", {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"
