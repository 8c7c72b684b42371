from django.urls import path

from . import views, views_files
from .legal_aid import views as legal_aid_views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_page, name="petition_list"),
    path("new", views.petition_new, name="petition_new"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("notices/", views.notice_list_page, name="notice_list"),
    path("<int:pk>/", views.petition_detail, name="petition_detail"),
    path("<int:pk>/files/", views_files.attachment_upload, name="attachment_upload"),
    path("<int:pk>/files/<int:attachment_pk>", views_files.attachment_download, name="attachment_download"),
    path("<int:pk>/files/<int:attachment_pk>/remove", views_files.attachment_remove, name="attachment_remove"),
    path("<int:pk>/documents/<int:event_pk>.pdf", views_files.document_pdf, name="document_pdf"),
    path("<int:pk>/legal-aid/", legal_aid_views.referral_create, name="referral_create"),
    path("<int:pk>/legal-aid/<int:referral_pk>", legal_aid_views.referral_step, name="referral_step"),
    path("lawyers/", legal_aid_views.lawyer_list, name="lawyer_list"),
    path("lawyers/new", legal_aid_views.lawyer_edit, name="lawyer_new"),
    path("lawyers/<int:pk>/", legal_aid_views.lawyer_edit, name="lawyer_edit"),
]
