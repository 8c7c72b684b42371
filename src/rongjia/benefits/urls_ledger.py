"""The ledger part of the benefits pages: the 落实台账, the 项目清单, their exports and the statistics."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("ledger/", views_ledger.ledger_page, name="ledger"),
    path("ledger/export/", views_ledger.ledger_export, name="ledger_export"),
    path("items/", views_ledger.item_list, name="items"),
    path("items/export/", views_ledger.items_export, name="items_export"),
    path("statistics/", views_ledger.statistics, name="statistics"),
]
