"""The benefits pages. Each part keeps its own url module (people, batches, ledger and standards)."""

from django.urls import include, path

app_name = "benefits"

urlpatterns = [
    path("", include("rongjia.benefits.urls_people")),
    path("batches/", include("rongjia.benefits.urls_batches")),
    path("standards/", include("rongjia.benefits.urls_standards")),
    path("", include("rongjia.benefits.urls_ledger")),
]
