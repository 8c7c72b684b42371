from django.urls import path

from . import views_stats, views_training

urlpatterns = [
    path("network/stats/", views_stats.network_stats, name="network_stats"),
    path("network/stats/export.xlsx", views_stats.network_stats_export, name="network_stats_export"),
    path("network/standards/", views_stats.standard_list, name="standard_list"),
    path("network/training/", views_training.training_page, name="training"),
    path("network/training/untrained.xlsx", views_training.training_export, name="training_export"),
    path("network/standards/<int:pk>/withdraw", views_stats.standard_withdraw, name="standard_withdraw"),
]
