from django.urls import include, path
from django.views.i18n import set_language

from rongjia.api.api import api
from rongjia.core.views_health import healthz
from rongjia.core.views_workbench import workbench

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("rongjia.accounts.urls")),
    path("audit/", include("rongjia.core.urls_audit")),
    path("api/v1/", api.urls),
    path("", workbench, name="home"),
    path("people/", include("rongjia.people.urls")),
    path("petitions/", include("rongjia.petitions.urls")),
    path("visits/", include("rongjia.visits.urls")),
    path("worklist/", include("rongjia.worklist.urls")),
    path("evaluation/", include("rongjia.evaluation.urls")),
    path("assistance/", include("rongjia.assistance.urls")),
    path("benefits/", include("rongjia.benefits.urls")),
    path("employment/", include("rongjia.employment.urls")),
    path("mailbox/", include("rongjia.petitions.mailbox.urls")),
    path("statistics/", include("rongjia.insights.urls")),
    path("", include("rongjia.network.urls")),
    path("", include("rongjia.core.urls")),
]
