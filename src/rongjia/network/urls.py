from django.urls import include, path

from . import views, views_checklists, views_rectifications, views_units

app_name = "network"
urlpatterns = [
    path("network/", views.overview, name="overview"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/export.xlsx", views.station_export, name="station_export"),
    path("stations/count", views.station_count, name="station_count"),
    path("stations/autocomplete", views.station_autocomplete, name="station_autocomplete"),
    path("stations/tree/", views.station_tree, name="station_tree"),
    path("stations/tree/<int:pk>/children", views.station_tree_children, name="station_tree_children"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit", views.station_edit, name="station_edit"),
    path("stations/new-extra", views_units.extra_unit_create, name="extra_unit_create"),
    path("stations/rectifications/", views_rectifications.rectification_list, name="rectification_list"),
    path("network/checklists/", views_checklists.checklists, name="checklists"),
    # the station's own pages (profile, 五有 and checklist, staff, grids, rectification)
    path("", include("rongjia.network.urls_station")),
    # standards and the network statistics
    path("", include("rongjia.network.urls_stats")),
]
