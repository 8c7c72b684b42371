"""Job seekers and matching: the list and its export, one seeker, the new and edit forms, certificates, the review
of the dossiers, and the rankings (a posting's seekers, a seeker's postings)."""

from django.urls import path

from . import views_matching, views_seekers

urlpatterns = [
    path("seekers/", views_seekers.seeker_list, name="seekers"),
    path("seekers/export.xlsx", views_seekers.seekers_export, name="seekers_export"),
    path("seekers/review/", views_seekers.seekers_review, name="seekers_review"),
    path("seekers/new/", views_seekers.seeker_new, name="seeker_new"),
    path("seekers/<int:pk>/", views_seekers.seeker_detail, name="seeker_detail"),
    path("seekers/<int:pk>/edit/", views_seekers.seeker_edit, name="seeker_edit"),
    path("seekers/<int:pk>/confirm/", views_seekers.seeker_confirm, name="seeker_confirm"),
    path("seekers/<int:pk>/certificates/", views_seekers.seeker_certificate, name="seeker_certificate"),
    path("seekers/<int:pk>/postings/", views_matching.seeker_postings, name="seeker_postings"),
    path("postings/<int:pk>/matches/", views_matching.posting_matches, name="posting_matches"),
]
