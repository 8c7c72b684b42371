"""The API's documentation (issue 15, finding 9; decision 0009): the schema and the interactive page
answer a signed-in caller only, and the page loads nothing from another host, so the
Content-Security-Policy (scripts from this site only) holds on it."""

import json
import re

from django.test import Client

from rongjia.core.middleware import CONTENT_SECURITY_POLICY
from tests.security.test_headers_and_requests import INLINE_HANDLER, INLINE_SCRIPT

SCHEMA, DOCS = "/api/v1/openapi.json", "/api/v1/docs"
ASSET = re.compile(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"')


def test_anonymous_callers_get_neither_the_schema_nor_its_page(db):
    anonymous = Client()
    refused = anonymous.get(SCHEMA)
    assert refused.status_code == 401 and "paths" not in refused.content.decode()
    page = anonymous.get(DOCS)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert anonymous.get(SCHEMA, headers={"Authorization": "Bearer rj_nonsense"}).status_code == 401


def test_a_token_or_a_session_reads_the_schema(cast, client_for, token_for):
    """Any signed-in role, the outsider county's included: the schema describes operations, holds no record."""
    by_token = Client().get(SCHEMA, headers={"Authorization": f"Bearer {token_for(cast.village_worker)}"})
    assert by_token.status_code == 200 and "/api/v1/stations/{station_id}" in by_token.json()["paths"]
    for user in (cast.village_worker, cast.outsider, cast.auditor):
        client = client_for(user)
        assert client.get(SCHEMA).status_code == 200 and client.get(DOCS).status_code == 200


def test_the_docs_page_loads_only_this_sites_assets_and_keeps_the_policy(cast, client_for):
    client = client_for(cast.county_director)
    page = client.get(DOCS)
    html = page.content.decode()
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "an address on another host"
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html)
    assets = ASSET.findall(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/")
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()
    assert '"validatorUrl": null' in html  # Swagger UI's default badge would load from validator.swagger.io


def test_the_schema_names_each_response_code_once(cast, token_for):
    """ninja keys an operation's declared responses by number and the shared error responses were added
    by string: the JSON carried "422" twice, which Swagger UI refuses ("duplicated mapping key")."""
    def no_repeats(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {sorted(k for k in keys if keys.count(k) > 1)}"
        return dict(pairs)

    schema = Client().get(SCHEMA, headers={"Authorization": f"Bearer {token_for(cast.village_worker)}"})
    paths = json.loads(schema.content, object_pairs_hook=no_repeats)["paths"]
    detail = paths["/api/v1/petitions/{petition_id}/attachments"]["post"]["responses"]["422"]
    assert "detail" in detail["content"]["application/json"]["schema"]["properties"]
