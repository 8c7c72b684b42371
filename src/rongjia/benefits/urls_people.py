"""The person-side benefits pages, at the root of /benefits/: the queue of proposals, the recipients, the life
certifications and one person's benefits with the forms that write through the services."""

from django.urls import path

from . import views_people as views

urlpatterns = [
    path("", views.proposal_list, name="proposals"),
    path("proposals/refresh/", views.proposals_refresh, name="proposals_refresh"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/refuse/", views.proposal_refuse, name="proposal_refuse"),
    path("recipients/", views.recipient_list, name="recipients"),
    path("certifications/", views.certification_list, name="certifications"),
    path("people/<int:person_pk>/", views.person_benefits, name="person"),
    path("people/<int:person_pk>/residence/", views.residence, name="residence"),
    path("people/<int:person_pk>/certify/", views.certify, name="certify"),
    path("people/<int:person_pk>/accounts/new/", views.account_add, name="account_add"),
    path("people/<int:person_pk>/accounts/<int:pk>/reveal/", views.account_reveal, name="account_reveal"),
]
