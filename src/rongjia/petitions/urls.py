from django.urls import include, path

from . import views, views_files, views_petitioners
from .legal_aid import views as legal_aid_views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_page, name="petition_list"),
    path("new", views.petition_new, name="petition_new"),
    path("new/petitioners", views_petitioners.petitioner_options, name="petitioner_options"),
    path("new/petitioners/<int:pk>", views_petitioners.petitioner_pick, name="petitioner_pick"),
    path("export.xlsx", views.petition_export, name="petition_export"),
    path("", include("rongjia.petitions.backlog.urls")),  # 积案 and 包案: petitions:backlog_…
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
# 接访、约访、下访、督访, reception days, sensitive periods (outreach/) and 人民调解 (mediation/)
from .mediation import views as mediation_views  # noqa: E402
from .outreach import views as outreach_views  # noqa: E402

urlpatterns += [
    path("outreach/", outreach_views.meeting_list_page, name="meeting_list"),
    path("outreach/new", outreach_views.meeting_new, name="meeting_new"),
    path("outreach/<int:pk>/", outreach_views.meeting_detail, name="meeting_detail"),
    path("outreach/<int:pk>/edit", outreach_views.meeting_edit, name="meeting_edit"),
    path("outreach/<int:pk>/step", outreach_views.meeting_step, name="meeting_step"),
    path("outreach/<int:pk>/petition", outreach_views.meeting_petition, name="meeting_petition"),
    path("outreach/reception-days/", outreach_views.reception_days, name="reception_days"),
    path("outreach/reception-days/<int:pk>/", outreach_views.reception_day_edit, name="reception_day_edit"),
    path("outreach/sensitive-periods/", outreach_views.sensitive_periods, name="sensitive_periods"),
    path("outreach/sensitive-periods/<int:pk>/", outreach_views.sensitive_period_edit, name="sensitive_period_edit"),
    path("mediation/", mediation_views.mediation_list_page, name="mediation_list"),
    path("mediation/new", mediation_views.mediation_new, name="mediation_new"),
    path("mediation/<int:pk>/", mediation_views.mediation_detail, name="mediation_detail"),
    path("mediation/<int:pk>/sessions", mediation_views.session_add, name="mediation_session_add"),
    path("mediation/<int:pk>/step", mediation_views.mediation_step, name="mediation_step"),
]
