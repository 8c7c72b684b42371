from django.urls import path

from . import views_reference

app_name = "core"
urlpatterns = [
    path("reference/regions/", views_reference.region_admin, name="region_admin"),
    path("reference/regions/<str:code>/edit", views_reference.region_edit, name="region_edit"),
    path("reference/holidays/", views_reference.holidays, name="holidays"),
]
