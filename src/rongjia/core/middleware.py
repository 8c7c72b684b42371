"""Response headers every page carries (等保 8.1.4 / OWASP ASVS V14.4), beside Django's own
(X-Frame-Options, nosniff, Referrer-Policy, HSTS behind TLS).

The Content-Security-Policy allows scripts from this site only: no inline script and no eval, so
an injected <script> or on…= attribute does not run (shared behaviour lives in js/page.js).
Inline style stays allowed: htmx and ECharts set style attributes.
"""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .client import client_address, from_trusted_proxy

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy",
                                    settings.CONTENT_SECURITY_POLICY or CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def chosen_language(request) -> str:
    """The language the person picked with the footer's switch (set_language's cookie), else Chinese.

    The browser's Accept-Language is not asked: the people who use this are Chinese, and a borrowed office PC or a
    phone set to English must not turn the service English by itself. English stays one click away."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:  # a stale or forged cookie naming a language we do not offer
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """In place of Django's LocaleMiddleware (which follows Accept-Language): activate chosen_language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))  # the page's language comes from a cookie, not a header
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, but the address it gives each entry is client_address's: its own
    believes any X-Forwarded-For (and X-Forwarded-Port) a client sends (issue 15, finding 8)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return _AuditlogMiddleware._get_remote_port(request) if from_trusted_proxy(request) else None
