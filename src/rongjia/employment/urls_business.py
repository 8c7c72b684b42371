"""The businesses veterans start: the list and its export, a business, the forms."""

from django.urls import path

from . import views_business

urlpatterns = [
    path("businesses/", views_business.business_list, name="businesses"),
    path("businesses/export.xlsx", views_business.business_export, name="businesses_export"),
    path("businesses/new/", views_business.business_new, name="business_new"),
    path("businesses/<int:pk>/", views_business.business_detail, name="business_detail"),
    path("businesses/<int:pk>/edit/", views_business.business_edit, name="business_edit"),
    path("businesses/<int:pk>/support/", views_business.business_support, name="business_support"),
    path("businesses/<int:pk>/follow-up/", views_business.business_follow_up, name="business_follow_up"),
]
