from django.urls import path

from . import views, views_aid, views_files

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
    path("<int:pk>/legal-aid/", views_aid.referral_create, name="referral_create"),
    path("<int:pk>/legal-aid/<int:referral_pk>", views_aid.referral_step, name="referral_step"),
    path("lawyers/", views_aid.lawyer_list, name="lawyer_list"),
    path("lawyers/new", views_aid.lawyer_edit, name="lawyer_new"),
    path("lawyers/<int:pk>/", views_aid.lawyer_edit, name="lawyer_edit"),
]
