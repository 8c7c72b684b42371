from django.urls import path

from . import views, views_campaigns, views_coverage, views_honours, views_regime, views_wall

app_name = "visits"
urlpatterns = [
    path("", views.visit_list_page, name="visit_list"),
    path("due", views.due, name="due"),
    path("new", views.visit_new, name="visit_new"),
    path("export.xlsx", views.visit_export, name="visit_export"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/photos/<int:photo_pk>", views.visit_photo, name="visit_photo"),
    path("owed/", views.owed_list, name="owed"),
    path("owed/new", views.due_visit_new, name="due_visit_new"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/close", views.follow_up_close, name="follow_up_close"),
    path("coverage/", views_coverage.coverage, name="coverage"),
    path("coverage/people", views_coverage.people, name="people"),
    path("coverage/people.xlsx", views_coverage.people_export, name="people_export"),
    path("regime/", views_regime.regime, name="regime"),
    path("campaigns/", views_campaigns.campaign_list_page, name="campaign_list"),
    path("campaigns/new", views_campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("plaques/", views_honours.plaques, name="plaques"),
    path("plaques/issue", views_honours.plaque_issue, name="plaque_issue"),
    path("plaques/<int:pk>/step", views_honours.plaque_step, name="plaque_step"),
    path("plaques/<int:pk>/photo", views_honours.plaque_photo, name="plaque_photo"),
    path("merits/", views_honours.merits, name="merits"),
    path("merits/new", views_honours.merit_register, name="merit_register"),
    path("merits/<int:pk>/step", views_honours.merit_step, name="merit_step"),
    path("honour-wall/", views_wall.honour_wall, name="honour_wall"),
    path("honour-wall/<int:pk>/remove", views_wall.honour_remove, name="honour_remove"),
    path("honour-wall/<int:pk>/photo", views_wall.honour_photo, name="honour_photo"),
]
