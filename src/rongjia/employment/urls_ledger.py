"""The 就业创业台账 (page, printout with ?print=1, export) and the employment statistics."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("ledger/", views_ledger.ledger_page, name="ledger"),
    path("ledger/export.xlsx", views_ledger.ledger_export, name="ledger_export"),
    path("statistics/", views_ledger.statistics, name="statistics"),
]
