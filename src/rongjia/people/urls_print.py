from django.urls import path

from . import views_print as views

urlpatterns = [
    path("outputs/", views.list_outputs, name="list_outputs"),
    path("cards/", views.cards_start, name="cards_start"),
    path("<int:pk>/card.pdf", views.person_card, name="person_card"),
    path("<int:pk>/booklet.pdf", views.booklet, name="booklet"),
]
