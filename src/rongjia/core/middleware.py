"""Response headers every page carries (等保 8.1.4 / OWASP ASVS V14.4), beside Django's own
(X-Frame-Options, nosniff, Referrer-Policy, HSTS behind TLS).

The Content-Security-Policy allows scripts from this site only: no inline script and no eval, so
an injected <script> or on…= attribute does not run (shared behaviour lives in js/page.js).
Inline style stays allowed: htmx and ECharts set style attributes.
"""

from django.conf import settings

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
