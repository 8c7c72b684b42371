from django.urls import path

from . import urls_import, urls_print, urls_records, views, views_reference
from .books import urls as books_urls
from .grids import urls as grids_urls

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export.xlsx", views.person_export, name="person_export"),
    path("new", views.person_register, name="person_register"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit", views.person_edit, name="person_edit"),
    path("reference/", views_reference.reference_lists, name="reference_lists"),
    path("reference/<str:kind>/new", views_reference.reference_edit, name="reference_add"),
    path("reference/<str:kind>/<int:entry_id>/edit", views_reference.reference_edit, name="reference_edit"),
    *urls_records.urlpatterns,  # household, service, awards, disability, tags, photo
    *books_urls.urlpatterns,  # status changes, transfers, timeline, reveal, duplicates, as-of
    *grids_urls.urlpatterns,  # households in grids, kept by their grid workers
    *urls_import.urlpatterns,  # Excel import
    *urls_print.urlpatterns,  # PDF printables
]
