"""The payment batch pages, under /benefits/batches/ (benefits/urls.py includes them)."""

from django.urls import path

from . import views_batches

urlpatterns = [
    path("", views_batches.batch_list, name="batches"),
    path("new/", views_batches.batch_new, name="batch_new"),
    path("<int:pk>/", views_batches.batch_detail, name="batch_detail"),
    path("<int:pk>/status/", views_batches.batch_status, name="batch_status"),
    path("<int:pk>/step/", views_batches.batch_step, name="batch_step"),
    path("<int:pk>/return/", views_batches.batch_return, name="batch_return"),
    path("<int:pk>/regenerate/", views_batches.batch_regenerate, name="batch_regenerate"),
    path("<int:pk>/bank-file/", views_batches.batch_download, name="batch_download"),
]
