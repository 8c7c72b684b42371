from django.urls import path

from . import views_import as views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/jobs/", views.import_jobs, name="import_jobs"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/commit", views.import_job_commit, name="import_job_commit"),
]
