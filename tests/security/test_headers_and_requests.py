"""Headers and requests (等保 8.1.4 / ASVS V14): CSP without inline script, framing refused, a
bogus Host answered 400, oversized requests refused, session cookies bound securely."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from rongjia.core.middleware import CONTENT_SECURITY_POLICY

TEMPLATES = sorted(Path(settings.BASE_DIR, "src", "rongjia").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_every_response_carries_the_policy(cast, client_for):
    for response in (Client().get("/accounts/login/"), client_for(cast.county_director).get("/petitions/"),
                     Client().get("/mailbox/")):
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_has_inline_script(template):
    """The policy would block it in the browser; better to find it here."""
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js"
    assert not INLINE_HANDLER.search(text), "inline on…= handler: use data-confirm / data-autosubmit (js/page.js)"


def test_a_bogus_host_is_answered_400(db):
    assert Client().get("/healthz", HTTP_HOST="evil.example").status_code == 400


def test_an_oversized_request_is_refused(cast, client_for):
    body = {"note": "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)}
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        assert client_for(cast.village_worker).post("/petitions/new", body).status_code == 400


def test_session_cookies_are_bound(cast, client):
    from tests.factories import PASSWORD

    before = client.get("/accounts/login/").cookies.get("csrftoken")
    response = client.post("/accounts/login/", {"username": cast.village_worker.username, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.cookies["csrftoken"].value != (before.value if before else None)  # rotated at sign-in


@override_settings(SECURE_HSTS_SECONDS=31536000, SESSION_COOKIE_SECURE=True)
def test_behind_tls_hsts_is_sent(db):
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
