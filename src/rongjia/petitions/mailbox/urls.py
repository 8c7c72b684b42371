from django.urls import path

from . import views

app_name = "mailbox"
urlpatterns = [
    # open to anyone, without an account
    path("", views.feedback_new, name="new"),
    path("thanks", views.feedback_thanks, name="thanks"),
    path("answer", views.feedback_lookup, name="lookup"),
    path("stations", views.station_options, name="station_options"),
    # the answering centres
    path("inbox/", views.feedback_inbox, name="inbox"),
    path("inbox/<int:pk>/", views.feedback_detail, name="detail"),
]
