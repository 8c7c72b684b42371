"""A unit's own pages (SPEC C1), included into the "network" namespace by network.urls."""

from django.urls import path

from . import views_station as views

urlpatterns = [
    path("stations/<int:pk>/profile", views.station_profile, name="station_profile"),
    path("stations/<int:pk>/checklist", views.station_checklist, name="station_checklist"),
    path("stations/<int:pk>/checklist/<int:item_pk>", views.checklist_entry_save, name="checklist_entry_save"),
    path("stations/<int:pk>/evidence/<int:entry_pk>", views.checklist_evidence, name="checklist_evidence"),
    path("stations/<int:pk>/staff", views.station_staff, name="station_staff"),
    path("stations/<int:pk>/staff/<int:staff_pk>/", views.staff_detail, name="staff_detail"),
    path("stations/<int:pk>/staff/<int:staff_pk>/training", views.training_add, name="training_add"),
    path("stations/<int:pk>/grids", views.station_grids, name="station_grids"),
    path("stations/<int:pk>/grids/<int:grid_pk>/edit", views.grid_edit, name="grid_edit"),
    path("stations/<int:pk>/standard", views.station_standard, name="station_standard"),
    path("stations/<int:pk>/rectify", views.rectification_record, name="rectification_record"),
]
