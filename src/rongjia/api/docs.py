"""The API's documentation: the OpenAPI schema and the Swagger UI page, for signed-in callers only
(docs/decisions/0009-api-documentation.md)."""

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger

from .auth import AUTH


class SwaggerFromStatic(Swagger):
    """Swagger UI from this site's static files (`make assets` copies the npm package swagger-ui-dist).

    django-ninja's page loads it from a CDN, which the Content-Security-Policy (scripts from this
    site only) forbids and a network without the internet cannot reach.
    """

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


# No validator badge: Swagger UI would send the schema to validator.swagger.io for it.
DOCS = SwaggerFromStatic(settings={"validatorUrl": None})


def signed_in_only(view):
    """The schema and its page answer whom the operations answer: an API token or a signed-in session."""

    def checked(request, *args, **kwargs):
        try:
            caller = next((user for auth in AUTH if (user := auth(request)) is not None), None)
        except HttpError as refused:  # a revoked or expired token says so, as on any operation
            return JsonResponse({"detail": str(refused)}, status=refused.status_code)
        if caller is not None:
            return view(request, *args, **kwargs)
        if request.resolver_match.url_name == "openapi-view":  # a person at a browser: sign in, then back
            return redirect_to_login(request.get_full_path())
        return JsonResponse({"detail": _("Sign in, or send an API token.")}, status=401)

    return checked
