from django.urls import path

from . import views_jobs, views_places, views_reference

app_name = "core"
urlpatterns = [
    path("reference/regions/", views_reference.region_admin, name="region_admin"),
    path("reference/regions/<str:code>/edit", views_reference.region_edit, name="region_edit"),
    path("reference/holidays/", views_reference.holidays, name="holidays"),
    path("places/suggest", views_places.place_suggest, name="place_suggest"),
    path("files/<int:pk>/", views_jobs.file_job, name="file_job"),
    path("files/<int:pk>/download", views_jobs.file_job_download, name="file_job_download"),
]
