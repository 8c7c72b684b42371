from django.urls import path

from . import views

urlpatterns = [
    path("grids/mine", views.my_grid, name="my_grid"),
    path("grids/assign", views.grid_assign, name="grid_assign"),
    path("grids/proposals", views.proposals, name="status_proposals"),
    path("grids/proposals/<int:pk>", views.proposal_decide, name="status_proposal_decide"),
    path("grids/households/<int:pk>", views.household, name="household"),
    path("grids/households/<int:pk>/propose", views.status_propose, name="status_propose"),
]
