from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/timeline", views.person_timeline, name="person_timeline"),
    path("<int:pk>/status", views.status_change, name="status_change"),
    path("<int:pk>/transfer", views.transfer_propose, name="transfer_propose"),
    path("<int:pk>/reveal", views.reveal, name="reveal"),
    path("<int:pk>/merge", views.merge, name="merge"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/request", views.transfer_request, name="transfer_request"),
    path("transfers/<int:pk>/<str:action>", views.transfer_decide, name="transfer_decide"),
    path("transfers/stations", views.station_options, name="station_options"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("as-of/", views.as_of, name="as_of"),
    path("as-of/export.xlsx", views.as_of_export, name="as_of_export"),
    path("export-full.xlsx", views.export_full, name="export_full"),
]
