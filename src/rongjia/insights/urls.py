from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("changes/", views.changes, name="changes"),
]
