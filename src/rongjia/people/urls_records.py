from django.urls import path

from . import views_records as views

urlpatterns = [
    # before <kind>/new, which would read "categories" as a kind
    path("<int:pk>/categories/new", views.category_add, name="category_add"),
    path("<int:pk>/categories/<int:span_id>/end", views.category_end, name="category_end"),
    path("<int:pk>/<str:kind>/new", views.record_edit, name="record_add"),
    path("<int:pk>/<str:kind>/<int:record_id>/edit", views.record_edit, name="record_edit"),
    path("<int:pk>/<str:kind>/<int:record_id>/remove", views.record_remove, name="record_remove"),
    path("<int:pk>/tags", views.tags_edit, name="tags_edit"),
    path("<int:pk>/photo", views.photo, name="photo"),
    path("<int:pk>/photo/upload", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photo/remove", views.photo_remove, name="photo_remove"),
    path("regions", views.region_options, name="region_options"),
]
