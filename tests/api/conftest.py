import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def token_for(db):
    """token_for(user): a fresh API token issued by `manage.py create_api_token`."""

    def make(user):
        out = StringIO()
        call_command("create_api_token", user.username, "--name", "tests", "--purpose", "the test suite",
                     *second_factor(user), stdout=out)
        return out.getvalue().strip()

    return make


def second_factor(user) -> list[str]:
    """--otp with a code of the account's authenticator, when its role needs one (as its owner would type).

    The authenticator forgets the last code it took: tests issue several tokens within one 30-second
    step, which django-otp would refuse as a replayed code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rongjia.accounts import two_factor

    if not two_factor.second_factor_needed(user):
        return []
    device = two_factor.provisioned_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return ["--otp", f"{code:06d}"]


def api(client, method, url, token=None, **data):
    """Call the API as a script would: bearer token, JSON body."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(url, data, **headers)
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **headers)
