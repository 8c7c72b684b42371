from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_page, name="petition_list"),
    path("new", views.petition_new, name="petition_new"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.petition_detail, name="petition_detail"),
]
