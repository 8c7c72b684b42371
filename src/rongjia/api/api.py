"""REST API v1: /api/v1/, OpenAPI at /api/v1/openapi.json (signed-in callers). Same scoping as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from rongjia.core.errors import StaleVersion

from .aid import applications_router, funds_router
from .assistance import hardship_router, referrals_router
from .auth import AUTH
from .benefits import batches_router as payment_batches_router
from .benefits import benefits_router, person_benefits_router
from .calendar import router as calendar_router
from .docs import DOCS, signed_in_only
from .employment import (
    courses_router,
    fairs_router,
    matches_router,
    postings_router,
    seekers_router,
)
from .employment import referrals_router as employment_referrals_router
from .evaluations import router as evaluations_router
from .jobs import router as jobs_router
from .network import router as network_router
from .people import router as people_router
from .petitions import router as petitions_router
from .regions import router as regions_router
from .stations import router as stations_router
from .training import router as training_router
from .visits import router as visits_router
from .worklist import inspections_router
from .worklist import router as tasks_router

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
                # ninja keys the responses an operation declares by number (422: dict), these by string:
                # one key per code, or the JSON names "422" twice. Every error has the one shape above.
                responses = {str(code): response for code, response in operation.get("responses", {}).items()}
                for code, description in ERROR_RESPONSES.items():
                    responses[code] = {"description": description,
                                       "content": {"application/json": {"schema": ERROR_SCHEMA}}}
                operation["responses"] = responses
        return schema


# The schema and the docs page need a signed-in caller too; the page's assets are our own (decision 0009).
api = RongjiaAPI(title="Rongjia API", version="1", auth=AUTH, urls_namespace="api", docs=DOCS,
                 docs_decorator=signed_in_only)
api.add_router("/regions/", regions_router)
api.add_router("/stations/", stations_router)
api.add_router("/network/", network_router)
api.add_router("/people/", people_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/petitions/", petitions_router)
api.add_router("/visits/", visits_router)
api.add_router("/training/", training_router)
api.add_router("/tasks/", tasks_router)
api.add_router("/inspections/", inspections_router)
api.add_router("/evaluations/", evaluations_router)
api.add_router("/hardship/", hardship_router)
api.add_router("/aid-applications/", applications_router)
api.add_router("/funds/", funds_router)
api.add_router("/referrals/", referrals_router)
api.add_router("/benefits/", benefits_router)
api.add_router("/people/", person_benefits_router)  # /people/{id}/entitlements, beside the dossier's own router
api.add_router("/employment/seekers/", seekers_router)
api.add_router("/employment/postings/", postings_router)
api.add_router("/employment/matches/", matches_router)
api.add_router("/employment/referrals/", employment_referrals_router)
api.add_router("/employment/fairs/", fairs_router)
api.add_router("/employment/courses/", courses_router)
api.add_router("/payment-batches/", payment_batches_router)


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
