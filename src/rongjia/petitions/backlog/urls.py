"""The 积案 routes, included into the petitions' URL conf (names in its namespace: petitions:backlog_…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("backlog/", views.backlog_list, name="backlog_list"),
    path("backlog/export.xlsx", views.backlog_export, name="backlog_export"),
    path("<int:pk>/backlog/", views.backlog_detail, name="backlog_detail"),
    path("<int:pk>/backlog/assign", views.backlog_assign, name="backlog_assign"),
    path("<int:pk>/backlog/progress", views.backlog_progress, name="backlog_progress"),
    path("<int:pk>/backlog/resolve", views.backlog_resolve, name="backlog_resolve"),
]
