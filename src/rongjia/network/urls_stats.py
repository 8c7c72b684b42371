from django.urls import path

from . import views_stats, views_training

urlpatterns = [
    path("network/stats/", views_stats.network_stats, name="network_stats"),
    path("network/stats/export.xlsx", views_stats.network_stats_export, name="network_stats_export"),
    path("network/stats/staff/", views_stats.staff_in_post, name="staff_in_post"),
    path("network/standards/", views_stats.standard_list, name="standard_list"),
    path("network/training/", views_training.training_page, name="training"),
    path("network/training/untrained.xlsx", views_training.training_export, name="training_export"),
    path("network/training/courses/", views_training.course_list, name="course_list"),
    path("network/training/courses/<int:pk>/", views_training.course_detail, name="course_detail"),
    path("network/training/courses/<int:pk>/enrol", views_training.course_enrol, name="course_enrol"),
    path("network/training/courses/<int:pk>/complete", views_training.course_complete, name="course_complete"),
    path("network/training/placements/", views_training.placements, name="placements"),
    path("network/standards/<int:pk>/withdraw", views_stats.standard_withdraw, name="standard_withdraw"),
]
