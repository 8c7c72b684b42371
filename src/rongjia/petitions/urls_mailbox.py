from django.urls import path

from . import views_mailbox

app_name = "mailbox"
urlpatterns = [
    # open to anyone, without an account
    path("", views_mailbox.feedback_new, name="new"),
    path("thanks", views_mailbox.feedback_thanks, name="thanks"),
    path("answer", views_mailbox.feedback_lookup, name="lookup"),
    path("stations", views_mailbox.station_options, name="station_options"),
    # the answering centres
    path("inbox/", views_mailbox.feedback_inbox, name="inbox"),
    path("inbox/<int:pk>/", views_mailbox.feedback_detail, name="detail"),
]
