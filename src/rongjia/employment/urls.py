"""就业创业's pages, one URL module per part (seekers and matching, employers and postings, fairs and courses,
businesses, the ledger and statistics)."""

from django.urls import include, path

from . import urls_business, urls_fairs, urls_ledger, urls_postings, urls_seekers

app_name = "employment"

urlpatterns = [
    path("", include(urls_seekers)),
    path("", include(urls_postings)),
    path("", include(urls_fairs)),
    path("", include(urls_business)),
    path("", include(urls_ledger)),
]
