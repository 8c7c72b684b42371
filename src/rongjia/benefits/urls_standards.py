"""The benefit items, standard tables and payment policy pages, under /benefits/standards/ (benefits/urls.py
includes them)."""

from django.urls import path

from . import views_standards

urlpatterns = [
    path("", views_standards.standards, name="standards"),
    path("new/", views_standards.standard_table_new, name="standard_table_new"),
    path("<int:pk>/", views_standards.standard_table_detail, name="standard_table_detail"),
    path("policy/", views_standards.policy, name="policy"),
]
