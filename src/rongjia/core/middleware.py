"""Response headers every page carries (等保 8.1.4 / OWASP ASVS V14.4), beside Django's own
(X-Frame-Options, nosniff, Referrer-Policy, HSTS behind TLS).

The Content-Security-Policy allows scripts from this site only: no inline script and no eval, so
an injected <script> or on…= attribute does not run (shared behaviour lives in js/page.js).
Inline style stays allowed: htmx and ECharts set style attributes.
"""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings

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


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, but the address it gives each entry is client_address's: its own
    believes any X-Forwarded-For (and X-Forwarded-Port) a client sends (issue 15, finding 8)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return _AuditlogMiddleware._get_remote_port(request) if from_trusted_proxy(request) else None
