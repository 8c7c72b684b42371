from django.urls import path

from . import views, views_criteria, views_sheet, views_titles

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/step/", views.run_step, name="run_step"),
    path("runs/<int:pk>/assign/", views.run_assign, name="run_assign"),
    path("runs/<int:pk>/export/", views.run_export, name="run_export"),
    path("scores/<int:pk>/", views_sheet.score_detail, name="score_detail"),
    path("scores/<int:pk>/adjust/", views_sheet.score_adjust, name="score_adjust"),
    path("scores/<int:pk>/mark/", views_sheet.score_mark, name="score_mark"),
    path("scores/<int:pk>/rectify/", views_sheet.score_rectify, name="score_rectify"),
    path("assigned/", views_sheet.assigned, name="assigned"),
    path("criteria/new/", views_criteria.criteria_new, name="criteria_new"),
    path("criteria/<int:pk>/", views_criteria.criteria_detail, name="criteria_detail"),
    path("targets/", views_titles.targets, name="targets"),
    path("targets/new/", views_titles.target_new, name="target_new"),
    path("targets/<int:pk>/stations/", views_titles.target_stations, name="target_stations"),
    path("titles/", views_titles.designations, name="designations"),
    path("titles/new/", views_titles.designation_new, name="designation_new"),
    path("titles/<int:pk>/end/", views_titles.designation_end, name="designation_end"),
    path("pairings/", views_titles.pairings, name="pairings"),
    path("pairings/new/", views_titles.pairing_new, name="pairing_new"),
    path("pairings/<int:pk>/tasks/", views_titles.joint_task_add, name="joint_task_add"),
    path("pairings/tasks/<int:pk>/done/", views_titles.joint_task_done, name="joint_task_done"),
]
