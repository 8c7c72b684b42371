from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export.xlsx", views.person_export, name="person_export"),
    path("new", views.person_register, name="person_register"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit", views.person_edit, name="person_edit"),
]
