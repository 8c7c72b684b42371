from django.urls import path

from . import views

app_name = "mailbox"
urlpatterns = [
    # open to anyone, without an account
    path("", views.feedback_new, name="new"),
    path("thanks", views.feedback_thanks, name="thanks"),
    path("answer", views.feedback_lookup, name="lookup"),
    path("answer/rate", views.feedback_rate, name="rate"),
    path("answer/follow-up", views.feedback_follow_up, name="follow_up"),
    path("stations", views.station_options, name="station_options"),
    # the answering centres
    path("inbox/", views.feedback_inbox, name="inbox"),
    path("inbox/<int:pk>/", views.feedback_detail, name="detail"),
    path("inbox/export.xlsx", views.feedback_export, name="inbox_export"),
    # the station the feedback is about, and the centres above it: the outcome, never the sender
    path("about/", views.feedback_about_list, name="about"),
    path("about/<int:pk>/", views.feedback_about_detail, name="about_detail"),
]
