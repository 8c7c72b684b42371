from django.urls import path

from . import views_audit

app_name = "audit"
urlpatterns = [
    path("", views_audit.audit_log, name="log"),
    path("export.xlsx", views_audit.audit_export, name="export"),
    path("sign-ins/", views_audit.sign_ins, name="sign_ins"),
]
