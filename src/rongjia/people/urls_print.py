from django.urls import path

from . import views_print as views

urlpatterns = [
    path("cards.pdf", views.cards_sheet, name="cards_sheet"),
    path("<int:pk>/card.pdf", views.person_card, name="person_card"),
    path("<int:pk>/booklet.pdf", views.booklet, name="booklet"),
]
