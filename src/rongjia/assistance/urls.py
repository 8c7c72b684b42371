from django.urls import path

from . import views_applications, views_batches, views_funds, views_ledger, views_referrals, views_statistics

app_name = "assistance"

urlpatterns = [
    # the hardship ledger 困难台账 and pairings 结对帮扶
    path("", views_ledger.hardship_list, name="index"),
    path("hardship/export/", views_ledger.hardship_export, name="hardship_export"),
    path("hardship/new/", views_ledger.hardship_new, name="hardship_new"),
    path("hardship/<int:pk>/", views_ledger.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/edit/", views_ledger.hardship_edit, name="hardship_edit"),
    path("hardship/<int:pk>/review/", views_ledger.hardship_review, name="hardship_review"),
    path("hardship/<int:pk>/pairings/new/", views_ledger.pairing_new, name="pairing_new"),
    path("pairings/", views_ledger.pairing_list, name="pairings"),
    path("pairings/<int:pk>/help/", views_ledger.help_new, name="help_new"),
    path("pairings/<int:pk>/end/", views_ledger.pairing_end, name="pairing_end"),
    # aid applications
    path("applications/", views_applications.application_list, name="applications"),
    path("applications/new/", views_applications.application_new, name="application_new"),
    path("applications/<int:pk>/", views_applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/step/", views_applications.application_step, name="application_step"),
    path("applications/<int:pk>/documents/", views_applications.document_add, name="document_add"),
    path("applications/<int:pk>/documents/<int:document_pk>/", views_applications.document_download,
         name="document_download"),
    path("applications/<int:pk>/refusal.pdf", views_applications.refusal_pdf, name="refusal_pdf"),
    path("publicity.pdf", views_applications.publicity_pdf, name="publicity_pdf"),
    path("batches/new/", views_batches.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/status/", views_batches.batch_status, name="batch_status"),
    # funds
    path("funds/", views_funds.fund_list, name="funds"),
    path("funds/new/", views_funds.fund_new, name="fund_new"),
    path("funds/<int:pk>/", views_funds.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/income/", views_funds.fund_income, name="fund_income"),
    path("funds/<int:pk>/spend/", views_funds.fund_spend, name="fund_spend"),
    path("funds/<int:pk>/export/", views_funds.fund_export, name="fund_export"),
    # referrals 转介
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views_referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/step/", views_referrals.referral_step, name="referral_step"),
    # statistics
    path("statistics/", views_statistics.statistics, name="statistics"),
]
