import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def token_for(db):
    """token_for(user): a fresh API token issued by `manage.py create_api_token`."""

    def make(user):
        out = StringIO()
        call_command("create_api_token", user.username, stdout=out)
        return out.getvalue().strip()

    return make


def api(client, method, url, token=None, **data):
    """Call the API as a script would: bearer token, JSON body."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(url, data, **headers)
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **headers)
