"""REST API v1: /api/v1/, OpenAPI at /api/v1/openapi.json. Same scoping as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from rongjia.core.errors import StaleVersion

from .auth import AUTH
from .calendar import router as calendar_router
from .jobs import router as jobs_router
from .network import router as network_router
from .people import router as people_router
from .petitions import router as petitions_router
from .regions import router as regions_router
from .stations import router as stations_router

# The errors every operation can answer, each {"detail": "..."} (422 adds "errors" by field).
ERROR_RESPONSES = {
    "400": "The request body is not valid JSON (or multipart) at all.",
    "401": "No valid API token or session.",
    "403": "The role lacks this capability, or a password change or second factor is due.",
    "404": "No such record inside the caller's scope (records outside it are answered the same way).",
    "409": "The record changed since it was read (a stale version).",
    "422": "Invalid input; errors by field.",
}
ERROR_SCHEMA = {"type": "object", "required": ["detail"], "properties": {
    # a message, or django-ninja's list of {loc, msg, type} for a request that fails its schema
    "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
    "errors": {"type": "object"}, "allowed": {"type": "array"}}}


class RongjiaAPI(NinjaAPI):
    """The schema documents the error responses too, so a client (and schemathesis) knows them."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description,
                                                "content": {"application/json": {"schema": ERROR_SCHEMA}}})
        return schema


api = RongjiaAPI(title="Rongjia API", version="1", auth=AUTH, urls_namespace="api")
api.add_router("/regions/", regions_router)
api.add_router("/stations/", stations_router)
api.add_router("/network/", network_router)
api.add_router("/people/", people_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/petitions/", petitions_router)


@api.exception_handler(StaleVersion)
def stale_version(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("Invalid input."), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)
