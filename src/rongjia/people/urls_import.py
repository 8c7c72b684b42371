from django.urls import path

from . import views_import as views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/jobs/", views.import_jobs, name="import_jobs"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/columns", views.import_columns, name="import_columns"),
    path("import/<int:pk>/places", views.import_places, name="import_places"),
    path("import/<int:pk>/changes/accept", views.import_changes_accept, name="import_changes_accept"),
    path("import/<int:pk>/commit", views.import_job_commit, name="import_job_commit"),
    path("import/<int:pk>/held/", views.import_held, name="import_held"),
    path("import/<int:pk>/held.xlsx", views.import_held_workbook, name="import_held_workbook"),
    path("import/<int:pk>/held/<int:row_pk>/fix", views.import_held_fix, name="import_held_fix"),
    path("import/<int:pk>/held/<int:row_pk>/skip", views.import_held_skip, name="import_held_skip"),
    path("import/<int:pk>/held/<int:row_pk>/unskip", views.import_held_unskip, name="import_held_unskip"),
    path("import/<int:pk>/updates/", views.import_updates, name="import_updates"),
    path("import/<int:pk>/updates/<int:row_pk>/accept", views.import_update_accept, name="import_update_accept"),
]
