"""Employers 拥军企业, their postings and the referrals to them."""

from django.urls import path

from . import views_postings, views_referrals

urlpatterns = [
    path("employers/", views_postings.employer_list, name="employers"),
    path("employers/export.xlsx", views_postings.employer_export, name="employers_export"),
    path("employers/new/", views_postings.employer_new, name="employer_new"),
    path("employers/<int:pk>/", views_postings.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views_postings.employer_edit, name="employer_edit"),
    path("postings/", views_postings.posting_list, name="postings"),
    path("postings/export.xlsx", views_postings.posting_export, name="postings_export"),
    path("postings/new/", views_postings.posting_new, name="posting_new"),
    path("postings/places/", views_postings.place_options, name="place_options"),
    path("postings/<int:pk>/", views_postings.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/edit/", views_postings.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/withdraw/", views_postings.posting_withdraw, name="posting_withdraw"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/new/", views_referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views_referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/step/", views_referrals.referral_step, name="referral_step"),
]
